-- For each unit valid on `on_day`, the catalogue in force in `quarter`: the latest one up to that
-- quarter published by the nearest unit of its ancestry (itself, then its district, then its province),
-- and published since that unit exists (core.admin_unit_since).
create or replace function core.procedure_catalogue_in_force(quarter text, on_day date)
returns table (unit_code text, catalogue_unit_code text, catalogue_quarter text)
language sql stable as $$
    with published as (
        select p.catalogue_unit_code, max(p.quarter) as catalogue_quarter
        from core.dim_procedure as p
        join core.dim_quarter as q on q.quarter = p.quarter
        join core.admin_unit_since(on_day) as publisher on publisher.unit_code = p.catalogue_unit_code
        where p.quarter <= procedure_catalogue_in_force.quarter
          and q.last_day >= publisher.since
        group by p.catalogue_unit_code
    ),

    candidates as (
        select
            a.unit_code,
            p.catalogue_unit_code,
            p.catalogue_quarter,
            row_number() over (
                partition by a.unit_code
                order by case d.unit_level when 'commune' then 1 when 'district' then 2 else 3 end
            ) as nearest
        from core.admin_unit_ancestry(on_day) as a
        join published as p on p.catalogue_unit_code = a.ancestor_code
        join core.dim_admin_unit as d
            on d.unit_code = a.ancestor_code and on_day between d._valid_from and d._valid_to
    )

    select c.unit_code, c.catalogue_unit_code, c.catalogue_quarter
    from candidates as c
    where c.nearest = 1
$$;

comment on function core.procedure_catalogue_in_force(text, date) is
'Danh mục TTHC áp dụng cho từng đơn vị trong quý / the procedure catalogue in force for each unit in a quarter';
