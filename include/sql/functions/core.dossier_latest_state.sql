-- Each dossier of the units valid on p_last_day in its latest known state: the row of the latest export
-- quarter from p_from_quarter to p_quarter ('YYYYQn' sorts as text) that holds it, and only since its unit
-- exists (a code reused by the 2025 reform filed the old unit's dossiers before). Both II.06a marts count
-- the form from it.
create or replace function core.dossier_latest_state(p_quarter text, p_from_quarter text, p_last_day date)
returns table (
    unit_code         text, dossier_id text, channel text, received_on date, due_on date, resolved_on date,
    resolution_status text
)
language sql stable as $$
    select distinct on (d.unit_code, d.dossier_id)
        d.unit_code, d.dossier_id, d.channel, d.received_on, d.due_on, d.resolved_on, d.resolution_status
    from core.fct_dossier as d
    join core.dim_quarter as q on q.quarter = d.quarter
    join core.admin_unit_since(p_last_day) as u on u.unit_code = d.unit_code
    where d.quarter <= p_quarter
      and d.quarter >= p_from_quarter
      and q.last_day >= u.since
    order by d.unit_code, d.dossier_id, d.quarter desc
$$;

comment on function core.dossier_latest_state(text, text, date) is
'Mỗi hồ sơ ở trạng thái mới nhất: dòng của quý xuất gần nhất trong [p_from_quarter, p_quarter] có hồ sơ, chỉ từ '
'khi đơn vị tồn tại / each dossier in its latest known state: the row of the latest export quarter in '
'[p_from_quarter, p_quarter] holding it, only since its unit exists';
