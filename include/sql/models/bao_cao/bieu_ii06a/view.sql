create view bao_cao.bieu_ii06a with (security_invoker = true) as
select
    quarter as "Quý",
    province_code as "Mã tỉnh",
    unit_code as "Mã đơn vị",
    unit_name as "Tên đơn vị",
    unit_level as "Cấp",
    parent_code as "Mã đơn vị cấp trên",
    case scope when 'desk' then 'Bộ phận Một cửa của đơn vị' else 'Đơn vị và các đơn vị trực thuộc' end as "Phạm vi",
    period_start as "Từ ngày",
    period_end as "Đến ngày",
    received_total as "(3) Tổng số nhận giải quyết",
    received_online as "(4) Trực tuyến",
    received_direct_postal as "(5) Trực tiếp, bưu chính",
    received_carried_over as "(6) Từ kỳ trước",
    resolved_total as "(7) Tổng số đã giải quyết",
    resolved_early as "(8) Trước hạn",
    resolved_on_time as "(9) Đúng hạn",
    resolved_late as "(10) Quá hạn",
    pending_total as "(11) Tổng số đang giải quyết",
    pending_in_time as "(12) Trong hạn",
    pending_overdue as "(13) Quá hạn"
from mart.unit_quarter_ii06a;
