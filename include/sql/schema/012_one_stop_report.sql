-- Biểu II.06a as reported, and the form rebuilt from dossiers beside it. The form counts over the
-- period it states for itself (Nghị định 09/2019/NĐ-CP: 15th of the month before the quarter to the
-- 14th of its last month), so the rebuild uses that period, not the calendar quarter. Both tables are
-- partitioned by the quarter of the landing file holding the form.

create table core.fct_one_stop_report_row (
    quarter                text not null,
    file_id                bigint not null,
    line_number            integer not null,
    reporting_unit_code    text not null,
    reporting_unit_level   text not null,
    unit_code              text,
    row_label              text not null,
    period_start           date not null,
    period_end             date not null,
    period_stated          boolean not null,
    received_total         integer,
    received_online        integer,
    received_direct_postal integer,
    received_carried_over  integer,
    resolved_total         integer,
    resolved_early         integer,
    resolved_on_time       integer,
    resolved_late          integer,
    pending_total          integer,
    pending_in_time        integer,
    pending_overdue        integer,
    primary key (quarter, file_id, line_number),
    check (period_start <= period_end)
) partition by list (quarter);

comment on table core.fct_one_stop_report_row is
    'Các dòng Biểu II.06a/VPCP/KSTT như đơn vị báo cáo, kèm kỳ báo cáo ghi trên biểu, mỗi dòng biểu một dòng '
    '/ rows of the II.06a one-stop report form as units reported them, with the period the form states, '
    'one row per form row';
comment on column core.fct_one_stop_report_row.quarter is 'Quý của tệp báo cáo / quarter of the report file, e.g. 2024Q1';
comment on column core.fct_one_stop_report_row.file_id is 'Tệp gốc (raw.landing_file) / source file';
comment on column core.fct_one_stop_report_row.line_number is 'Dòng trong tệp / line of the row in the file';
comment on column core.fct_one_stop_report_row.reporting_unit_code is
    'Đơn vị gửi báo cáo (thư mục của tệp) / reporting unit: the unit whose landing folder holds the form';
comment on column core.fct_one_stop_report_row.reporting_unit_level is
    'Cấp đơn vị gửi báo cáo / level of the reporting unit: district or province';
comment on column core.fct_one_stop_report_row.unit_code is
    'Mã ĐVHC của dòng; NULL: dòng theo lĩnh vực, công việc, không theo đơn vị '
    '/ GSO code of the unit the row is about; NULL: a row by field or work, not by unit';
comment on column core.fct_one_stop_report_row.row_label is
    'Cột (2): tên đơn vị hoặc lĩnh vực như ghi trên biểu / column (2): unit or field as written on the form';
comment on column core.fct_one_stop_report_row.period_start is
    'Ngày đầu kỳ báo cáo ghi trên biểu; biểu không ghi thì ngày đầu quý '
    '/ first day of the period the form states; the calendar quarter''s first day when it states none';
comment on column core.fct_one_stop_report_row.period_end is
    'Ngày cuối kỳ báo cáo ghi trên biểu; biểu không ghi thì ngày cuối quý '
    '/ last day of the period the form states; the calendar quarter''s last day when it states none';
comment on column core.fct_one_stop_report_row.period_stated is
    'Biểu có ghi kỳ (từ ngày ... đến ngày ...); false: kỳ lấy theo quý dương lịch '
    '/ the form states its period (both dates); false: the calendar quarter is assumed';
comment on column core.fct_one_stop_report_row.received_total is
    'Cột (3) Tổng số hồ sơ nhận giải quyết / column (3) dossiers taken for resolution, total';
comment on column core.fct_one_stop_report_row.received_online is
    'Cột (4) Số mới tiếp nhận trực tuyến / column (4) newly received online';
comment on column core.fct_one_stop_report_row.received_direct_postal is
    'Cột (5) Số mới tiếp nhận trực tiếp, dịch vụ bưu chính / column (5) newly received in person or by post';
comment on column core.fct_one_stop_report_row.received_carried_over is
    'Cột (6) Số từ kỳ trước chuyển qua / column (6) carried over from the previous period';
comment on column core.fct_one_stop_report_row.resolved_total is
    'Cột (7) Tổng số hồ sơ đã giải quyết / column (7) dossiers resolved, total';
