-- The calendar and procedure dimensions, the catalogue and satisfaction columns of
-- mart.unit_quarter_indicators, the Decision 766 scorecard and the series comparable across the
-- 01/07/2025 reform. Column COMMENTs of the two indicator marts are rendered from the registry in
-- plugins/cchc/indicators.py (a unit test keeps them equal to it).

-- Calendar quarters -------------------------------------------------------------------------------

create table core.dim_quarter (
    quarter             text primary key check (quarter ~ '^[0-9]{4}Q[1-4]$'),
    year                integer not null,
    quarter_number      smallint not null check (quarter_number between 1 and 4),
    first_day           date not null,
    last_day            date not null,
    label_vi            text not null,
    report_period_start date not null,
    report_period_end   date not null,
    two_level_map       boolean not null,
    one_stop_decree     text not null,
    check (first_day <= last_day and report_period_start <= report_period_end)
);

insert into core.dim_quarter
select
    q.year || 'Q' || q.n,
    q.year,
    q.n,
    q.first_day,
    (q.first_day + interval '3 months' - interval '1 day')::date,
    'Quý ' || (array['I', 'II', 'III', 'IV'])[q.n] || '/' || q.year,
    (q.first_day - interval '1 month' + interval '14 days')::date,
    (q.first_day + interval '2 months' + interval '13 days')::date,
    q.first_day >= date '2025-07-01',
    case when q.first_day >= date '2025-07-01' then 'Nghị định 118/2025/NĐ-CP'
         else 'Nghị định 61/2018/NĐ-CP' end
from (
    select y as year, n, make_date(y, 3 * n - 2, 1) as first_day
    from generate_series(2015, 2035) as y, generate_series(1, 4) as n
) as q;

comment on table core.dim_quarter is
    'Quý dương lịch 2015-2035: ngày đầu, cuối, kỳ báo cáo theo Nghị định 09/2019/NĐ-CP, bản đồ hành chính áp dụng '
    '/ calendar quarters 2015-2035 with their days, the reporting period of Decree 09/2019 and the map in force';
comment on column core.dim_quarter.quarter is 'Quý, ví dụ 2024Q2 / quarter, e.g. 2024Q2';
comment on column core.dim_quarter.year is 'Năm / year';
comment on column core.dim_quarter.quarter_number is 'Quý trong năm 1-4 / quarter of the year, 1-4';
comment on column core.dim_quarter.first_day is 'Ngày đầu quý / first day';
comment on column core.dim_quarter.last_day is 'Ngày cuối quý: địa giới hiệu lực ngày này dùng cho quý / last day: the map valid on it is the quarter''s';
comment on column core.dim_quarter.label_vi is 'Nhãn tiếng Việt, ví dụ Quý II/2024 / Vietnamese label';
comment on column core.dim_quarter.report_period_start is
    'Ngày đầu kỳ chốt số liệu báo cáo quý (ngày 15 tháng trước quý, Nghị định 09/2019/NĐ-CP) '
    '/ first day of the quarter''s reporting period under Decree 09/2019 (15th of the month before)';
comment on column core.dim_quarter.report_period_end is
    'Ngày cuối kỳ chốt số liệu (ngày 14 tháng cuối quý) / last day of the reporting period (14th of the last month)';
comment on column core.dim_quarter.two_level_map is
    'true: chính quyền hai cấp (tỉnh, xã) từ 01/07/2025 / true: the two-level map (province, commune) from 01/07/2025';
comment on column core.dim_quarter.one_stop_decree is
    'Nghị định về cơ chế một cửa áp dụng trong quý / one-stop decree in force in the quarter';

-- Procedures ---------------------------------------------------------------------------------------

-- Each catalogue a unit published, one row per procedure, partitioned by the quarter of the file. A
-- catalogue stays in force for its unit and the units below it until that unit publishes a newer one
-- (core.procedure_catalogue_in_force), so the history of online levels is kept.
create table core.dim_procedure (
    quarter             text not null,
    catalogue_unit_code text not null,
    procedure_code      text not null,
    procedure_name      text not null,
    field               text not null,
    procedure_level     text not null check (procedure_level in ('commune', 'district', 'province')),
    online_service      text not null check (online_service in ('full', 'partial', 'none')),
    online_level_legacy smallint not null check (online_level_legacy between 2 and 4),
    processing_days     integer,
    file_id             bigint not null,
    line_number         integer not null,
    primary key (quarter, catalogue_unit_code, procedure_code)
) partition by list (quarter);

