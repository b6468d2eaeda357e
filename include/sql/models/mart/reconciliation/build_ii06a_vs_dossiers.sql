-- Check ii06a_vs_dossiers: every figure of every II.06a row about a unit, as reported (value_a), against
-- the figure rebuilt from the dossier exports over the form's own period (value_b), as
-- mart.one_stop_report_ii06a holds them. Rows none of whose units sent a dossiers file have nothing
-- to compare with and are left out; a subtree row some of whose units sent none is compared, and its
-- detail says how many are missing. A blank cell counts as 0.
insert into mart.reconciliation (
    quarter, province_code, check_name, unit_code, unit_level, scope, reporting_unit_code, file_id, line_number,
    period_start, period_end, measure, source_a, source_b, value_a, value_b, difference, tolerance,
    within_tolerance, detail
)
with form_rows as (
    select *
    from mart.one_stop_report_ii06a
    where quarter = %(quarter)s and has_dossiers
),

units as (
    select unit_code, unit_level
    from core.dim_admin_unit
    where %(last_day)s::date between _valid_from and _valid_to
),

-- Units that reported dossiers, per quarter up to this one (a file whose rows were all rejected does not count).
dossier_files as (
    select q.quarter, r.unit_code
    from (
        select distinct quarter
        from raw.landing_file
        where quarter <= %(quarter)s and dataset = 'dossiers' and is_current and status = 'loaded'
    ) as q
    cross join lateral core.reporting_units(q.quarter, 'dossiers') as r
),

-- How many desks a row covers, how many of them sent a dossiers file, and how many of those lack the
-- file of the earlier quarter where the form's period starts (a Q1 form counts from 15 December).
coverage as (
    select
        r.file_id, r.line_number,
        to_char(r.period_start, 'YYYY"Q"Q') as start_quarter,
        count(*) as members,
        count(f.unit_code) as reporting_members,
        count(f.unit_code) filter (
            where to_char(r.period_start, 'YYYY"Q"Q') < %(quarter)s and e.unit_code is null
        ) as missing_start_files
    from form_rows as r
    join core.admin_unit_ancestry(%(last_day)s::date) as a
        on a.ancestor_code = r.unit_code and (r.row_scope = 'subtree' or a.unit_code = r.unit_code)
    left join dossier_files as f on f.quarter = %(quarter)s and f.unit_code = a.unit_code
    left join dossier_files as e
        on e.quarter = to_char(r.period_start, 'YYYY"Q"Q') and e.unit_code = a.unit_code
    group by r.file_id, r.line_number, r.period_start
),

