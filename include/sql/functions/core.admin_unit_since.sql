-- Each unit valid on `on_day` with the first day of its identity: the day the 2025 reform formed it
-- (a lineage row starts it), else -infinity. Codes were reused across the reform, so data filed under a
-- code before that day belongs to another unit; a rename keeps the identity.
create or replace function core.admin_unit_since(on_day date)
returns table (unit_code text, since date)
language sql stable as $$
    select
        d.unit_code,
        case
            when exists (
                select from core.admin_unit_lineage as l
                where l.new_code = d.unit_code and l.new_valid_from = d._valid_from
            ) then d._valid_from
            else '-infinity'::date
        end
    from core.dim_admin_unit as d
    where on_day between d._valid_from and d._valid_to
$$;

comment on function core.admin_unit_since(date) is
'Ngày bắt đầu của từng đơn vị hiệu lực trong ngày: ngày sắp xếp 2025 lập ra đơn vị, nếu không thì -infinity '
'/ first day of each unit''s identity: the day the 2025 reform formed it, else -infinity';
