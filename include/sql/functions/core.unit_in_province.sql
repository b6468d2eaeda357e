-- Whether a landing file's unit belongs to a province on a day (true for every unit when no province
-- is given): the province filter of `cchc quality --province`.
create or replace function core.unit_in_province(unit_code text, unit_level text, province text, day date)
returns boolean
language sql stable
as $$
    select province is null or exists (
        select 1
        from core.dim_admin_unit as u
        where u.unit_code = unit_in_province.unit_code
          and u.unit_level = unit_in_province.unit_level
          and u.province_code = unit_in_province.province
          and unit_in_province.day between u._valid_from and u._valid_to
    )
$$;

comment on function core.unit_in_province(text, text, text, date) is
'Đơn vị thuộc tỉnh vào ngày / whether the unit at its level belongs to the province on the day '
'(true when province is null)';
