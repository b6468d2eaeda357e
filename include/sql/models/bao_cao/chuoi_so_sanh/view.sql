create view bao_cao.chuoi_so_sanh with (security_invoker = true) as
select
    quarter as "Quý",
    province_code as "Mã tỉnh",
    unit_code as "Mã đơn vị",
    unit_name as "Tên đơn vị",
    unit_level as "Cấp",
    -- -infinity (valid since before the reference begins) is beyond what most client libraries read.
    nullif(unit_valid_from, '-infinity') as "Hiệu lực từ",
    case basis
        when 'reported' then 'Số liệu của đơn vị'
        when 'predecessors' then 'Cộng từ đơn vị tiền thân'
        else 'Cộng từ đơn vị kế thừa'
    end as "Cơ sở số liệu",
    derived as "Suy ra",
    approximate as "Gần đúng",
    received as "Tiếp nhận mới",
    received_online as "Tiếp nhận trực tuyến",
    resolved as "Đã giải quyết",
    on_time_rate as "Tỷ lệ đúng hạn (%)",
    online_rate as "Tỷ lệ trực tuyến (%)"
from mart.unit_quarter_comparable;
