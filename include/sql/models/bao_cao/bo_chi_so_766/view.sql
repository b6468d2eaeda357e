create view bao_cao.bo_chi_so_766 with (security_invoker = true) as
select
    quarter as "Quý",
    province_code as "Mã tỉnh",
    unit_code as "Mã đơn vị",
    unit_name as "Tên đơn vị",
    unit_level as "Cấp",
    transparency_score as "Công khai, minh bạch (18)",
    progress_score as "Tiến độ giải quyết (20)",
    online_service_score as "Dịch vụ trực tuyến (12)",
    online_payment_score as "Thanh toán trực tuyến (10)",
    satisfaction_score as "Mức độ hài lòng (18)",
    digitisation_score as "Số hoá hồ sơ (22)",
    points_covered as "Số điểm có số liệu",
    total_score as "Tổng điểm",
    score_of_covered_percent as "Tỷ lệ điểm trên phần có số liệu (%)",
    complete as "Đủ số liệu",
    band as "Xếp loại"
from mart.scorecard_766;
