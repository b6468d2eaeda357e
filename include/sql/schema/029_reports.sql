-- What staff open without SQL (docs/design.md, Reports): Biểu II.06a rebuilt for every unit, and the
-- schema bao_cao of stable views with Vietnamese column labels for reporting tools.

-- Each dossier of the units valid on p_last_day in its latest known state: the row of the latest export
-- quarter from p_from_quarter to p_quarter ('YYYYQn' sorts as text) that holds it, and only since its unit
-- exists (a code reused by the 2025 reform filed the old unit's dossiers before). Both II.06a marts count
-- the form from it.
create function core.dossier_latest_state(p_quarter text, p_from_quarter text, p_last_day date)
returns table (
    unit_code text, dossier_id text, channel text, received_on date, due_on date, resolved_on date,
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

-- Biểu II.06a rebuilt from dossiers for every unit, over the Decree 09/2019 period of the quarter, so a
-- form can be compiled for any unit whether or not it sent one (mart.one_stop_report_ii06a holds the
-- forms that were sent, beside the same figures rebuilt).
create table mart.unit_quarter_ii06a (
    quarter                text not null,
    province_code          text not null,
    unit_code              text not null,
    unit_name              text not null,
    unit_level             text not null,
    parent_code            text,
    scope                  text not null check (scope in ('desk', 'subtree')),
    period_start           date not null,
    period_end             date not null,
    reporting_units        integer not null,
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
    primary key (quarter, unit_code, scope)
) partition by list (quarter);

comment on table mart.unit_quarter_ii06a is
    'Biểu II.06a tính lại từ hồ sơ cho mọi đơn vị, theo kỳ báo cáo của quý (Nghị định 09/2019/NĐ-CP: từ ngày 15 '
    'tháng cuối quý trước đến ngày 14 tháng cuối quý); mỗi đơn vị hai dòng: desk (bộ phận một cửa của đơn vị) và '
    'subtree (đơn vị cùng mọi đơn vị trực thuộc). Cách đếm như mart.one_stop_report_ii06a / Biểu II.06a rebuilt '
    'from dossiers for every unit over the quarter''s Decree 09/2019 period (15th of the month before the quarter '
    'to the 14th of its last month); two rows a unit: desk (its own one-stop desk) and subtree (the unit and '
    'every unit under it). Counted as in mart.one_stop_report_ii06a';
comment on column mart.unit_quarter_ii06a.quarter is 'Quý / quarter, e.g. 2024Q2 (partition key)';
comment on column mart.unit_quarter_ii06a.province_code is
    'Mã tỉnh (địa giới ngày cuối quý; khoá phân quyền theo dòng) / province on the quarter''s last day '
    '(row-level security key)';
comment on column mart.unit_quarter_ii06a.unit_code is 'Mã ĐVHC / GSO code of the unit';
comment on column mart.unit_quarter_ii06a.unit_name is 'Tên đơn vị ngày cuối quý / name on the quarter''s last day';
comment on column mart.unit_quarter_ii06a.unit_level is 'Cấp / level: province, district or commune';
comment on column mart.unit_quarter_ii06a.parent_code is 'Mã đơn vị cấp trên; NULL: tỉnh / parent unit; NULL: a province';
comment on column mart.unit_quarter_ii06a.scope is
    'desk: chỉ hồ sơ của bộ phận một cửa của đơn vị; subtree: đơn vị và mọi đơn vị trực thuộc / desk: the unit''s '
    'own dossiers only; subtree: the unit and every unit under it';
comment on column mart.unit_quarter_ii06a.period_start is 'Ngày đầu kỳ báo cáo / first day of the reporting period';
comment on column mart.unit_quarter_ii06a.period_end is 'Ngày cuối kỳ báo cáo / last day of the reporting period';
comment on column mart.unit_quarter_ii06a.reporting_units is
    'Số đơn vị trong phạm vi có tệp hồ sơ của quý; 0: các số liệu NULL (không có số liệu, không phải 0) / units in '
    'scope with a dossiers export for the quarter; 0: the figures are NULL (no data, not zero)';
comment on column mart.unit_quarter_ii06a.received_total is 'Cột (3) Tổng số nhận giải quyết = (4)+(5)+(6) / column (3) received, total';
comment on column mart.unit_quarter_ii06a.received_online is 'Cột (4) Mới tiếp nhận trực tuyến / column (4) newly received online';
comment on column mart.unit_quarter_ii06a.received_direct_postal is
    'Cột (5) Mới tiếp nhận trực tiếp, bưu chính / column (5) newly received in person or by post';
comment on column mart.unit_quarter_ii06a.received_carried_over is
    'Cột (6) Từ kỳ trước chuyển qua: nhận trước ngày đầu kỳ, chưa có kết quả trước ngày đó / column (6) carried over';
comment on column mart.unit_quarter_ii06a.resolved_total is 'Cột (7) Tổng số đã giải quyết = (8)+(9)+(10) / column (7) resolved, total';
comment on column mart.unit_quarter_ii06a.resolved_early is 'Cột (8) Trước hạn / column (8) resolved early';
comment on column mart.unit_quarter_ii06a.resolved_on_time is 'Cột (9) Đúng hạn / column (9) resolved on time';
comment on column mart.unit_quarter_ii06a.resolved_late is 'Cột (10) Quá hạn / column (10) resolved late';
comment on column mart.unit_quarter_ii06a.pending_total is 'Cột (11) Tổng số đang giải quyết = (12)+(13) / column (11) pending, total';
comment on column mart.unit_quarter_ii06a.pending_in_time is
    'Cột (12) Đang giải quyết trong hạn (hạn sau ngày cuối kỳ) / column (12) pending, due after the period';
comment on column mart.unit_quarter_ii06a.pending_overdue is
    'Cột (13) Đang giải quyết quá hạn (hạn đến hết ngày cuối kỳ) / column (13) pending and overdue';

-- Partitions out of the readers' way: a reporting tool lists every table of schema mart it can see
-- the name of, and a partition read directly would bypass its parent's province filter anyway
-- (readers have no grant on one). New partitions of mart tables are created in mart_partitions
-- (cchc.warehouse.sql_files.partition_name); the ones made so far move there.
create schema mart_partitions;
comment on schema mart_partitions is
    'Phân vùng theo quý của các bảng mart; đọc qua bảng cha trong schema mart / quarter partitions of the mart '
    'tables; read them through their parent tables in schema mart';
revoke all on schema mart_partitions from public;
grant all on schema mart_partitions to cchc_loader;
alter default privileges in schema mart_partitions grant all on tables to cchc_loader;
do $$
declare
    part record;
begin
    for part in
        select quote_ident(c.relname) as name
        from pg_class as c
        where c.relnamespace = 'mart'::regnamespace and c.relispartition and c.relkind in ('r', 'p')
    loop
        execute 'alter table mart.' || part.name || ' set schema mart_partitions';
    end loop;
end
$$;

-- Stable views for staff and reporting tools (Excel, Power BI, Metabase, Superset), with Vietnamese
-- column labels. security_invoker: a reader's query is filtered by the province policies of the mart
-- tables beneath, as if it read them itself. Their names and columns are an interface: change them
-- only in a new view.
create schema bao_cao;
comment on schema bao_cao is
    'Báo cáo CCHC cho cán bộ và công cụ báo cáo: các view ổn định, tên cột tiếng Việt, mỗi tài khoản đọc chỉ thấy '
    'tỉnh của mình / CCHC reports for staff and reporting tools: stable views with Vietnamese column labels, each '
    'reader login sees only its own provinces';
revoke all on schema bao_cao from public;
grant all on schema bao_cao to cchc_loader;
grant usage on schema bao_cao to cchc_reader;

create view bao_cao.chi_so_don_vi with (security_invoker = true) as
select
    quarter as "Quý",
    province_code as "Mã tỉnh",
    unit_code as "Mã đơn vị",
    unit_name as "Tên đơn vị",
    unit_level as "Cấp",
    parent_code as "Mã đơn vị cấp trên",
    reporting_units as "Số đơn vị báo cáo",
    received as "Tiếp nhận mới",
    received_online as "Tiếp nhận trực tuyến",
    received_direct as "Tiếp nhận trực tiếp",
    received_postal as "Tiếp nhận qua bưu chính",
    carried_over as "Kỳ trước chuyển qua",
    resolved as "Đã giải quyết",
    resolved_early as "Trước hạn",
    resolved_on_time as "Đúng hạn",
    resolved_late as "Quá hạn",
    pending as "Đang giải quyết",
    pending_overdue as "Đang giải quyết quá hạn",
    on_time_rate as "Tỷ lệ đúng hạn (%)",
    early_rate as "Tỷ lệ trước hạn (%)",
    online_rate as "Tỷ lệ trực tuyến (%)",
    online_target_percent as "Chỉ tiêu trực tuyến (%)",
    meets_online_target as "Đạt chỉ tiêu trực tuyến",
    progress_score_766 as "Điểm tiến độ (766, tối đa 20)",
    satisfied_share as "Tỷ lệ hài lòng (%)"
from mart.unit_quarter_indicators;
comment on view bao_cao.chi_so_don_vi is
    'Chỉ số một cửa theo đơn vị và quý (mart.unit_quarter_indicators) / one-stop indicators per unit and quarter';

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
    case when c.on_time_rate is not null then
        dense_rank() over (partition by c.quarter, c.parent_code order by c.on_time_rate desc nulls last) end
        as "Hạng đúng hạn trong huyện",
    case when c.on_time_rate is not null then
        dense_rank() over (partition by c.quarter, c.province_code order by c.on_time_rate desc nulls last) end
        as "Hạng đúng hạn trong tỉnh",
    c.online_rate as "Tỷ lệ trực tuyến (%)",
    case when c.online_rate is not null then
        dense_rank() over (partition by c.quarter, c.parent_code order by c.online_rate desc nulls last) end
        as "Hạng trực tuyến trong huyện",
    case when c.online_rate is not null then
        dense_rank() over (partition by c.quarter, c.province_code order by c.online_rate desc nulls last) end
        as "Hạng trực tuyến trong tỉnh",
    c.meets_online_target as "Đạt chỉ tiêu trực tuyến"
from mart.unit_quarter_indicators as c
left join mart.unit_quarter_indicators as p on p.quarter = c.quarter and p.unit_code = c.parent_code
where c.unit_level = 'commune';
comment on view bao_cao.xep_hang_xa is
    'Xếp hạng xã theo tỷ lệ đúng hạn và tỷ lệ trực tuyến, trong huyện và trong tỉnh (1 = cao nhất; cùng tỷ lệ cùng '
    'hạng) / communes ranked by on-time and online rates within their district and province (1 = highest; ties '
    'share a rank, dense_rank)';

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
comment on view bao_cao.bieu_ii06a is
    'Biểu II.06a tính lại từ hồ sơ, theo kỳ báo cáo Nghị định 09/2019 (mart.unit_quarter_ii06a) / Biểu II.06a '
    'rebuilt from dossiers over the Decree 09/2019 reporting period';

create view bao_cao.bieu_ii06a_doi_chieu with (security_invoker = true) as
select
    quarter as "Quý",
    province_code as "Mã tỉnh",
    reporting_unit_code as "Đơn vị báo cáo",
    unit_code as "Mã đơn vị của dòng",
    row_label as "Dòng trên biểu",
    period_start as "Từ ngày",
    period_end as "Đến ngày",
    reported_received_total as "(3) Báo cáo",
    rebuilt_received_total as "(3) Tính lại",
    diff_received_total as "(3) Chênh lệch",
    reported_resolved_total as "(7) Báo cáo",
    rebuilt_resolved_total as "(7) Tính lại",
    diff_resolved_total as "(7) Chênh lệch",
    reported_resolved_late as "(10) Báo cáo",
    rebuilt_resolved_late as "(10) Tính lại",
    diff_resolved_late as "(10) Chênh lệch",
    reported_pending_total as "(11) Báo cáo",
    rebuilt_pending_total as "(11) Tính lại",
    diff_pending_total as "(11) Chênh lệch",
    reported_pending_overdue as "(13) Báo cáo",
    rebuilt_pending_overdue as "(13) Tính lại",
    diff_pending_overdue as "(13) Chênh lệch"
from mart.one_stop_report_ii06a;
comment on view bao_cao.bieu_ii06a_doi_chieu is
    'Biểu II.06a các đơn vị đã gửi, số báo cáo bên cạnh số tính lại và chênh lệch (mart.one_stop_report_ii06a) '
    '/ the II.06a forms units sent: reported beside rebuilt, and the differences';

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
comment on view bao_cao.bo_chi_so_766 is
    'Bộ chỉ số phục vụ người dân, doanh nghiệp (Quyết định 766/QĐ-TTg): điểm từng nhóm, NULL khi không có số liệu '
    '/ the Decision 766 index: points per group, NULL where there is no data';

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
comment on view bao_cao.chuoi_so_sanh is
    'Chuỗi số liệu so sánh được qua sắp xếp ĐVHC 01/07/2025; Suy ra, Gần đúng đánh dấu số không phải báo cáo '
    '/ series comparable across the 01/07/2025 reform; derived and approximate values are marked';

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
comment on view bao_cao.chi_so_cchc is
    'Chỉ số CCHC (PAR INDEX) theo đơn vị, năm và lĩnh vực / PAR INDEX per unit, year and area';

grant select on all tables in schema bao_cao to cchc_reader;
