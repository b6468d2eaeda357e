-- Which of the given codes name a province in the admin-unit reference (either side of the 2025 reform).
select distinct unit_code
from core.dim_admin_unit
where unit_level = 'province'
    and unit_code = any(%(codes)s::text[])
