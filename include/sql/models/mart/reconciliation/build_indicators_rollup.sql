-- Check indicators_rollup: each district's and province's figures in mart.unit_quarter_indicators
-- (value_a) against its own desk, counted again from core.fct_dossier by the same rules, plus the
-- units directly under it as the mart has them (value_b). It always holds unless the mart is wrong,
-- so the tolerance is 0 whatever is configured. Units with no export in their subtree (NULL figures)
-- are left out; a unit under them with NULL figures adds 0.
insert into mart.reconciliation (
    quarter, province_code, check_name, unit_code, unit_level, scope, reporting_unit_code, file_id, line_number,
    period_start, period_end, measure, source_a, source_b, value_a, value_b, difference, tolerance,
    within_tolerance, detail
)
with indicators as (
    select *
    from mart.unit_quarter_indicators
    where quarter = %(quarter)s
),

reporting_units as (
    select unit_code
    from core.reporting_units(%(quarter)s, 'dossiers')
),

-- A unit's own desk, counted as the mart counts it (core.desk_counts, local calendar days): of the
-- reporting units with units under them, the only ones compared.
own_desk as (
    select *
    from core.desk_counts(
            %(quarter)s, %(first_day)s::date, %(last_day)s::date,
            array(
                select r.unit_code
                from reporting_units as r
                where r.unit_code in (select i.parent_code from indicators as i)
            )
        )
),

children as (
    select
        parent_code as unit_code,
        count(*) as units,
        sum(reporting_units) as reporting_units,
        sum(carried_over) as carried_over,
        sum(received) as received,
        sum(received_online) as received_online,
        sum(received_direct) as received_direct,
        sum(received_postal) as received_postal,
        sum(resolved) as resolved,
        sum(resolved_early) as resolved_early,
        sum(resolved_on_time) as resolved_on_time,
        sum(resolved_late) as resolved_late,
        sum(pending) as pending,
        sum(pending_overdue) as pending_overdue,
        sum(returned_by_post) as returned_by_post
    from indicators
    where parent_code is not null
    group by parent_code
),

pairs as (
    select
        i.quarter, i.province_code, i.unit_code, i.unit_level, m.measure, m.value_a,
        coalesce(m.own, 0) + coalesce(m.below, 0) as value_b,
        format(
            'Chỉ số của %%1$s trong mart.unit_quarter_indicators / %%1$s in mart.unit_quarter_indicators', i.unit_code
        ) as source_a,
        format(
            'Bộ phận một cửa của %%1$s (%%2$s) cộng %%3$s đơn vị trực thuộc / %%1$s''s own desk (%%4$s) '
            'plus the %%3$s units directly under it',
            i.unit_code,
            case when o.unit_code is null then 'không có tệp hồ sơ' else 'core.fct_dossier' end,
            c.units,
            case when o.unit_code is null then 'no dossiers file' else 'core.fct_dossier' end
        ) as source_b,
        m.own, m.below
    from indicators as i
    join children as c on c.unit_code = i.unit_code
    left join own_desk as o on o.unit_code = i.unit_code
    cross join
        lateral (
            values
            (
                'reporting_units', i.reporting_units::bigint, (o.unit_code is not null)::integer::bigint,
                c.reporting_units
            ),
            ('carried_over', i.carried_over, o.carried_over, c.carried_over),
            ('received', i.received, o.received, c.received),
            ('received_online', i.received_online, o.received_online, c.received_online),
            ('received_direct', i.received_direct, o.received_direct, c.received_direct),
            ('received_postal', i.received_postal, o.received_postal, c.received_postal),
            ('resolved', i.resolved, o.resolved, c.resolved),
            ('resolved_early', i.resolved_early, o.resolved_early, c.resolved_early),
            ('resolved_on_time', i.resolved_on_time, o.resolved_on_time, c.resolved_on_time),
            ('resolved_late', i.resolved_late, o.resolved_late, c.resolved_late),
            ('pending', i.pending, o.pending, c.pending),
            ('pending_overdue', i.pending_overdue, o.pending_overdue, c.pending_overdue),
            ('returned_by_post', i.returned_by_post, o.returned_by_post, c.returned_by_post)
        ) as m (measure, value_a, own, below)
    where i.reporting_units > 0
),

compared as (
    select *, coalesce(value_a, 0) - value_b as difference
    from pairs
),

final as (
    select
        quarter, province_code, 'indicators_rollup' as check_name, unit_code, unit_level, 'subtree' as scope,
        null::text as reporting_unit_code, null::bigint as file_id, null::integer as line_number,
        %(first_day)s::date as period_start, %(last_day)s::date as period_end, measure, source_a, source_b,
        value_a, value_b, difference, 0::numeric as tolerance,
        difference = 0 as within_tolerance,
        format(
            '%%1$s của %%2$s: mart ghi %%3$s, bộ phận một cửa %%4$s + đơn vị trực thuộc %%5$s = %%6$s, chênh lệch %%7$s'
            '%%8$s / %%1$s of %%2$s: the mart says %%3$s, own desk %%4$s + units under it %%5$s = %%6$s, '
            'difference %%7$s%%9$s',
            measure, unit_code, coalesce(value_a, 0), coalesce(own, 0), coalesce(below, 0), value_b,
            case when difference > 0 then '+' else '' end || difference,
            case when difference <> 0 then ' (lỗi tính toán của kho dữ liệu)' else '' end,
            case when difference <> 0 then ' (an error in the warehouse''s own arithmetic)' else '' end
        ) as detail
    from compared
)

select * from final
order by unit_code, measure
