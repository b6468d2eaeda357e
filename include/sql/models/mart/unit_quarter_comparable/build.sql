-- Series comparable across the 01/07/2025 reform, for the units of mart.unit_quarter_indicators (built
-- just before in the same transaction):
-- - reported: every unit of the quarter with its own figures;
-- - predecessors (quarters before the reform): each post-reform commune and province summed from the
--   units it was formed from (core.admin_unit_lineage);
-- - successors (quarters after it): each pre-reform commune, district and province summed from the
--   post-reform communes formed from its ground (the new province desk's own dossiers are left out).
-- A derived row is approximate when boundaries do not match (a split unit, or a source unit that also
-- covers ground outside the unit) or a source unit sent no dossiers export.
insert into mart.unit_quarter_comparable (
    quarter, unit_code, unit_level, unit_name, unit_valid_from, unit_valid_to, province_code,
    basis, derived, approximate, source_units, source_units_reporting, source_codes,
    received, received_online, resolved, resolved_early, resolved_on_time, resolved_late, pending, pending_overdue,
    on_time_rate, early_rate, online_rate
)
with indicators as materialized (
    select *
    from mart.unit_quarter_indicators
    where quarter = %(quarter)s
),

units_of_quarter as materialized (
    select unit_code, unit_level, unit_name, province_code, _valid_from, _valid_to
    from core.dim_admin_unit
    where %(last_day)s::date between _valid_from and _valid_to
),

reported as (
    select
        i.unit_code, i.unit_level, i.unit_name, u._valid_from, u._valid_to, i.province_code,
        'reported' as basis,
        false as approximate,
        1 as source_units,
        (i.reporting_units > 0)::integer as source_units_reporting,
        array[i.unit_code] as source_codes,
        i.received, i.received_online, i.resolved, i.resolved_early, i.resolved_on_time, i.resolved_late,
        i.pending, i.pending_overdue
    from indicators as i
    join units_of_quarter as u on u.unit_code = i.unit_code
),

-- Before the reform: the old units each post-reform unit was formed from, with their figures.
predecessor_rows as (
    select
        n.unit_code, n.unit_level, n.unit_name, n._valid_from, n._valid_to, n.province_code,
        l.old_code, l.relation, i.unit_code is not null as has_row, coalesce(i.reporting_units, 0) as reporting_units,
        i.received, i.received_online, i.resolved, i.resolved_early, i.resolved_on_time, i.resolved_late,
        i.pending, i.pending_overdue
    from core.admin_unit_lineage as l
    join core.dim_admin_unit as n on n.unit_code = l.new_code and n._valid_from = l.new_valid_from
    join units_of_quarter as o on o.unit_code = l.old_code and o._valid_to = l.old_valid_to
    left join indicators as i on i.unit_code = l.old_code
    where l.new_valid_from > %(last_day)s::date
),

from_predecessors as (
    select
        unit_code, unit_level, unit_name, _valid_from, _valid_to, province_code,
        'predecessors' as basis,
        bool_or(relation = 'part') or bool_or(reporting_units = 0) as approximate,
        count(*)::integer as source_units,
        (count(*) filter (where reporting_units > 0))::integer as source_units_reporting,
        array_agg(old_code order by old_code) as source_codes,
        sum(received) as received, sum(received_online) as received_online, sum(resolved) as resolved,
        sum(resolved_early) as resolved_early, sum(resolved_on_time) as resolved_on_time,
        sum(resolved_late) as resolved_late, sum(pending) as pending, sum(pending_overdue) as pending_overdue
    from predecessor_rows
    group by unit_code, unit_level, unit_name, _valid_from, _valid_to, province_code
    having bool_or(has_row)
),

-- After the reform: each lineage row's old unit with the pre-reform units containing it (itself, its
-- district, its province), so an old district collects the new communes formed from its communes.
reform_days as (
    select distinct old_valid_to as day
    from core.admin_unit_lineage
    where new_valid_from <= %(last_day)s::date
),

-- Materialized: the planner cannot see through the ancestry function's row estimates.
old_ancestry as materialized (
    select r.day, a.unit_code, a.ancestor_code
    from reform_days as r
    cross join lateral core.admin_unit_ancestry(r.day) as a
),

membership as materialized (
    select l.new_code, l.new_valid_from, l.old_code, l.old_valid_to, l.relation, a.ancestor_code as old_unit_code
    from core.admin_unit_lineage as l
    join old_ancestry as a on a.day = l.old_valid_to and a.unit_code = l.old_code
    where l.new_valid_from <= %(last_day)s::date
        and length(l.new_code) = 5  -- new communes only: a new province would count its whole territory
),

predecessor_counts as (
    select new_code, new_valid_from, count(*) as predecessors
    from core.admin_unit_lineage
    group by new_code, new_valid_from
),

-- A pair (old unit, new unit) matches exactly when every predecessor of the new unit lay wholly inside
-- the old unit.
pairs as materialized (
    select
        m.old_unit_code, m.old_valid_to, m.new_code, m.new_valid_from,
        count(*) filter (where m.relation = 'whole') < max(c.predecessors) as approximate
    from membership as m
    join predecessor_counts as c on c.new_code = m.new_code and c.new_valid_from = m.new_valid_from
    group by m.old_unit_code, m.old_valid_to, m.new_code, m.new_valid_from
),

from_successors as (
    select
        o.unit_code, o.unit_level, o.unit_name, o._valid_from, o._valid_to, o.province_code,
        'successors' as basis,
        bool_or(p.approximate) or bool_or(coalesce(i.reporting_units, 0) = 0) as approximate,
        count(*)::integer as source_units,
        (count(*) filter (where i.reporting_units > 0))::integer as source_units_reporting,
        array_agg(p.new_code order by p.new_code) as source_codes,
        sum(i.received) as received, sum(i.received_online) as received_online, sum(i.resolved) as resolved,
        sum(i.resolved_early) as resolved_early, sum(i.resolved_on_time) as resolved_on_time,
        sum(i.resolved_late) as resolved_late, sum(i.pending) as pending, sum(i.pending_overdue) as pending_overdue
    from pairs as p
    join core.dim_admin_unit as o
        on o.unit_code = p.old_unit_code and p.old_valid_to between o._valid_from and o._valid_to
    join units_of_quarter as n on n.unit_code = p.new_code and n._valid_from = p.new_valid_from
    left join indicators as i on i.unit_code = p.new_code
    group by o.unit_code, o.unit_level, o.unit_name, o._valid_from, o._valid_to, o.province_code
    having bool_or(i.unit_code is not null)
),

combined as (
    select * from reported
    union all
    select * from from_predecessors
    union all
    select * from from_successors
),

final as (
    select
        %(quarter)s as quarter,
        unit_code, unit_level, unit_name, _valid_from as unit_valid_from, _valid_to as unit_valid_to, province_code,
        basis,
        basis <> 'reported' as derived,
        approximate, source_units, source_units_reporting, source_codes,
        received, received_online, resolved, resolved_early, resolved_on_time, resolved_late,
        pending, pending_overdue,
        mart.pct(resolved_early + resolved_on_time, resolved) as on_time_rate,
        mart.pct(resolved_early, resolved) as early_rate,
        mart.pct(received_online, received) as online_rate
    from combined
)

select * from final
order by unit_level, unit_code, unit_valid_from