comment on table core.dim_procedure is
    'Danh mục TTHC đơn vị công bố, theo quý của tệp; có hiệu lực đến khi đơn vị đó công bố danh mục mới '
    '/ procedure catalogues as units published them, by quarter of the file; in force until the unit publishes a newer one';
comment on column core.dim_procedure.quarter is 'Quý của tệp danh mục; danh mục có hiệu lực từ quý này / quarter of the catalogue file, from which it applies';
comment on column core.dim_procedure.catalogue_unit_code is
    'Đơn vị công bố (thư mục của tệp); danh mục áp dụng cho đơn vị đó và cấp dưới / publishing unit; applies to it and the units below';
comment on column core.dim_procedure.procedure_code is 'Mã TTHC trên Cơ sở dữ liệu quốc gia / national procedure code';
comment on column core.dim_procedure.procedure_name is 'Tên thủ tục / procedure name';
comment on column core.dim_procedure.field is 'Lĩnh vực / field';
comment on column core.dim_procedure.procedure_level is 'Cấp thực hiện / level that carries it out: commune, district or province';
comment on column core.dim_procedure.online_service is
    'Mức cung cấp DVC trực tuyến: full = toàn trình (trước NĐ 42/2022: mức độ 4), partial = một phần (mức độ 3), '
    'none = không (mức độ 2 trở xuống) / online service: full, partial or none';
comment on column core.dim_procedure.online_level_legacy is
    'Mức độ theo cách gọi trước Nghị định 42/2022/NĐ-CP: 4 toàn trình, 3 một phần, 2 không nộp trực tuyến '
    '/ the pre-2022 level: 4 full, 3 partial, 2 no online filing';
comment on column core.dim_procedure.processing_days is 'Thời hạn giải quyết (ngày); NULL: danh mục không ghi / processing time in days; NULL: not stated';
comment on column core.dim_procedure.file_id is 'Tệp gốc (raw.landing_file) / source file';
comment on column core.dim_procedure.line_number is 'Dòng trong tệp / line in the file';

-- Each unit valid on `on_day` with the first day of its identity: the day the 2025 reform formed it
-- (a lineage row starts it), else -infinity. Codes were reused across the reform, so data filed under a
-- code before that day belongs to another unit; a rename keeps the identity.
create function core.admin_unit_since(on_day date)
returns table (unit_code text, since date)
language sql stable as $$
    select
        d.unit_code,
        case
            when exists (
                select from core.admin_unit_lineage as l
                where l.new_code = d.unit_code and l.new_valid_from = d._valid_from
            ) then d._valid_from
            else '-infinity'::date
        end
    from core.dim_admin_unit as d
    where on_day between d._valid_from and d._valid_to
$$;

comment on function core.admin_unit_since(date) is
    'Ngày bắt đầu của từng đơn vị hiệu lực trong ngày: ngày sắp xếp 2025 lập ra đơn vị, nếu không thì -infinity '
    '/ first day of each unit''s identity: the day the 2025 reform formed it, else -infinity';

-- For each unit valid on `on_day`, the catalogue in force in `quarter`: the latest one up to that
-- quarter published by the nearest unit of its ancestry (itself, then its district, then its province),
-- and published since that unit exists (core.admin_unit_since).
create function core.procedure_catalogue_in_force(quarter text, on_day date)
returns table (unit_code text, catalogue_unit_code text, catalogue_quarter text)
language sql stable as $$
    with published as (
        select p.catalogue_unit_code, max(p.quarter) as catalogue_quarter
        from core.dim_procedure as p
        join core.dim_quarter as q on q.quarter = p.quarter
        join core.admin_unit_since(on_day) as publisher on publisher.unit_code = p.catalogue_unit_code
        where p.quarter <= procedure_catalogue_in_force.quarter
          and q.last_day >= publisher.since
        group by p.catalogue_unit_code
    ),

    candidates as (
        select
            a.unit_code,
            p.catalogue_unit_code,
            p.catalogue_quarter,
            row_number() over (
                partition by a.unit_code
                order by case d.unit_level when 'commune' then 1 when 'district' then 2 else 3 end
            ) as nearest
        from core.admin_unit_ancestry(on_day) as a
        join published as p on p.catalogue_unit_code = a.ancestor_code
        join core.dim_admin_unit as d
            on d.unit_code = a.ancestor_code and on_day between d._valid_from and d._valid_to
    )

    select c.unit_code, c.catalogue_unit_code, c.catalogue_quarter
    from candidates as c
    where c.nearest = 1
