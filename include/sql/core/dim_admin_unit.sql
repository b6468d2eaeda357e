-- Upsert the vendored admin-unit reference (loaded by COPY into pg_temp.admin_unit_load).
-- Never truncate: facts and marts join to these rows, and a code keeps its history.
insert into core.dim_admin_unit (
    unit_code, unit_level, unit_name, parent_code, province_code, _valid_from, _valid_to
)
select
    unit_code,
    unit_level,
    unit_name,
    nullif(parent_code, ''),
    province_code,
    coalesce(nullif(valid_from, '')::date, '-infinity'),
    coalesce(nullif(valid_to, '')::date, 'infinity')
from pg_temp.admin_unit_load
on conflict (unit_code, _valid_from) do update set
    unit_level = excluded.unit_level,
    unit_name = excluded.unit_name,
    parent_code = excluded.parent_code,
    province_code = excluded.province_code,
    _valid_to = excluded._valid_to
where (
    core.dim_admin_unit.unit_level, core.dim_admin_unit.unit_name, core.dim_admin_unit.parent_code,
    core.dim_admin_unit.province_code, core.dim_admin_unit._valid_to
)
is distinct from
(excluded.unit_level, excluded.unit_name, excluded.parent_code, excluded.province_code, excluded._valid_to)