pairs as (
    select
        r.quarter, r.province_code, r.unit_code, u.unit_level, r.row_scope as scope, r.reporting_unit_code,
        r.file_id, r.line_number, r.period_start, r.period_end,
        m.measure, m.label_vi, m.label_en, m.value_a, m.value_b,
        format(
            'Biểu II.06a do %%1$s %%2$s báo cáo, dòng %%3$s / II.06a reported by %%4$s %%2$s, line %%3$s',
            case ru.unit_level when 'province' then 'tỉnh' when 'district' then 'huyện' else 'xã' end,
            r.reporting_unit_code, r.line_number, ru.unit_level
        ) as source_a,
        case
            when c.members = 1 then format('Tệp hồ sơ của %%1$s / dossier export of %%1$s', r.unit_code)
            else format(
                    'Tệp hồ sơ của %%1$s/%%2$s đơn vị trong %%3$s / dossier exports of %%1$s of the %%2$s units in %%3$s',  -- noqa: LT05
                    c.reporting_members, c.members, r.unit_code
                )
        end as source_b,
        c.members - c.reporting_members as missing_exports,
        c.missing_start_files, c.start_quarter
    from form_rows as r
    join coverage as c on c.file_id = r.file_id and c.line_number = r.line_number
    join units as u on u.unit_code = r.unit_code
    join units as ru on ru.unit_code = r.reporting_unit_code
    cross join lateral (
        values
        (
            'received_total', 'cột (3) tổng số nhận giải quyết', 'column (3) received, total',
            r.reported_received_total, r.rebuilt_received_total
        ),
        (
            'received_online', 'cột (4) mới tiếp nhận trực tuyến', 'column (4) newly received online',
            r.reported_received_online, r.rebuilt_received_online
        ),
        (
            'received_direct_postal', 'cột (5) mới tiếp nhận trực tiếp, bưu chính',
            'column (5) newly received in person or by post',
            r.reported_received_direct_postal, r.rebuilt_received_direct_postal
        ),
        (
            'received_carried_over', 'cột (6) từ kỳ trước chuyển qua', 'column (6) carried over',
            r.reported_received_carried_over, r.rebuilt_received_carried_over
        ),
        (
            'resolved_total', 'cột (7) tổng số đã giải quyết', 'column (7) resolved, total',
            r.reported_resolved_total, r.rebuilt_resolved_total
        ),
        (
            'resolved_early', 'cột (8) giải quyết trước hạn', 'column (8) resolved early',
            r.reported_resolved_early, r.rebuilt_resolved_early
        ),
        (
            'resolved_on_time', 'cột (9) giải quyết đúng hạn', 'column (9) resolved on time',
            r.reported_resolved_on_time, r.rebuilt_resolved_on_time
        ),
        (
            'resolved_late', 'cột (10) giải quyết quá hạn', 'column (10) resolved late',
            r.reported_resolved_late, r.rebuilt_resolved_late
        ),
        (
            'pending_total', 'cột (11) tổng số đang giải quyết', 'column (11) pending, total',
            r.reported_pending_total, r.rebuilt_pending_total
        ),
        (
            'pending_in_time', 'cột (12) đang giải quyết trong hạn', 'column (12) pending within the time limit',
            r.reported_pending_in_time, r.rebuilt_pending_in_time
        ),
        (
            'pending_overdue', 'cột (13) đang giải quyết quá hạn', 'column (13) pending and overdue',
            r.reported_pending_overdue, r.rebuilt_pending_overdue
        )
    ) as m (measure, label_vi, label_en, value_a, value_b)
),

compared as (
    select
        *,
        coalesce(value_a, 0) - coalesce(value_b, 0) as difference,
        core.reconciliation_tolerance(value_b, %(tolerance_abs)s, %(tolerance_percent)s) as tolerance
    from pairs
),

final as (
    select
        quarter, province_code, 'ii06a_vs_dossiers' as check_name, unit_code, unit_level, scope,
        reporting_unit_code, file_id, line_number, period_start, period_end, measure, source_a, source_b,
        value_a, value_b, difference, tolerance,
        abs(difference) <= tolerance as within_tolerance,
        format(
            '%%1$s của %%2$s, kỳ %%3$s-%%4$s: biểu ghi %%5$s%%6$s, tính từ hồ sơ %%7$s, chênh lệch %%8$s, '
            'cho phép %%9$s%%10$s / %%11$s of %%2$s, period %%3$s-%%4$s: the form says %%5$s%%12$s, the dossiers '
            'give %%7$s, difference %%8$s, tolerance %%9$s%%13$s',
            label_vi, unit_code, to_char(period_start, 'DD/MM/YYYY'), to_char(period_end, 'DD/MM/YYYY'),
            coalesce(value_a, 0), case when value_a is null then ' (ô trống)' else '' end, value_b,
            case when difference > 0 then '+' else '' end || difference, trim_scale(tolerance),
            case when missing_exports > 0
                    then format('; %%s đơn vị không gửi tệp hồ sơ', missing_exports)
                else ''
            end
            || case when missing_start_files > 0
                    then format(
                            '; %%s đơn vị chưa có tệp hồ sơ quý %%s, quý kỳ báo cáo bắt đầu',
                            missing_start_files, start_quarter
                        )
                else ''
            end,
            label_en, case when value_a is null then ' (blank cell)' else '' end,
            case when missing_exports > 0
                    then format('; %%s units sent no dossiers file', missing_exports)
                else ''
            end
            || case when missing_start_files > 0
                    then format(
                            '; %%s units have no dossiers file loaded for %%s, where the period starts',
                            missing_start_files, start_quarter
                        )
                else ''
            end
        ) as detail
    from compared
)

select * from final
order by unit_code, file_id, line_number, measure
