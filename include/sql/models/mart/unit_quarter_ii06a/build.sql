-- Biểu II.06a rebuilt from dossiers for every unit valid on the quarter's last day, over the quarter's
-- Decree 09/2019 period [report_period_start, report_period_end], both ends included. Counted as the
-- build of mart.one_stop_report_ii06a counts a form's rows: each dossier in its state from the latest export
-- quarter <= this quarter that holds it, reading back to the quarter holding report_period_start.
-- desk: the unit's own dossiers, if it sent a dossiers file for the quarter; subtree: the desks of the
-- unit and every unit under it that sent one. No desk in scope sent one: figures NULL, not 0.
insert into mart.unit_quarter_ii06a (
    quarter, province_code, unit_code, unit_name, unit_level, parent_code, scope,
    period_start, period_end, reporting_units,
    received_total, received_online, received_direct_postal, received_carried_over,
    resolved_total, resolved_early, resolved_on_time, resolved_late,
    pending_total, pending_in_time, pending_overdue
)
with units as (
    select unit_code, unit_name, unit_level, parent_code, province_code
    from core.dim_admin_unit
    where %(last_day)s::date between _valid_from and _valid_to
),

reporting_units as (
    select unit_code
    from core.reporting_units(%(quarter)s, 'dossiers')
),

-- Each reporting unit's own desk, as build_core counted it (core.int_unit_desk_ii06a); one without a
-- dossier in the period counts 0.
desk as (
    select
        ru.unit_code,
        coalesce(k.received_online, 0) as received_online,
        coalesce(k.received_direct_postal, 0) as received_direct_postal,
        coalesce(k.received_carried_over, 0) as received_carried_over,
        coalesce(k.resolved_early, 0) as resolved_early,
        coalesce(k.resolved_on_time, 0) as resolved_on_time,
        coalesce(k.resolved_late, 0) as resolved_late,
        coalesce(k.pending_in_time, 0) as pending_in_time,
        coalesce(k.pending_overdue, 0) as pending_overdue
    from reporting_units as ru
    left join core.int_unit_desk_ii06a as k on k.quarter = %(quarter)s and k.unit_code = ru.unit_code
),

scoped as (
    select
        u.unit_code, 'desk' as scope,
        count(k.unit_code) as reporting_units,
        sum(k.received_online) as received_online,
        sum(k.received_direct_postal) as received_direct_postal,
        sum(k.received_carried_over) as received_carried_over,
        sum(k.resolved_early) as resolved_early,
        sum(k.resolved_on_time) as resolved_on_time,
        sum(k.resolved_late) as resolved_late,
        sum(k.pending_in_time) as pending_in_time,
        sum(k.pending_overdue) as pending_overdue
    from units as u
    left join desk as k on k.unit_code = u.unit_code
    group by u.unit_code
    union all
    select
        s.ancestor_code, 'subtree',
        count(k.unit_code),
        sum(k.received_online),
        sum(k.received_direct_postal),
        sum(k.received_carried_over),
        sum(k.resolved_early),
        sum(k.resolved_on_time),
        sum(k.resolved_late),
        sum(k.pending_in_time),
        sum(k.pending_overdue)
    from core.admin_unit_ancestry(%(last_day)s::date) as s
    left join desk as k on k.unit_code = s.unit_code
    group by s.ancestor_code
)

select
    %(quarter)s, u.province_code, u.unit_code, u.unit_name, u.unit_level, u.parent_code, s.scope,
    %(report_period_start)s::date, %(report_period_end)s::date, s.reporting_units,
    s.received_online + s.received_direct_postal + s.received_carried_over,
    s.received_online, s.received_direct_postal, s.received_carried_over,
    s.resolved_early + s.resolved_on_time + s.resolved_late,
    s.resolved_early, s.resolved_on_time, s.resolved_late,
    s.pending_in_time + s.pending_overdue,
    s.pending_in_time, s.pending_overdue
from scoped as s
join units as u on u.unit_code = s.unit_code
