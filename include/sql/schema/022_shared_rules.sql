-- Two rules the quality SQL applied in several files, each now written once.

-- How far two reconciled figures may differ: the larger of an absolute number of dossiers and a
-- percentage of the figure they should equal (CCHC_RECONCILE_TOLERANCE_ABS / _PERCENT), to 2 places.
create function core.reconciliation_tolerance(expected numeric, absolute numeric, percent numeric)
returns numeric
language sql immutable
as $$
    select round(greatest(absolute, percent * abs(coalesce(expected, 0)) / 100), 2)
$$;

comment on function core.reconciliation_tolerance(numeric, numeric, numeric) is
    'Chênh lệch cho phép khi đối chiếu / allowed difference: greatest(absolute, percent % of |expected|), 2 decimals';

-- Whether a landing file's unit belongs to a province on a day (true for every unit when no province
-- is given): the province filter of `cchc quality --province`.
create function core.unit_in_province(unit_code text, unit_level text, province text, day date)
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
    'Đơn vị thuộc tỉnh vào ngày / whether the unit at its level belongs to the province on the day (true when province is null)';