$$;

comment on function core.procedure_catalogue_in_force(text, date) is
    'Danh mục TTHC áp dụng cho từng đơn vị trong quý / the procedure catalogue in force for each unit in a quarter';

-- Catalogue and satisfaction columns of the indicator mart ----------------------------------------

alter table mart.unit_quarter_indicators
    add column procedures_catalogued     integer,
    add column procedures_online_full    integer,
    add column procedures_online_partial integer,
    add column procedures_online_share   numeric(6, 2),
    add column survey_responses          bigint,
    add column satisfied_share           numeric(6, 2);

-- Decision 766 scorecard ---------------------------------------------------------------------------

create table mart.scorecard_766 (
    quarter                     text not null,
    unit_code                   text not null,
    unit_name                   text not null,
    unit_level                  text not null,
    parent_code                 text,
    province_code               text not null,
    transparency_score          numeric(5, 2),
    progress_score              numeric(5, 2),
    online_full_eligible        bigint,
    online_full_received_online bigint,
    online_full_rate            numeric(6, 2),
    online_service_score        numeric(5, 2),
    online_payment_score        numeric(5, 2),
    overdue_share               numeric(6, 2),
    dissatisfied_share          numeric(6, 2),
    dossier_satisfaction_rate   numeric(6, 2),
    satisfaction_score          numeric(5, 2),
    digitisation_score          numeric(5, 2),
    points_covered              numeric(5, 2) not null,
    total_score                 numeric(5, 2),
    score_of_covered_percent    numeric(6, 2),
    complete                    boolean not null,
    band                        text check (band in ('xuất sắc', 'từ 50 đến dưới 90', 'yếu')),
    primary key (quarter, unit_code)
) partition by list (quarter);

comment on table mart.scorecard_766 is
    'Bộ chỉ số phục vụ người dân, doanh nghiệp theo Quyết định 766/QĐ-TTg, theo đơn vị và quý: điểm từng nhóm '
    'nơi số liệu cho phép, NULL (không phải 0) nơi không có số liệu / the Decision 766 service index per unit and '
    'quarter: each group''s points where the data allow, NULL (not 0) where there is no data';

-- Series comparable across the reform --------------------------------------------------------------

create table mart.unit_quarter_comparable (
    quarter                text not null,
    unit_code              text not null,
    unit_level             text not null,
    unit_name              text not null,
    unit_valid_from        date not null,
    unit_valid_to          date not null,
    province_code          text not null,
    basis                  text not null check (basis in ('reported', 'predecessors', 'successors')),
    derived                boolean not null,
    approximate            boolean not null,
    source_units           integer not null,
    source_units_reporting integer not null,
    source_codes           text[] not null,
    received               bigint,
    received_online        bigint,
    resolved               bigint,
    resolved_early         bigint,
    resolved_on_time       bigint,
    resolved_late          bigint,
    pending                bigint,
    pending_overdue        bigint,
    on_time_rate           numeric(6, 2),
    early_rate             numeric(6, 2),
    online_rate            numeric(6, 2),
    primary key (quarter, unit_level, unit_code, unit_valid_from),
    check (derived = (basis <> 'reported'))
) partition by list (quarter);

comment on table mart.unit_quarter_comparable is
    'Chuỗi số liệu so sánh được qua sắp xếp ĐVHC 01/07/2025: đơn vị sau sắp xếp ở các quý trước khi có, tính từ '
    'đơn vị tiền thân, và đơn vị trước sắp xếp ở các quý sau, tính từ đơn vị kế thừa (derived); approximate khi '
    'ranh giới không khớp. Số liệu xã tiền thân không gồm hồ sơ cấp huyện / series comparable across the '
    '01/07/2025 reform: post-reform units before they existed, from their predecessors, and pre-reform units '
    'after it, from their successors (derived), approximate where boundaries do not match; a commune''s '
    'predecessor figures exclude district desks';
