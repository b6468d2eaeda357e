-- Codes of the units valid on the quarter's last day in the provinces whose units sent files for the
-- quarter. A unit of another province is never right in these files (rows name their folder's unit or
-- units under it, which other expectations check), and the suites get a few hundred codes to compare
-- with instead of the whole country's.
with provinces as (
    select distinct u.province_code
    from raw.landing_file as f
    join core.dim_admin_unit as u
        on u.unit_code = f.unit_code and u.unit_level = f.unit_level
            and %(day)s::date between u._valid_from and u._valid_to
    where f.quarter = %(quarter)s and f.is_current and f.status = 'loaded'
)

select u.unit_code
from core.dim_admin_unit as u
join provinces as p on p.province_code = u.province_code
where %(day)s::date between u._valid_from and u._valid_to
order by u.unit_code