comment on column core.fct_one_stop_report_row.resolved_early is 'Cột (8) Giải quyết trước hạn / column (8) resolved early';
comment on column core.fct_one_stop_report_row.resolved_on_time is 'Cột (9) Giải quyết đúng hạn / column (9) resolved on time';
comment on column core.fct_one_stop_report_row.resolved_late is 'Cột (10) Giải quyết quá hạn / column (10) resolved late';
comment on column core.fct_one_stop_report_row.pending_total is
    'Cột (11) Tổng số hồ sơ đang giải quyết / column (11) dossiers still being resolved, total';
comment on column core.fct_one_stop_report_row.pending_in_time is
    'Cột (12) Đang giải quyết trong hạn / column (12) pending within the time limit';
comment on column core.fct_one_stop_report_row.pending_overdue is
    'Cột (13) Đang giải quyết quá hạn / column (13) pending and overdue';

create table mart.one_stop_report_ii06a (
    quarter                               text not null,
    province_code                         text not null,
    file_id                               bigint not null,
    line_number                           integer not null,
    reporting_unit_code                   text not null,
    unit_code                             text not null,
    row_label                             text not null,
    row_scope                             text not null check (row_scope in ('desk', 'subtree')),
    period_start                          date not null,
    period_end                            date not null,
    period_stated                         boolean not null,
    has_dossiers                          boolean not null,
    reported_received_total               integer,
    reported_received_online              integer,
    reported_received_direct_postal       integer,
    reported_received_carried_over        integer,
    reported_resolved_total               integer,
    reported_resolved_early               integer,
    reported_resolved_on_time             integer,
    reported_resolved_late                integer,
    reported_pending_total                integer,
    reported_pending_in_time              integer,
    reported_pending_overdue              integer,
    rebuilt_received_total                integer,
    rebuilt_received_online               integer,
    rebuilt_received_direct_postal        integer,
    rebuilt_received_carried_over         integer,
    rebuilt_resolved_total                integer,
    rebuilt_resolved_early                integer,
    rebuilt_resolved_on_time              integer,
    rebuilt_resolved_late                 integer,
    rebuilt_pending_total                 integer,
    rebuilt_pending_in_time               integer,
    rebuilt_pending_overdue               integer,
    diff_received_total                   integer,
    diff_received_online                  integer,
    diff_received_direct_postal           integer,
    diff_received_carried_over            integer,
    diff_resolved_total                   integer,
    diff_resolved_early                   integer,
    diff_resolved_on_time                 integer,
    diff_resolved_late                    integer,
    diff_pending_total                    integer,
    diff_pending_in_time                  integer,
    diff_pending_overdue                  integer,
    received_adds_up                      boolean,
    resolved_adds_up                      boolean,
    pending_adds_up                       boolean,
    received_equals_resolved_plus_pending boolean,
    primary key (quarter, file_id, line_number)
) partition by list (quarter);
comment on column mart.one_stop_report_ii06a.reported_received_total is
    'Cột (3) Tổng số nhận giải quyết, số đơn vị báo cáo / column (3) received, total, as reported';
comment on column mart.one_stop_report_ii06a.reported_received_online is
    'Cột (4) Mới tiếp nhận trực tuyến, số đơn vị báo cáo / column (4) newly received online, as reported';
comment on column mart.one_stop_report_ii06a.reported_received_direct_postal is
    'Cột (5) Mới tiếp nhận trực tiếp, bưu chính, số đơn vị báo cáo / column (5) newly received in person or by post, as reported';
comment on column mart.one_stop_report_ii06a.reported_received_carried_over is
    'Cột (6) Từ kỳ trước chuyển qua, số đơn vị báo cáo / column (6) carried over, as reported';
comment on column mart.one_stop_report_ii06a.reported_resolved_total is
    'Cột (7) Tổng số đã giải quyết, số đơn vị báo cáo / column (7) resolved, total, as reported';
comment on column mart.one_stop_report_ii06a.reported_resolved_early is
    'Cột (8) Trước hạn, số đơn vị báo cáo / column (8) resolved early, as reported';
