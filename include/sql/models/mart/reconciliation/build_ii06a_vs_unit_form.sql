-- Check ii06a_vs_unit_form: a row about a unit on a higher unit's II.06a (a district's row on the
-- province's form: value_a) against the total of that unit's own form (value_b), figure by figure.
-- The total is the sum of the form's rows about units (its desk and the units under it); a form that
-- has rows by field only is summed over those. Rows about units that sent no form are left out.
-- A blank cell counts as 0.
insert into mart.reconciliation (
    quarter, province_code, check_name, unit_code, unit_level, scope, reporting_unit_code, file_id, line_number,
    period_start, period_end, measure, source_a, source_b, value_a, value_b, difference, tolerance,
    within_tolerance, detail
)
with form_rows as (
    select *
    from core.fct_one_stop_report_row
    where quarter = %(quarter)s
),

units as (
    select unit_code, unit_level, province_code
    from core.dim_admin_unit
    where %(last_day)s::date between _valid_from and _valid_to
),

-- Each form's total, per reporting unit (one II.06a file per unit and quarter).
form_totals as (
    select
        reporting_unit_code,
        min(period_start) as period_start,
        max(period_end) as period_end,
        count(*) filter (where unit_code is not null or not has_unit_rows) as rows_summed,
        sum(received_total) filter (where unit_code is not null or not has_unit_rows) as received_total,
        sum(received_online) filter (where unit_code is not null or not has_unit_rows) as received_online,
        sum(received_direct_postal) filter (where unit_code is not null or not has_unit_rows)
            as received_direct_postal,
        sum(received_carried_over) filter (where unit_code is not null or not has_unit_rows)
            as received_carried_over,
        sum(resolved_total) filter (where unit_code is not null or not has_unit_rows) as resolved_total,
        sum(resolved_early) filter (where unit_code is not null or not has_unit_rows) as resolved_early,
        sum(resolved_on_time) filter (where unit_code is not null or not has_unit_rows) as resolved_on_time,
        sum(resolved_late) filter (where unit_code is not null or not has_unit_rows) as resolved_late,
        sum(pending_total) filter (where unit_code is not null or not has_unit_rows) as pending_total,
        sum(pending_in_time) filter (where unit_code is not null or not has_unit_rows) as pending_in_time,
        sum(pending_overdue) filter (where unit_code is not null or not has_unit_rows) as pending_overdue
    from (
        select
            *,
            bool_or(unit_code is not null) over (partition by reporting_unit_code) as has_unit_rows
        from form_rows
    ) as rows_with_kind
    group by reporting_unit_code
),

-- Rows about a unit below the reporting unit that sent a form of its own.
higher_rows as (
    select r.*
    from form_rows as r
    where r.unit_code is not null
        and r.unit_code <> r.reporting_unit_code
        and r.unit_code in (select reporting_unit_code from form_totals)
),

