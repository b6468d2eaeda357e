-- Câu truy vấn mẫu cho cán bộ tỉnh, chạy bằng tài khoản đọc của mình (cchc grant-reader).
-- Mỗi tài khoản chỉ thấy số liệu các tỉnh được cấp: không cần lọc theo tỉnh.
-- Dùng được trong psql, DBeaver, Excel (Power Query), Power BI, Metabase, Superset.
-- Mỗi câu kết thúc bằng dấu chấm phẩy; đổi quý '2024Q2' theo kỳ cần xem.

-- 1. Chỉ số một cửa của các huyện trong quý, huyện có tỷ lệ đúng hạn thấp nhất trước.
select "Mã đơn vị", "Tên đơn vị", "Tiếp nhận mới", "Đã giải quyết", "Tỷ lệ đúng hạn (%)", "Tỷ lệ trực tuyến (%)"
from bao_cao.chi_so_don_vi
where "Quý" = '2024Q2' and "Cấp" = 'district'
order by "Tỷ lệ đúng hạn (%)" nulls last, "Mã đơn vị";

-- 2. Mười xã đứng đầu tỉnh về tỷ lệ giải quyết đúng hạn.
select "Hạng đúng hạn trong tỉnh", "Tên xã", "Tên huyện", "Tỷ lệ đúng hạn (%)"
from bao_cao.xep_hang_xa
where "Quý" = '2024Q2' and "Hạng đúng hạn trong tỉnh" <= 10
order by "Hạng đúng hạn trong tỉnh", "Mã xã";

-- 3. Các xã chưa đạt chỉ tiêu 40% hồ sơ trực tuyến, thấp nhất trước.
select "Tên huyện", "Tên xã", "Tỷ lệ trực tuyến (%)", "Hạng trực tuyến trong huyện"
from bao_cao.xep_hang_xa
where "Quý" = '2024Q2' and not "Đạt chỉ tiêu trực tuyến"
order by "Tỷ lệ trực tuyến (%)", "Mã xã";

-- 4. Biểu II.06a của tỉnh tính lại từ hồ sơ: mỗi huyện (cả các xã trực thuộc) một dòng.
select "Mã đơn vị", "Tên đơn vị", "(3) Tổng số nhận giải quyết", "(7) Tổng số đã giải quyết",
       "(10) Quá hạn", "(11) Tổng số đang giải quyết", "(13) Quá hạn"
from bao_cao.bieu_ii06a
where "Quý" = '2024Q2' and "Cấp" = 'district' and "Phạm vi" = 'Đơn vị và các đơn vị trực thuộc'
order by "Mã đơn vị";

-- 5. Các dòng Biểu II.06a đơn vị đã gửi mà số báo cáo khác số tính lại từ hồ sơ.
select "Đơn vị báo cáo", "Dòng trên biểu", "(3) Báo cáo", "(3) Tính lại", "(3) Chênh lệch",
       "(10) Báo cáo", "(10) Tính lại", "(10) Chênh lệch"
from bao_cao.bieu_ii06a_doi_chieu
where "Quý" = '2024Q2' and ("(3) Chênh lệch" <> 0 or "(10) Chênh lệch" <> 0)
order by "Đơn vị báo cáo", "Dòng trên biểu";

-- 6. Bộ chỉ số 766 của tỉnh và các huyện: nhóm để trống (NULL) là không có số liệu, không phải 0 điểm.
select "Tên đơn vị", "Tiến độ giải quyết (20)", "Dịch vụ trực tuyến (12)", "Mức độ hài lòng (18)",
       "Tổng điểm", "Số điểm có số liệu", "Xếp loại"
from bao_cao.bo_chi_so_766
where "Quý" = '2024Q2' and "Cấp" in ('province', 'district')
order by "Cấp" desc, "Mã đơn vị";

-- 7. Chuỗi số liệu của tỉnh qua các quý, so sánh được qua sắp xếp ĐVHC 01/07/2025;
--    "Suy ra" = true: cộng từ đơn vị tiền thân hoặc kế thừa; "Gần đúng" = true: ranh giới không khớp.
select "Quý", "Cơ sở số liệu", "Suy ra", "Gần đúng", "Tiếp nhận mới", "Tỷ lệ đúng hạn (%)", "Tỷ lệ trực tuyến (%)"
from bao_cao.chuoi_so_sanh
where "Cấp" = 'province'
order by "Mã đơn vị", "Quý";
