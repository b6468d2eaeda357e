-- Landing files the run could not place, with the reason. With a province, those under one of its
-- units, and those naming no known unit at all (no province would see them otherwise).
select p.path, p.reason
from audit.landing_problem as p
where p.run_id = %(run_id)s
    and (
        %(province)s::text is null
        or exists (
            select 1 from core.dim_admin_unit as u
            where u.unit_code = split_part(p.path, '/', 2) and u.province_code = %(province)s
        )
        or not exists (
            select 1 from core.dim_admin_unit as u
            where u.unit_code = split_part(p.path, '/', 2)
        )
    )
order by p.path
