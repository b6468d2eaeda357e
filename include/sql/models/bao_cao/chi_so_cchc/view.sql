create view bao_cao.chi_so_cchc with (security_invoker = true) as
select
    quarter as "Quý",
    province_code as "Mã tỉnh",
    unit_code as "Mã đơn vị",
    unit_name as "Tên đơn vị",
    unit_level as "Cấp",
    year as "Năm",
    area as "Lĩnh vực",
    max_score as "Điểm tối đa",
    self_score as "Tự đánh giá",
    appraised_score as "Thẩm định",
    appraised_change as "Thay đổi so với năm trước"
from mart.par_index;
