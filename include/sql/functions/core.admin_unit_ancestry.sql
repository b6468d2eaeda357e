-- Each unit valid on a day paired with itself and its ancestors on that day (at most
-- commune -> district -> province): the one place marts roll figures up or down the hierarchy.
create or replace function core.admin_unit_ancestry(on_day date)
returns table (unit_code text, ancestor_code text)
language sql stable as $$
    with units as (
        select d.unit_code, d.parent_code
        from core.dim_admin_unit as d
        where on_day between d._valid_from and d._valid_to
    )
    select u.unit_code, u.unit_code
    from units as u
    union all
    select u.unit_code, u.parent_code
    from units as u
    where u.parent_code is not null
    union all
    select u.unit_code, p.parent_code
    from units as u
    join units as p on p.unit_code = u.parent_code
    where p.parent_code is not null
$$;

comment on function core.admin_unit_ancestry(date) is
'Mỗi đơn vị hiệu lực trong ngày cùng chính nó và các cấp trên / each unit valid on the day paired with '
'itself and its ancestors valid on that day';