comment on column mart.one_stop_report_ii06a.reported_resolved_on_time is
    'Cột (9) Đúng hạn, số đơn vị báo cáo / column (9) resolved on time, as reported';
comment on column mart.one_stop_report_ii06a.reported_resolved_late is
    'Cột (10) Quá hạn, số đơn vị báo cáo / column (10) resolved late, as reported';
comment on column mart.one_stop_report_ii06a.reported_pending_total is
    'Cột (11) Tổng số đang giải quyết, số đơn vị báo cáo / column (11) pending, total, as reported';
comment on column mart.one_stop_report_ii06a.reported_pending_in_time is
    'Cột (12) Đang giải quyết trong hạn, số đơn vị báo cáo / column (12) pending within the time limit, as reported';
comment on column mart.one_stop_report_ii06a.reported_pending_overdue is
    'Cột (13) Đang giải quyết quá hạn, số đơn vị báo cáo / column (13) pending and overdue, as reported';
comment on column mart.one_stop_report_ii06a.rebuilt_received_total is
    'Cột (3) Tổng số nhận giải quyết, tính lại từ hồ sơ: = (4)+(5)+(6); NULL: không có tệp hồ sơ '
    '/ column (3) received, total rebuilt from dossiers; NULL: no dossiers file';
comment on column mart.one_stop_report_ii06a.rebuilt_received_online is
    'Cột (4) Mới tiếp nhận trực tuyến, tính lại từ hồ sơ: nhận trong kỳ, kênh trực tuyến / received within the period, online channel; NULL: không có tệp hồ sơ '
    '/ column (4) newly received online rebuilt from dossiers; NULL: no dossiers file';
comment on column mart.one_stop_report_ii06a.rebuilt_received_direct_postal is
    'Cột (5) Mới tiếp nhận trực tiếp, bưu chính, tính lại từ hồ sơ: nhận trong kỳ, kênh trực tiếp hoặc bưu chính / received within the period, in person or by post; NULL: không có tệp hồ sơ '
    '/ column (5) newly received in person or by post rebuilt from dossiers; NULL: no dossiers file';
comment on column mart.one_stop_report_ii06a.rebuilt_received_carried_over is
    'Cột (6) Từ kỳ trước chuyển qua, tính lại từ hồ sơ: nhận trước period_start, chưa có kết quả trước period_start / received before period_start, not resolved before it; NULL: không có tệp hồ sơ '
    '/ column (6) carried over rebuilt from dossiers; NULL: no dossiers file';
comment on column mart.one_stop_report_ii06a.rebuilt_resolved_total is
    'Cột (7) Tổng số đã giải quyết, tính lại từ hồ sơ: = (8)+(9)+(10); NULL: không có tệp hồ sơ '
    '/ column (7) resolved, total rebuilt from dossiers; NULL: no dossiers file';
comment on column mart.one_stop_report_ii06a.rebuilt_resolved_early is
    'Cột (8) Trước hạn, tính lại từ hồ sơ: có kết quả trong kỳ, resolved_on < due_on / resolved within the period before the due day; NULL: không có tệp hồ sơ '
    '/ column (8) resolved early rebuilt from dossiers; NULL: no dossiers file';
comment on column mart.one_stop_report_ii06a.rebuilt_resolved_on_time is
    'Cột (9) Đúng hạn, tính lại từ hồ sơ: có kết quả trong kỳ, resolved_on = due_on / resolved within the period on the due day; NULL: không có tệp hồ sơ '
    '/ column (9) resolved on time rebuilt from dossiers; NULL: no dossiers file';
comment on column mart.one_stop_report_ii06a.rebuilt_resolved_late is
    'Cột (10) Quá hạn, tính lại từ hồ sơ: có kết quả trong kỳ, resolved_on > due_on / resolved within the period after the due day; NULL: không có tệp hồ sơ '
    '/ column (10) resolved late rebuilt from dossiers; NULL: no dossiers file';
comment on column mart.one_stop_report_ii06a.rebuilt_pending_total is
    'Cột (11) Tổng số đang giải quyết, tính lại từ hồ sơ: = (12)+(13); NULL: không có tệp hồ sơ '
    '/ column (11) pending, total rebuilt from dossiers; NULL: no dossiers file';