comment on column mart.unit_quarter_comparable.quarter is 'Quý / quarter, e.g. 2024Q2';
comment on column mart.unit_quarter_comparable.unit_code is 'Mã ĐVHC của chuỗi / GSO code of the series'' unit';
comment on column mart.unit_quarter_comparable.unit_level is 'Cấp / level: province, district or commune';
comment on column mart.unit_quarter_comparable.unit_name is 'Tên đơn vị / unit name';
comment on column mart.unit_quarter_comparable.unit_valid_from is
    'Ngày đầu hiệu lực của đơn vị; cùng unit_code xác định đơn vị (mã được dùng lại qua sắp xếp) '
    '/ first day of the unit; with unit_code it names the unit, since codes are reused across the reform';
comment on column mart.unit_quarter_comparable.unit_valid_to is 'Ngày cuối hiệu lực; infinity: còn hiệu lực / last day; infinity: still valid';
comment on column mart.unit_quarter_comparable.province_code is 'Tỉnh của đơn vị trong thời gian hiệu lực của nó / province of the unit in its own time';
comment on column mart.unit_quarter_comparable.basis is
    'reported: số liệu của chính đơn vị; predecessors: cộng từ đơn vị tiền thân; successors: cộng từ đơn vị kế thừa '
    '/ reported: the unit''s own figures; predecessors: summed from the units it was formed from; successors: '
    'summed from the units that took it over';
comment on column mart.unit_quarter_comparable.derived is 'true: số liệu suy ra, không phải báo cáo / true: figures derived, not reported';
comment on column mart.unit_quarter_comparable.approximate is
    'true: ranh giới không khớp (đơn vị bị chia, hoặc đơn vị nguồn còn gồm lãnh thổ khác) hoặc có đơn vị nguồn không '
    'có số liệu / true: boundaries do not match (a split unit, or a source unit also covering other ground) or a '
    'source unit sent no data';
comment on column mart.unit_quarter_comparable.source_units is 'Số đơn vị nguồn / number of source units';
comment on column mart.unit_quarter_comparable.source_units_reporting is
    'Số đơn vị nguồn có tệp hồ sơ trong quý / source units with a dossiers export in the quarter';
comment on column mart.unit_quarter_comparable.source_codes is 'Mã các đơn vị nguồn / codes of the source units';
comment on column mart.unit_quarter_comparable.received is 'Tiếp nhận mới; NULL: không đơn vị nguồn nào có số liệu / received; NULL: no source unit has data';
comment on column mart.unit_quarter_comparable.received_online is 'Tiếp nhận trực tuyến / received online';
comment on column mart.unit_quarter_comparable.resolved is 'Đã giải quyết / resolved';
comment on column mart.unit_quarter_comparable.resolved_early is 'Trước hạn / resolved early';
comment on column mart.unit_quarter_comparable.resolved_on_time is 'Đúng hạn / resolved on time';
comment on column mart.unit_quarter_comparable.resolved_late is 'Quá hạn / resolved late';
comment on column mart.unit_quarter_comparable.pending is 'Đang giải quyết cuối quý / pending at the quarter end';
comment on column mart.unit_quarter_comparable.pending_overdue is 'Đang giải quyết quá hạn / pending and overdue';
comment on column mart.unit_quarter_comparable.on_time_rate is
    '100 x (trước hạn + đúng hạn) / đã giải quyết; NULL khi mẫu số 0 / on-time rate; NULL when resolved is 0';
comment on column mart.unit_quarter_comparable.early_rate is '100 x trước hạn / đã giải quyết; NULL khi mẫu số 0 / early rate';
comment on column mart.unit_quarter_comparable.online_rate is '100 x trực tuyến / tiếp nhận; NULL khi mẫu số 0 / online rate';

-- Column COMMENTs rendered from the registry (plugins/cchc/indicators.py) ----------------------

