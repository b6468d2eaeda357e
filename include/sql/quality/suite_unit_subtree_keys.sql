-- The units a file may name in its rows, as 'landing unit/unit' keys (the form of normalise's
-- `_landing_unit_and_unit`): the unit of its landing folder itself and every unit under it, by the
-- hierarchy valid on the quarter's last day. Only the landing units that sent files this quarter are
-- listed, which keeps the list small enough to hand to the suites.
with landing_units as (
    select distinct unit_code
    from raw.landing_file
    where quarter = %(quarter)s and is_current and status = 'loaded'
)

select a.ancestor_code || '/' || a.unit_code as landing_unit_and_unit
from core.admin_unit_ancestry(%(day)s::date) as a
join landing_units as l on l.unit_code = a.ancestor_code
order by 1
