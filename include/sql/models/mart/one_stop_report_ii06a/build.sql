-- Biểu II.06a rebuilt from dossiers over the period each form states, beside the reported figures.
-- A row of the reporting unit's own code is its own desk; a row of a unit below it covers that unit
-- and every unit under it (the hierarchy valid on the quarter's last day). Only units that sent a
-- dossiers file for the quarter contribute; a row none of whose units did gets NULL rebuilt figures.
-- Each dossier is taken in its state from the latest export quarter <= the form's quarter that holds
-- it, reading back to the quarter holding the earliest period start (15/12 of a Q1 form lies in Q4).
-- Counting by local calendar days over [period_start, period_end], both ends included, as the sample
-- generator counts (cchc.generate.one_stop_report):
--   (4)/(5) received within the period, online / in person or by post;
--   (6) received before period_start and not resolved before period_start;
--   (8)-(10) resolved within the period, early / on time / late (core.resolution_status);
--   (12)/(13) received by period_end and not resolved by period_end, overdue when due_on <= period_end.
insert into mart.one_stop_report_ii06a (
    quarter, province_code, file_id, line_number, reporting_unit_code, unit_code, row_label, row_scope,
    period_start, period_end, period_stated, has_dossiers,
    reported_received_total, reported_received_online, reported_received_direct_postal,
    reported_received_carried_over, reported_resolved_total, reported_resolved_early, reported_resolved_on_time,
    reported_resolved_late, reported_pending_total, reported_pending_in_time, reported_pending_overdue,
    rebuilt_received_total, rebuilt_received_online, rebuilt_received_direct_postal,
    rebuilt_received_carried_over, rebuilt_resolved_total, rebuilt_resolved_early, rebuilt_resolved_on_time,
    rebuilt_resolved_late, rebuilt_pending_total, rebuilt_pending_in_time, rebuilt_pending_overdue,
    diff_received_total, diff_received_online, diff_received_direct_postal,
    diff_received_carried_over, diff_resolved_total, diff_resolved_early, diff_resolved_on_time,
    diff_resolved_late, diff_pending_total, diff_pending_in_time, diff_pending_overdue,
    received_adds_up, resolved_adds_up, pending_adds_up, received_equals_resolved_plus_pending
)
with form_rows as (
    select
        *,
        case when unit_code = reporting_unit_code then 'desk' else 'subtree' end as row_scope
    from core.fct_one_stop_report_row
    where quarter = %(quarter)s and unit_code is not null
),

units as (
    select unit_code, parent_code, province_code
    from core.dim_admin_unit
    where %(last_day)s::date between _valid_from and _valid_to
),

-- Each unit paired with itself and its descendants (at most province -> district -> commune).
subtree as (
    select ancestor_code as root_code, unit_code as member_code
    from core.admin_unit_ancestry(%(last_day)s::date)
),

reporting_units as (
    select unit_code
    from core.reporting_units(%(quarter)s, 'dossiers')
),

-- The desks each row covers, among those that sent a dossiers file for the quarter.
row_members as (
    select r.file_id, r.line_number, r.unit_code as member_code
    from form_rows as r
    join reporting_units as ru on ru.unit_code = r.unit_code
    where r.row_scope = 'desk'
    union
    select r.file_id, r.line_number, s.member_code
    from form_rows as r
    join subtree as s on s.root_code = r.unit_code
    join reporting_units as ru on ru.unit_code = s.member_code
    where r.row_scope = 'subtree'
),

-- Latest known state of every dossier, reading back to the quarter holding the earliest period start.
dossiers as (
    select *
    from core.dossier_latest_state(
            %(quarter)s,
            (select coalesce(min(to_char(period_start, 'YYYY"Q"Q')), %(quarter)s) from form_rows),
            %(last_day)s::date
        )
),

rebuilt as (
    select
        r.file_id, r.line_number,
        count(d.dossier_id) filter (
            where d.received_on >= r.period_start and d.channel = 'online'
        ) as received_online,
        count(d.dossier_id) filter (
            where d.received_on >= r.period_start and d.channel in ('direct', 'postal')
        ) as received_direct_postal,
        count(d.dossier_id) filter (where d.received_on < r.period_start) as received_carried_over,
        count(d.dossier_id) filter (
            where d.resolved_on <= r.period_end and d.resolution_status = 'early'
        ) as resolved_early,
        count(d.dossier_id) filter (
            where d.resolved_on <= r.period_end and d.resolution_status = 'on_time'
        ) as resolved_on_time,
        count(d.dossier_id) filter (
            where d.resolved_on <= r.period_end and d.resolution_status = 'late'
        ) as resolved_late,
        count(d.dossier_id) filter (
            where (d.resolved_on is null or d.resolved_on > r.period_end) and d.due_on > r.period_end
        ) as pending_in_time,
        count(d.dossier_id) filter (
            where (d.resolved_on is null or d.resolved_on > r.period_end) and d.due_on <= r.period_end
        ) as pending_overdue
    from form_rows as r
    join row_members as m on m.file_id = r.file_id and m.line_number = r.line_number
    left join dossiers as d
        on d.unit_code = m.member_code
            and d.received_on <= r.period_end
            and (d.resolved_on is null or d.resolved_on >= r.period_start)
    group by r.file_id, r.line_number
),

rebuilt_totals as (
    select
        *,
        received_online + received_direct_postal + received_carried_over as received_total,
        resolved_early + resolved_on_time + resolved_late as resolved_total,
        pending_in_time + pending_overdue as pending_total
    from rebuilt
),

final as (
    select
        r.quarter,
        coalesce(u.province_code, ru.province_code) as province_code,
        r.file_id, r.line_number, r.reporting_unit_code, r.unit_code, r.row_label, r.row_scope,
        r.period_start, r.period_end, r.period_stated,
        b.file_id is not null as has_dossiers,
        r.received_total as reported_received_total,
        r.received_online as reported_received_online,
        r.received_direct_postal as reported_received_direct_postal,
        r.received_carried_over as reported_received_carried_over,
        r.resolved_total as reported_resolved_total,
        r.resolved_early as reported_resolved_early,
        r.resolved_on_time as reported_resolved_on_time,
        r.resolved_late as reported_resolved_late,
        r.pending_total as reported_pending_total,
        r.pending_in_time as reported_pending_in_time,
        r.pending_overdue as reported_pending_overdue,
        b.received_total as rebuilt_received_total,
        b.received_online as rebuilt_received_online,
        b.received_direct_postal as rebuilt_received_direct_postal,
        b.received_carried_over as rebuilt_received_carried_over,
        b.resolved_total as rebuilt_resolved_total,
        b.resolved_early as rebuilt_resolved_early,
        b.resolved_on_time as rebuilt_resolved_on_time,
        b.resolved_late as rebuilt_resolved_late,
        b.pending_total as rebuilt_pending_total,
        b.pending_in_time as rebuilt_pending_in_time,
        b.pending_overdue as rebuilt_pending_overdue,
        r.received_total - b.received_total as diff_received_total,
        r.received_online - b.received_online as diff_received_online,
        r.received_direct_postal - b.received_direct_postal as diff_received_direct_postal,
        r.received_carried_over - b.received_carried_over as diff_received_carried_over,
        r.resolved_total - b.resolved_total as diff_resolved_total,
        r.resolved_early - b.resolved_early as diff_resolved_early,
        r.resolved_on_time - b.resolved_on_time as diff_resolved_on_time,
        r.resolved_late - b.resolved_late as diff_resolved_late,
        r.pending_total - b.pending_total as diff_pending_total,
        r.pending_in_time - b.pending_in_time as diff_pending_in_time,
        r.pending_overdue - b.pending_overdue as diff_pending_overdue,
        r.received_total = r.received_online + r.received_direct_postal + r.received_carried_over
            as received_adds_up,
        r.resolved_total = r.resolved_early + r.resolved_on_time + r.resolved_late as resolved_adds_up,
        r.pending_total = r.pending_in_time + r.pending_overdue as pending_adds_up,
        r.received_total = r.resolved_total + r.pending_total as received_equals_resolved_plus_pending
    from form_rows as r
    left join rebuilt_totals as b on b.file_id = r.file_id and b.line_number = r.line_number
    left join units as u on u.unit_code = r.unit_code
    left join units as ru on ru.unit_code = r.reporting_unit_code
)

select * from final
