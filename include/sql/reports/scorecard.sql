-- The Decision 766 scorecard of the unit and every unit under it in the quarter.
with units as (
    select *
    from mart.scorecard_766
    where quarter = %(quarter)s and province_code = %(province)s
)

select u.*
from units as u
where u.unit_code = %(unit)s or u.parent_code = %(unit)s
    or u.parent_code in (
        select c.unit_code from units as c
        where c.parent_code = %(unit)s
    )
order by
    case u.unit_level when 'province' then 0 when 'district' then 1 else 2 end,
    u.parent_code nulls first,
    u.unit_code
