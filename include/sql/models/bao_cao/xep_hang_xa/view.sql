-- Communes ranked within their district and within their province, as rank_on_time_in_parent ranks
-- (dense_rank, highest first); post-reform communes sit directly under the province, so both ranks are
-- the same for them. Ranks are over the rows the reader sees, which are whole provinces.
create view bao_cao.xep_hang_xa with (security_invoker = true) as
select
    c.quarter as "Quý",
    c.province_code as "Mã tỉnh",
    c.parent_code as "Mã huyện",
    p.unit_name as "Tên huyện",
    c.unit_code as "Mã xã",
    c.unit_name as "Tên xã",
    c.on_time_rate as "Tỷ lệ đúng hạn (%)",
    case
        when c.on_time_rate is not null
            then dense_rank() over (partition by c.quarter, c.parent_code order by c.on_time_rate desc nulls last)
    end as "Hạng đúng hạn trong huyện",
    case
        when c.on_time_rate is not null
            then dense_rank() over (partition by c.quarter, c.province_code order by c.on_time_rate desc nulls last)
    end as "Hạng đúng hạn trong tỉnh",
    c.online_rate as "Tỷ lệ trực tuyến (%)",
    case
        when c.online_rate is not null
            then dense_rank() over (partition by c.quarter, c.parent_code order by c.online_rate desc nulls last)
    end as "Hạng trực tuyến trong huyện",
    case
        when c.online_rate is not null
            then dense_rank() over (partition by c.quarter, c.province_code order by c.online_rate desc nulls last)
    end as "Hạng trực tuyến trong tỉnh",
    c.meets_online_target as "Đạt chỉ tiêu trực tuyến"
from mart.unit_quarter_indicators as c
left join mart.unit_quarter_indicators as p on p.quarter = c.quarter and p.unit_code = c.parent_code
where c.unit_level = 'commune';
