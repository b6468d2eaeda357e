-- The Decision 766 scorecard of the unit and every unit under it in the quarter.
with units as (
    select *
    from mart.scorecard_766
    where quarter = %(quarter)s and province_code = %(province)s
)

select *
from units
where unit_code = %(unit)s or parent_code = %(unit)s
   or parent_code in (select unit_code from units where parent_code = %(unit)s)
order by
    case unit_level when 'province' then 0 when 'district' then 1 else 2 end,
    parent_code nulls first,
    unit_code