pairs as (
    select
        r.quarter, coalesce(u.province_code, ru.province_code) as province_code, r.unit_code, u.unit_level,
        r.reporting_unit_code, r.file_id, r.line_number, r.period_start, r.period_end,
        m.measure, m.label_vi, m.label_en, m.value_a, m.value_b,
        format(
            'Biểu II.06a do %%1$s %%2$s báo cáo, dòng %%3$s / II.06a reported by %%4$s %%2$s, line %%3$s',
            case ru.unit_level when 'province' then 'tỉnh' when 'district' then 'huyện' else 'xã' end,
            r.reporting_unit_code, r.line_number, ru.unit_level
        ) as source_a,
        format(
            'Tổng %%1$s dòng Biểu II.06a do %%2$s %%3$s báo cáo / sum of the %%1$s rows of the II.06a reported by %%4$s %%3$s',  -- noqa: LT05
            t.rows_summed,
            case u.unit_level when 'province' then 'tỉnh' when 'district' then 'huyện' else 'xã' end,
            r.unit_code, u.unit_level
        ) as source_b,
        (t.period_start, t.period_end) <> (r.period_start, r.period_end) as other_period,
        t.period_start as other_start, t.period_end as other_end
    from higher_rows as r
    join form_totals as t on t.reporting_unit_code = r.unit_code
    join units as u on u.unit_code = r.unit_code
    join units as ru on ru.unit_code = r.reporting_unit_code
    cross join lateral (
        values
        (
            'received_total', 'cột (3) tổng số nhận giải quyết', 'column (3) received, total',
            r.received_total, t.received_total
        ),
        (
            'received_online', 'cột (4) mới tiếp nhận trực tuyến', 'column (4) newly received online',
            r.received_online, t.received_online
        ),
        (
            'received_direct_postal', 'cột (5) mới tiếp nhận trực tiếp, bưu chính',
            'column (5) newly received in person or by post',
            r.received_direct_postal, t.received_direct_postal
        ),
        (
            'received_carried_over', 'cột (6) từ kỳ trước chuyển qua', 'column (6) carried over',
            r.received_carried_over, t.received_carried_over
        ),
        (
            'resolved_total', 'cột (7) tổng số đã giải quyết', 'column (7) resolved, total',
            r.resolved_total, t.resolved_total
        ),
        (
            'resolved_early', 'cột (8) giải quyết trước hạn', 'column (8) resolved early',
            r.resolved_early, t.resolved_early
        ),
        (
            'resolved_on_time', 'cột (9) giải quyết đúng hạn', 'column (9) resolved on time',
            r.resolved_on_time, t.resolved_on_time
        ),
        (
            'resolved_late', 'cột (10) giải quyết quá hạn', 'column (10) resolved late',
            r.resolved_late, t.resolved_late
        ),
        (
            'pending_total', 'cột (11) tổng số đang giải quyết', 'column (11) pending, total',
            r.pending_total, t.pending_total
        ),
        (
            'pending_in_time', 'cột (12) đang giải quyết trong hạn', 'column (12) pending within the time limit',
            r.pending_in_time, t.pending_in_time
        ),
        (
            'pending_overdue', 'cột (13) đang giải quyết quá hạn', 'column (13) pending and overdue',
            r.pending_overdue, t.pending_overdue
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
        quarter, province_code, 'ii06a_vs_unit_form' as check_name, unit_code, unit_level,
        'subtree' as scope, reporting_unit_code, file_id, line_number, period_start, period_end, measure,
        source_a, source_b, value_a, value_b, difference, tolerance,
        abs(difference) <= tolerance as within_tolerance,
        format(
            '%%1$s của %%2$s: biểu của %%3$s ghi %%4$s%%5$s, biểu của chính %%2$s cộng lại %%6$s%%7$s, '
            'chênh lệch %%8$s, cho phép %%9$s%%10$s / %%11$s of %%2$s: %%3$s''s form says %%4$s%%12$s, '
            '%%2$s''s own form adds up to %%6$s%%13$s, difference %%8$s, tolerance %%9$s%%14$s',
            label_vi, unit_code, reporting_unit_code,
            coalesce(value_a, 0), case when value_a is null then ' (ô trống)' else '' end,
            coalesce(value_b, 0), case when value_b is null then ' (ô trống)' else '' end,
            case when difference > 0 then '+' else '' end || difference, trim_scale(tolerance),
            case when other_period
                    then format(
                            '; hai biểu ghi kỳ khác nhau (%%s-%%s so với %%s-%%s)',
                            to_char(period_start, 'DD/MM/YYYY'), to_char(period_end, 'DD/MM/YYYY'),
                            to_char(other_start, 'DD/MM/YYYY'), to_char(other_end, 'DD/MM/YYYY')
                        )
                else ''
            end,
            label_en,
            case when value_a is null then ' (blank cell)' else '' end,
            case when value_b is null then ' (blank cells)' else '' end,
            case when other_period
                    then format(
                            '; the two forms state different periods (%%s-%%s against %%s-%%s)',
                            to_char(period_start, 'DD/MM/YYYY'), to_char(period_end, 'DD/MM/YYYY'),
                            to_char(other_start, 'DD/MM/YYYY'), to_char(other_end, 'DD/MM/YYYY')
                        )
                else ''
            end
        ) as detail
    from compared
)

select * from final
order by unit_code, file_id, line_number, measure