comment on column mart.one_stop_report_ii06a.rebuilt_pending_in_time is
    'Cột (12) Đang giải quyết trong hạn, tính lại từ hồ sơ: chưa có kết quả đến hết period_end, due_on > period_end / not resolved by the end of period_end, due after it; NULL: không có tệp hồ sơ '
    '/ column (12) pending within the time limit rebuilt from dossiers; NULL: no dossiers file';
comment on column mart.one_stop_report_ii06a.rebuilt_pending_overdue is
    'Cột (13) Đang giải quyết quá hạn, tính lại từ hồ sơ: chưa có kết quả đến hết period_end, due_on <= period_end / not resolved by the end of period_end, due on or before it; NULL: không có tệp hồ sơ '
    '/ column (13) pending and overdue rebuilt from dossiers; NULL: no dossiers file';
comment on column mart.one_stop_report_ii06a.diff_received_total is
    'Chênh lệch cột (3) = báo cáo - tính lại; NULL khi thiếu một bên '
    '/ difference in column (3) = reported - rebuilt; NULL when either is missing';
comment on column mart.one_stop_report_ii06a.diff_received_online is
    'Chênh lệch cột (4) = báo cáo - tính lại; NULL khi thiếu một bên '
    '/ difference in column (4) = reported - rebuilt; NULL when either is missing';
comment on column mart.one_stop_report_ii06a.diff_received_direct_postal is
    'Chênh lệch cột (5) = báo cáo - tính lại; NULL khi thiếu một bên '
    '/ difference in column (5) = reported - rebuilt; NULL when either is missing';
comment on column mart.one_stop_report_ii06a.diff_received_carried_over is
    'Chênh lệch cột (6) = báo cáo - tính lại; NULL khi thiếu một bên '
    '/ difference in column (6) = reported - rebuilt; NULL when either is missing';
comment on column mart.one_stop_report_ii06a.diff_resolved_total is
    'Chênh lệch cột (7) = báo cáo - tính lại; NULL khi thiếu một bên '
    '/ difference in column (7) = reported - rebuilt; NULL when either is missing';
comment on column mart.one_stop_report_ii06a.diff_resolved_early is
    'Chênh lệch cột (8) = báo cáo - tính lại; NULL khi thiếu một bên '
    '/ difference in column (8) = reported - rebuilt; NULL when either is missing';
comment on column mart.one_stop_report_ii06a.diff_resolved_on_time is
    'Chênh lệch cột (9) = báo cáo - tính lại; NULL khi thiếu một bên '
    '/ difference in column (9) = reported - rebuilt; NULL when either is missing';
comment on column mart.one_stop_report_ii06a.diff_resolved_late is
    'Chênh lệch cột (10) = báo cáo - tính lại; NULL khi thiếu một bên '
    '/ difference in column (10) = reported - rebuilt; NULL when either is missing';
comment on column mart.one_stop_report_ii06a.diff_pending_total is
    'Chênh lệch cột (11) = báo cáo - tính lại; NULL khi thiếu một bên '
    '/ difference in column (11) = reported - rebuilt; NULL when either is missing';
comment on column mart.one_stop_report_ii06a.diff_pending_in_time is
    'Chênh lệch cột (12) = báo cáo - tính lại; NULL khi thiếu một bên '
    '/ difference in column (12) = reported - rebuilt; NULL when either is missing';
comment on column mart.one_stop_report_ii06a.diff_pending_overdue is
    'Chênh lệch cột (13) = báo cáo - tính lại; NULL khi thiếu một bên '
    '/ difference in column (13) = reported - rebuilt; NULL when either is missing';

comment on table mart.one_stop_report_ii06a is
    'Biểu II.06a: số liệu đơn vị báo cáo bên cạnh số tính lại từ hồ sơ cùng kỳ báo cáo, chênh lệch và kiểm tra cộng dọc; '
    'mỗi dòng biểu có mã đơn vị một dòng. Quy tắc tính lại: trạng thái hồ sơ lấy từ tệp hồ sơ của quý gần nhất '
    '<= quý của biểu có chứa hồ sơ (kỳ có thể bắt đầu từ quý trước, vd. 15/12-14/3); so sánh theo ngày địa phương; '
    'kỳ [period_start, period_end] tính cả hai đầu, như bộ sinh dữ liệu (generate/one_stop_report.py) '
    '/ the II.06a form: the figures a unit reported beside the same figures rebuilt from dossiers over the '
    'period the form states, the differences and the form''s identities; one row per form row that names a unit. '
    'Rebuild: each dossier in its state from the latest export quarter <= the form''s quarter that holds it '
    '(the period can start in the previous quarter, e.g. 15/12-14/3); local calendar days; the period '
    '[period_start, period_end] includes both ends, the convention of the sample generator';