COMMENT ON COLUMN "mart"."unit_quarter_indicators"."procedures_catalogued" IS 'Số TTHC cấp của đơn vị trong danh mục / procedures of the unit''s level: procedures of the unit''s own level in the catalogue in force: the latest one up to the quarter published by the unit or the nearest unit above it (core.procedure_catalogue_in_force); NULL: no procedure catalogue of the unit or a unit above it is in force (no data, not zero)';
COMMENT ON COLUMN "mart"."unit_quarter_indicators"."procedures_online_full" IS 'TTHC cung cấp DVC trực tuyến toàn trình (mức độ 4) / procedures online in full (level 4): procedures_catalogued with online service toàn trình (mức độ 4 before Nghị định 42/2022/NĐ-CP); NULL: no procedure catalogue of the unit or a unit above it is in force (no data, not zero)';
COMMENT ON COLUMN "mart"."unit_quarter_indicators"."procedures_online_partial" IS 'TTHC cung cấp DVC trực tuyến một phần (mức độ 3) / procedures online in part (level 3): procedures_catalogued with online service một phần (mức độ 3 before Nghị định 42/2022/NĐ-CP); NULL: no procedure catalogue of the unit or a unit above it is in force (no data, not zero)';
COMMENT ON COLUMN "mart"."unit_quarter_indicators"."procedures_online_share" IS 'Tỷ lệ TTHC cung cấp DVC trực tuyến mức độ 3, 4 / share of procedures online at level 3/4: 100 x (procedures_online_full + procedures_online_partial) / procedures_catalogued, 2 decimals; NULL: no procedure catalogue of the unit or a unit above it is in force (no data, not zero), or procedures_catalogued is 0';
COMMENT ON COLUMN "mart"."unit_quarter_indicators"."survey_responses" IS 'Số phiếu khảo sát hài lòng / satisfaction survey responses: valid survey responses of the units in this subtree (the unit included) in the quarter; NULL: no unit in this subtree sent a surveys file for the quarter (no data, not zero)';
COMMENT ON COLUMN "mart"."unit_quarter_indicators"."satisfied_share" IS 'Tỷ lệ hài lòng / satisfied share: 100 x responses answering satisfied / survey_responses, 2 decimals; NULL: no unit in this subtree sent a surveys file for the quarter (no data, not zero), or survey_responses is 0';

