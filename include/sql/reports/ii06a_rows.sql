-- The rows of the unit's Biểu II.06a, rebuilt: each unit directly under it (its whole subtree), then
-- its own desk, then the total (the unit's subtree), told apart by row_kind: unit, desk, total.
select
    case when r.unit_code <> %(unit)s then 'unit' when r.scope = 'desk' then 'desk' else 'total' end as row_kind,
    r.*
from (
    select
        unit_code, unit_name, unit_level, scope, period_start, period_end, reporting_units,
        received_total, received_online, received_direct_postal, received_carried_over,
        resolved_total, resolved_early, resolved_on_time, resolved_late,
        pending_total, pending_in_time, pending_overdue
    from mart.unit_quarter_ii06a
    where quarter = %(quarter)s
        and ((parent_code = %(unit)s and scope = 'subtree') or unit_code = %(unit)s)
) as r
order by case when r.unit_code <> %(unit)s then 0 when r.scope = 'desk' then 1 else 2 end, r.unit_code