comment on column mart.one_stop_report_ii06a.quarter is 'Quý của tệp báo cáo / quarter of the report file, e.g. 2024Q1';
comment on column mart.one_stop_report_ii06a.province_code is
    'Mã tỉnh của đơn vị của dòng (địa giới ngày cuối quý) / province of the row''s unit on the quarter''s last day';
comment on column mart.one_stop_report_ii06a.file_id is 'Tệp báo cáo (raw.landing_file) / report file';
comment on column mart.one_stop_report_ii06a.line_number is 'Dòng trong tệp / line of the row in the file';
comment on column mart.one_stop_report_ii06a.reporting_unit_code is 'Đơn vị gửi báo cáo / unit that sent the form';
comment on column mart.one_stop_report_ii06a.unit_code is 'Mã ĐVHC của dòng / GSO code of the unit the row is about';
comment on column mart.one_stop_report_ii06a.row_label is 'Cột (2) như ghi trên biểu / column (2) as written on the form';
comment on column mart.one_stop_report_ii06a.row_scope is
    'Phạm vi tính lại: desk = dòng của chính đơn vị báo cáo (Bộ phận Một cửa của đơn vị), chỉ hồ sơ của đơn vị đó; '
    'subtree = dòng của đơn vị cấp dưới, gồm hồ sơ của đơn vị và mọi đơn vị trực thuộc (địa giới ngày cuối quý) '
    '/ what is rebuilt: desk = the reporting unit''s own row (its own one-stop desk), its own dossiers only; '
    'subtree = a subordinate unit''s row, the dossiers of that unit and every unit under it on the quarter''s last day';
comment on column mart.one_stop_report_ii06a.period_start is
    'Ngày đầu kỳ của biểu (ngày đầu quý nếu biểu không ghi) / first day of the form''s period (quarter start if not stated)';
comment on column mart.one_stop_report_ii06a.period_end is
    'Ngày cuối kỳ của biểu (ngày cuối quý nếu biểu không ghi) / last day of the form''s period (quarter end if not stated)';
comment on column mart.one_stop_report_ii06a.period_stated is
    'Biểu có ghi kỳ; false: dùng quý dương lịch / the form states its period; false: calendar quarter assumed';
comment on column mart.one_stop_report_ii06a.has_dossiers is
    'Có tệp hồ sơ của quý cho đơn vị (hoặc một đơn vị trực thuộc khi subtree); false: số tính lại và chênh lệch NULL '
    '/ a dossiers file for the quarter came from the unit (or, for subtree, any unit under it); '
    'false: rebuilt figures and differences are NULL (no data, not zero)';
comment on column mart.one_stop_report_ii06a.received_adds_up is
    'Kiểm tra (3) = (4)+(5)+(6) trên số báo cáo; NULL khi thiếu ô / reported (3) = (4)+(5)+(6); NULL when a cell is empty';
comment on column mart.one_stop_report_ii06a.resolved_adds_up is
    'Kiểm tra (7) = (8)+(9)+(10) trên số báo cáo; NULL khi thiếu ô / reported (7) = (8)+(9)+(10); NULL when a cell is empty';
comment on column mart.one_stop_report_ii06a.pending_adds_up is
    'Kiểm tra (11) = (12)+(13) trên số báo cáo; NULL khi thiếu ô / reported (11) = (12)+(13); NULL when a cell is empty';
comment on column mart.one_stop_report_ii06a.received_equals_resolved_plus_pending is
    'Kiểm tra (3) = (7)+(11) trên số báo cáo; NULL khi thiếu ô / reported (3) = (7)+(11); NULL when a cell is empty';