COMMENT ON COLUMN "mart"."scorecard_766"."quarter" IS 'Quý dương lịch / calendar quarter: quarter of the refresh, e.g. 2024Q2 (partition key); NULL: never NULL';
COMMENT ON COLUMN "mart"."scorecard_766"."unit_code" IS 'Mã đơn vị hành chính / administrative unit code: GSO code as zero-padded text (province 2, district 3, commune 5 digits), valid on the quarter''s last day; NULL: never NULL';
COMMENT ON COLUMN "mart"."scorecard_766"."unit_name" IS 'Tên đơn vị hành chính / administrative unit name: name valid on the quarter''s last day; NULL: never NULL';
COMMENT ON COLUMN "mart"."scorecard_766"."unit_level" IS 'Cấp hành chính / administrative level: province, district or commune; NULL: never NULL';
COMMENT ON COLUMN "mart"."scorecard_766"."parent_code" IS 'Mã đơn vị cấp trên / parent unit code: unit directly above, valid on the quarter''s last day; NULL: the unit is a province (no parent)';
COMMENT ON COLUMN "mart"."scorecard_766"."province_code" IS 'Mã tỉnh / province code: province containing the unit (row-level security key); NULL: never NULL';
COMMENT ON COLUMN "mart"."scorecard_766"."transparency_score" IS 'Công khai, minh bạch / transparency (out of 18): procedures published and updated on time, with full content, dossiers synced to the national portal; NULL: none of the exports carries the data this group is scored on (no data, not zero)';
COMMENT ON COLUMN "mart"."scorecard_766"."progress_score" IS 'Tiến độ, kết quả giải quyết / progress of resolution (out of 20): progress_score_766 of mart.unit_quarter_indicators: 20 x (resolved early or on time + pending not overdue) / (resolved + pending), more than one supplement request counting as late; NULL: no unit in this subtree sent a dossiers export for the quarter (no data, not zero), or resolved + pending is 0';
COMMENT ON COLUMN "mart"."scorecard_766"."online_full_eligible" IS 'Hồ sơ của TTHC đủ điều kiện toàn trình / dossiers of procedures eligible for full online service: dossiers received in the quarter whose procedure is toàn trình in the catalogue in force for their unit; NULL: no unit in this subtree sent a dossiers export for the quarter (no data, not zero), or no procedure catalogue of the unit or a unit above it is in force (no data, not zero)';
COMMENT ON COLUMN "mart"."scorecard_766"."online_full_received_online" IS 'Hồ sơ DVC trực tuyến toàn trình / full-online dossiers: online_full_eligible received online (channel 2); NULL: no unit in this subtree sent a dossiers export for the quarter (no data, not zero), or no procedure catalogue of the unit or a unit above it is in force (no data, not zero)';
COMMENT ON COLUMN "mart"."scorecard_766"."online_full_rate" IS 'Tỷ lệ hồ sơ trực tuyến toàn trình / full-online dossier rate: 100 x online_full_received_online / online_full_eligible, 2 decimals; NULL: online_full_eligible is NULL or 0';
COMMENT ON COLUMN "mart"."scorecard_766"."online_service_score" IS 'Cung cấp dịch vụ trực tuyến / online service (out of 12): min(12, 12 x online_full_rate / 50): full points at 50% and above (the portal''s full-online dossier indicator; threshold as in the VPCP description of the online submission rate, its use here inferred); NULL: online_full_rate is NULL';
COMMENT ON COLUMN "mart"."scorecard_766"."online_payment_score" IS 'Thanh toán trực tuyến / online payment (out of 10): dossiers paid online / dossiers with fees, fee-bearing procedures on the portal; NULL: none of the exports carries the data this group is scored on (no data, not zero)';
COMMENT ON COLUMN "mart"."scorecard_766"."overdue_share" IS 'Tỷ lệ hồ sơ quá hạn / overdue share: 100 x (resolved_late + pending_overdue) / (resolved + pending), 2 decimals; NULL: no unit in this subtree sent a dossiers export for the quarter (no data, not zero), or resolved + pending is 0';
COMMENT ON COLUMN "mart"."scorecard_766"."dissatisfied_share" IS 'Tỷ lệ không hài lòng / dissatisfied share: 100 - satisfied_share of mart.unit_quarter_indicators (survey responses stand in for the portal''s ratings); NULL: no unit in this subtree sent a surveys file for the quarter (no data, not zero), or survey_responses is 0';
COMMENT ON COLUMN "mart"."scorecard_766"."dossier_satisfaction_rate" IS 'Tỷ lệ hài lòng trong tiếp nhận, giải quyết TTHC / satisfaction with dossier handling: max(0, 100 - (overdue_share + dissatisfied_share)), 2 decimals; NULL: overdue_share or dissatisfied_share is NULL';
COMMENT ON COLUMN "mart"."scorecard_766"."satisfaction_score" IS 'Mức độ hài lòng / satisfaction (out of 18): the dossier-handling part only (6 of 18 points): min(6, 6 x dossier_satisfaction_rate / 90); the two parts on complaints and petitions (PAKN) are not in the exports; NULL: dossier_satisfaction_rate is NULL';
COMMENT ON COLUMN "mart"."scorecard_766"."digitisation_score" IS 'Số hoá hồ sơ / digitisation (out of 22): electronic results, digitised dossiers, certified copies, reuse of data, population database links; NULL: none of the exports carries the data this group is scored on (no data, not zero)';
COMMENT ON COLUMN "mart"."scorecard_766"."points_covered" IS 'Số điểm có số liệu / points covered by data: sum of the maximum points of the groups (or, for satisfaction, the part) that have a score; NULL: never NULL (0 when nothing can be scored)';
COMMENT ON COLUMN "mart"."scorecard_766"."total_score" IS 'Tổng điểm / total score: sum of the group scores that are not NULL, out of points_covered; NULL: no group has a score';
COMMENT ON COLUMN "mart"."scorecard_766"."score_of_covered_percent" IS 'Tỷ lệ điểm trên phần có số liệu / score as a share of the points covered: 100 x total_score / points_covered, 2 decimals; NULL: points_covered is 0';
COMMENT ON COLUMN "mart"."scorecard_766"."complete" IS 'Đủ số liệu / complete: points_covered = 100: every group scored; NULL: never NULL';
COMMENT ON COLUMN "mart"."scorecard_766"."band" IS 'Xếp loại / band: xuất sắc from 90, yếu below 50, ''từ 50 đến dưới 90'' between, on total_score; NULL: the scorecard is not complete (a total over part of the groups is not banded)';
