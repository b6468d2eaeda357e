-- Indicators of the unit and every unit under it in the quarter, each commune ranked by its on-time and
-- online rates within its district (its parent: the province itself after the 2025 reform) and within
-- its province, as mart.unit_quarter_indicators ranks (dense_rank, highest first; NULL rate, no rank).
-- The ranks are taken over the whole province before the rows are narrowed to the unit's subtree.
with ranked as (
    select
        i.*,
        p.unit_name as parent_name,
        case when i.unit_level = 'commune' and i.on_time_rate is not null then
                dense_rank() over (partition by i.unit_level, i.parent_code order by i.on_time_rate desc nulls last)
        end as rank_on_time_in_district,
        case when i.unit_level = 'commune' and i.on_time_rate is not null then
                dense_rank() over (partition by i.unit_level, i.province_code order by i.on_time_rate desc nulls last)
        end as rank_on_time_in_province,
        case when i.unit_level = 'commune' and i.online_rate is not null then
                dense_rank() over (partition by i.unit_level, i.parent_code order by i.online_rate desc nulls last)
        end as rank_online_in_district,
        case when i.unit_level = 'commune' and i.online_rate is not null then
                dense_rank() over (partition by i.unit_level, i.province_code order by i.online_rate desc nulls last)
        end as rank_online_in_province
    from mart.unit_quarter_indicators as i
    left join mart.unit_quarter_indicators as p on p.quarter = i.quarter and p.unit_code = i.parent_code
    where i.quarter = %(quarter)s and i.province_code = %(province)s
)

select r.*
from ranked as r
where r.unit_code = %(unit)s or r.parent_code = %(unit)s
    or r.parent_code in (
        select c.unit_code from ranked as c
        where c.parent_code = %(unit)s
    )
order by
    case r.unit_level when 'province' then 0 when 'district' then 1 else 2 end,
    r.parent_code nulls first,
    r.unit_code
