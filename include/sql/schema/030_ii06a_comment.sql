-- The rebuilt II.06a's description no longer points into the sample generator's code (which left the
-- pipeline's package): the period's ends are the form's own.
comment on table mart.one_stop_report_ii06a is
    'Biểu II.06a: số liệu đơn vị báo cáo bên cạnh số tính lại từ hồ sơ cùng kỳ báo cáo, chênh lệch và kiểm tra cộng dọc; '
    'mỗi dòng biểu có mã đơn vị một dòng. Quy tắc tính lại: trạng thái hồ sơ lấy từ tệp hồ sơ của quý gần nhất '
    '<= quý của biểu có chứa hồ sơ (kỳ có thể bắt đầu từ quý trước, vd. 15/12-14/3); so sánh theo ngày địa phương; '
    'kỳ [period_start, period_end] ghi trên biểu, tính cả hai đầu '
    '/ the II.06a form: the figures a unit reported beside the same figures rebuilt from dossiers over the '
    'period the form states, the differences and the form''s identities; one row per form row that names a unit. '
    'Rebuild: each dossier in its state from the latest export quarter <= the form''s quarter that holds it '
    '(the period can start in the previous quarter, e.g. 15/12-14/3); local calendar days; the period '
    '[period_start, period_end] the form states, both ends included';
