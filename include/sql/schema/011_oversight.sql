-- Facts and marts of the oversight datasets (surveys, inspections, CCHC plans, PAR index). Like the
-- dossier facts they are partitioned by the quarter whose landing files reported them, so a refresh
-- replaces one quarter of each in one transaction. Every mart carries the province of its unit
-- (core.dim_admin_unit valid on the quarter's last day) for row-level security by province.

-- Facts ---------------------------------------------------------------------------------------------

create table core.fct_survey_response (
    quarter         text not null,
    unit_code       text not null,
    response_id     text not null,
    surveyed_on     date not null,
    procedure_code  text,
    score_access    numeric,
    score_procedure numeric,
    score_staff     numeric,
    score_result    numeric,
    score_feedback  numeric,
    satisfied       boolean not null,
    source_level    text not null,
    file_id         bigint not null,
    line_number     integer not null,
    primary key (quarter, unit_code, response_id)
) partition by list (quarter);

comment on table core.fct_survey_response is
    'Phiếu khảo sát mức độ hài lòng (SIPAS), mỗi phiếu một dòng, theo quý của tệp gửi lên '
    '/ one row per satisfaction survey response (SIPAS factors), by the quarter of the file that reported it';

-- One row per row of an inspection report: a criterion score, or a finding with its corrective letter.
-- A report may list several findings under one criterion, so the source row is the key.
create table core.fct_inspection_finding (
    quarter              text not null,
    inspection_id        text not null,
    unit_code            text not null,
    inspected_on         date not null,
    inspecting_body      text,
    criterion            text not null,
    score_percent        numeric,
    finding              text,
    corrective_document  text,
    corrective_issued_on date,
    followed_up          boolean,
    source_unit_code     text not null,
    source_level         text not null,
    file_id              bigint not null,
    line_number          integer not null,
    primary key (quarter, file_id, line_number)
) partition by list (quarter);

comment on table core.fct_inspection_finding is
    'Kết quả kiểm tra CCHC: điểm tiêu chí (vd. Chỉ thị 29-CT/TU) hoặc tồn tại kèm văn bản chấn chỉnh, mỗi dòng báo cáo một dòng '
    '/ CCHC inspection results: a criterion score or a finding with its corrective letter, one row per report row';
comment on column core.fct_inspection_finding.unit_code is
    'Đơn vị được kiểm tra; dòng không ghi mã là về chính đơn vị gửi tệp '
    '/ inspected unit; a row without a unit code is about the unit whose folder holds the file';
comment on column core.fct_inspection_finding.source_unit_code is
    'Đơn vị gửi báo cáo kiểm tra (thường là đoàn kiểm tra cấp huyện hoặc tỉnh) / unit whose folder holds the report';

create table core.fct_cchc_plan (
    quarter             text not null,
    unit_code           text not null,
    plan_year           integer not null,
    plan_id             text not null,
    title               text not null,
    issued_on           date not null,
    deadline            date not null,
    issued_late         boolean not null,
    budget_published    boolean,
    budget_published_on date,
    source_level        text not null,
    file_id             bigint not null,
    line_number         integer not null,
    primary key (quarter, unit_code, plan_year, plan_id)
) partition by list (quarter);

comment on table core.fct_cchc_plan is
    'Kế hoạch CCHC của đơn vị theo năm, với hạn ban hành và việc công khai ngân sách '
    '/ a unit''s yearly CCHC plan with its deadline and whether the budget was published';
comment on column core.fct_cchc_plan.issued_late is
    'Ban hành trễ: ngày ban hành sau hạn / issued after the deadline (issued_on > deadline)';
comment on column core.fct_cchc_plan.budget_published is
    'Đã công khai ngân sách; có ngày công khai mà không ghi Có/Không thì coi là đã công khai; NULL: không báo cáo '
    '/ budget published on the unit''s website; a publication date alone counts as published; NULL: not reported';

create table core.fct_par_score (
    quarter          text not null,
    unit_code        text not null,
    year             integer not null,
    area             text not null,
    max_score        numeric not null,
    self_score       numeric not null,
    appraised_score  numeric,
    source_unit_code text not null,
    source_level     text not null,
    file_id          bigint not null,
    line_number      integer not null,
    primary key (quarter, unit_code, year, area)
) partition by list (quarter);

comment on table core.fct_par_score is
    'Chỉ số CCHC (PAR INDEX) theo lĩnh vực: điểm tối đa, tự đánh giá, thẩm định '
    '/ PAR INDEX by area: maximum, self-assessed and appraised points';
comment on column core.fct_par_score.source_unit_code is
    'Đơn vị gửi tệp (cấp thẩm định: huyện chấm cho xã, tỉnh chấm cho huyện) / unit whose folder holds the file (the appraiser)';

-- Marts ---------------------------------------------------------------------------------------------

create table mart.inspections (
    quarter              text not null,
    province_code        text not null,
    unit_code            text not null,
    unit_name            text not null,
    unit_level           text not null,
    inspection_id        text not null,
    inspected_on         date not null,
    inspecting_body      text,
    source_unit_code     text not null,
    criterion            text not null,
    score_percent        numeric,
    findings             integer not null,
    finding              text,
    corrective_document  text,
    corrective_issued_on date,
    followed_up          boolean,
    primary key (quarter, unit_code, inspection_id, criterion)
) partition by list (quarter);

comment on table mart.inspections is
    'Kết quả kiểm tra CCHC, mỗi đơn vị, đợt kiểm tra và tiêu chí một dòng, theo quý của báo cáo '
    '/ CCHC inspections, one row per inspected unit, inspection and criterion, by the quarter of the report';
comment on column mart.inspections.quarter is 'Quý của tệp báo cáo kiểm tra / quarter of the inspection report file, e.g. 2022Q1';
comment on column mart.inspections.province_code is
    'Mã tỉnh của đơn vị được kiểm tra (địa giới ngày cuối quý) / province of the inspected unit on the quarter''s last day';
comment on column mart.inspections.unit_code is 'Mã ĐVHC được kiểm tra / GSO code of the inspected unit';
comment on column mart.inspections.unit_name is 'Tên đơn vị được kiểm tra / name of the inspected unit';
comment on column mart.inspections.unit_level is 'Cấp / level: province, district or commune';
comment on column mart.inspections.inspection_id is 'Mã đợt kiểm tra / inspection identifier as reported';
comment on column mart.inspections.inspected_on is 'Ngày kiểm tra (sớm nhất nếu nhiều dòng) / inspection date (earliest of its rows)';
comment on column mart.inspections.inspecting_body is 'Đoàn, cơ quan kiểm tra; NULL: không ghi / inspecting team or body; NULL: not stated';
comment on column mart.inspections.source_unit_code is 'Đơn vị gửi báo cáo kiểm tra / unit that sent the inspection report';
comment on column mart.inspections.criterion is 'Tiêu chí, nội dung kiểm tra / criterion or subject inspected';
comment on column mart.inspections.score_percent is
    'Kết quả tiêu chí, % (dòng đầu tiên có điểm); NULL: tiêu chí không chấm điểm '
    '/ criterion score in percent (first row scoring it); NULL: the criterion was not scored';
comment on column mart.inspections.findings is
    'Số tồn tại, hạn chế ghi nhận ở tiêu chí; 0: không có / number of findings (shortcomings) under the criterion; 0: none';
comment on column mart.inspections.finding is
    'Các tồn tại, hạn chế, nối bằng "; "; NULL: không có tồn tại / findings joined by "; "; NULL: no shortcoming recorded';
comment on column mart.inspections.corrective_document is
    'Văn bản chấn chỉnh (vd. 389/UBND-HC), nối bằng "; " nếu nhiều; NULL: không có văn bản '
    '/ corrective letter(s), e.g. 389/UBND-HC, joined by "; "; NULL: no corrective letter';
comment on column mart.inspections.corrective_issued_on is
    'Ngày ban hành văn bản chấn chỉnh (sớm nhất); NULL: không có văn bản hoặc không ghi ngày '
    '/ date of the corrective letter (earliest); NULL: no letter or no date given';
comment on column mart.inspections.followed_up is
    'Đã khắc phục tồn tại: true khi mọi dòng có tồn tại hoặc văn bản báo đã khắc phục, false khi có dòng chưa; '
    'NULL: không có tồn tại, văn bản, hoặc không báo cáo / findings acted on: true when every row with a finding or '
    'letter says so, false when any says not; NULL: no finding or letter, or not reported';

create table mart.plan_compliance (
    quarter                 text not null,
    province_code           text not null,
    unit_code               text not null,
    unit_name               text not null,
    unit_level              text not null,
    plan_year               integer not null,
    plan_id                 text not null,
    issued_on               date not null,
    deadline                date not null,
    issued_late             boolean not null,
    days_late               integer not null,
    budget_published        boolean,
    budget_published_on     date,
    corrective_letters      integer not null,
    corrective_documents    text,
    letters_not_followed_up integer not null,
    letters_followed_up     boolean,
    primary key (quarter, unit_code, plan_year)
) partition by list (quarter);

comment on table mart.plan_compliance is
    'Tuân thủ kế hoạch CCHC: mỗi đơn vị và năm kế hoạch báo cáo trong quý một dòng, kèm văn bản chấn chỉnh gửi đơn vị trong quý '
    '/ CCHC plan compliance: one row per unit and plan year reported in the quarter, with the corrective letters '
    'sent to the unit in the quarter';
comment on column mart.plan_compliance.quarter is 'Quý của tệp kế hoạch / quarter of the plans file, e.g. 2022Q1';
comment on column mart.plan_compliance.province_code is 'Mã tỉnh (địa giới ngày cuối quý) / province on the quarter''s last day';
comment on column mart.plan_compliance.unit_code is 'Mã ĐVHC ban hành kế hoạch / GSO code of the unit issuing the plan';
comment on column mart.plan_compliance.unit_name is 'Tên đơn vị / unit name';
comment on column mart.plan_compliance.unit_level is 'Cấp / level: province, district or commune';
comment on column mart.plan_compliance.plan_year is 'Năm kế hoạch / plan year';
comment on column mart.plan_compliance.plan_id is
    'Số kế hoạch; nếu năm có nhiều kế hoạch, lấy kế hoạch ban hành sớm nhất / plan number; of several, the first issued';
comment on column mart.plan_compliance.issued_on is 'Ngày ban hành / date the plan was issued';
comment on column mart.plan_compliance.deadline is 'Hạn ban hành do cấp trên giao / deadline set by the superior';
comment on column mart.plan_compliance.issued_late is 'Ban hành trễ: issued_on > deadline / issued after the deadline';
comment on column mart.plan_compliance.days_late is
    'Số ngày trễ = issued_on - deadline; 0 khi đúng hạn / calendar days after the deadline; 0 when on time';
comment on column mart.plan_compliance.budget_published is
    'Đã công khai ngân sách trên Trang TTĐT; NULL: đơn vị không báo cáo / budget published on the website; NULL: not reported';
comment on column mart.plan_compliance.budget_published_on is
    'Ngày công khai ngân sách; NULL: chưa công khai hoặc không ghi ngày / publication date; NULL: not published or no date';
comment on column mart.plan_compliance.corrective_letters is
    'Số văn bản chấn chỉnh gửi đơn vị có ngày ban hành trong quý (theo mọi báo cáo kiểm tra); 0: không có '
    '/ corrective letters to the unit dated in the quarter (from every inspection report); 0: none';
comment on column mart.plan_compliance.corrective_documents is
    'Số hiệu và ngày các văn bản, vd. "389/UBND-HC (2022-03-25)"; NULL: không có văn bản '
    '/ the letters with their dates, e.g. "389/UBND-HC (2022-03-25)"; NULL: no letter';
comment on column mart.plan_compliance.letters_not_followed_up is
    'Số văn bản được báo cáo là chưa khắc phục (theo báo cáo mới nhất về văn bản) '
    '/ letters reported as not acted on (latest report on each letter)';
comment on column mart.plan_compliance.letters_followed_up is
    'Đã khắc phục: true khi mọi văn bản có báo cáo đều đã khắc phục, false khi có văn bản chưa; NULL: không có văn bản '
    'hoặc chưa báo cáo / true when every letter reported on was acted on, false when any was not; NULL: no letter, '
    'or none reported on';

create table mart.par_index (
    quarter                  text not null,
    province_code            text not null,
    unit_code                text not null,
    unit_name                text not null,
    unit_level               text not null,
    year                     integer not null,
    area                     text not null,
    max_score                numeric not null,
    self_score               numeric not null,
    appraised_score          numeric,
    appraised_minus_self     numeric,
    previous_appraised_score numeric,
    appraised_change         numeric,
    primary key (quarter, unit_code, year, area)
) partition by list (quarter);

comment on table mart.par_index is
    'Chỉ số CCHC (PAR INDEX) theo đơn vị, năm và lĩnh vực, so với năm trước; tổng điểm xem mart.par_index_totals '
    '/ PAR INDEX per unit, year and area, with the change from the previous year; totals in mart.par_index_totals';
comment on column mart.par_index.quarter is 'Quý của tệp chỉ số (thường quý IV) / quarter of the index file (usually Q4)';
comment on column mart.par_index.province_code is 'Mã tỉnh (địa giới ngày cuối quý) / province on the quarter''s last day';
comment on column mart.par_index.unit_code is 'Mã ĐVHC được chấm điểm / GSO code of the unit scored';
comment on column mart.par_index.unit_name is 'Tên đơn vị / unit name';
comment on column mart.par_index.unit_level is 'Cấp / level: province, district or commune';
comment on column mart.par_index.year is 'Năm đánh giá / year assessed';
comment on column mart.par_index.area is 'Lĩnh vực, tiêu chí của bộ chỉ số / area of the index';
comment on column mart.par_index.max_score is 'Điểm tối đa / maximum points';
comment on column mart.par_index.self_score is 'Điểm tự đánh giá / self-assessed points';
comment on column mart.par_index.appraised_score is 'Điểm thẩm định; NULL: chưa thẩm định / appraised points; NULL: not appraised yet';
comment on column mart.par_index.appraised_minus_self is
    'Thẩm định - tự đánh giá (âm: bị trừ điểm); NULL: chưa thẩm định '
    '/ appraised minus self-assessed (negative: points taken off); NULL: not appraised';
comment on column mart.par_index.previous_appraised_score is
    'Điểm thẩm định cùng đơn vị, cùng lĩnh vực năm trước (quý gần nhất có số liệu); NULL: không có, hoặc đơn vị được '
    'sắp xếp lại năm 2025 giữa hai kỳ / the same unit''s appraised points for the same area the year before (latest '
    'quarter holding them); NULL: none, or the unit was re-formed by the 2025 reform in between';
comment on column mart.par_index.appraised_change is
    'Thay đổi so với năm trước = appraised_score - previous_appraised_score; NULL khi một trong hai NULL (vd. năm đầu) '
    '/ change from the previous year; NULL when either is NULL (e.g. the first year)';

-- Totals are a view over the areas, so the mart keeps one grain and a total is never summed twice.
-- security_invoker: the view reads mart.par_index with the reader's rights, so row-level security by
-- province on the table applies through it too.
create view mart.par_index_totals with (security_invoker = true) as
with totals as (
    select
        quarter, province_code, unit_code, unit_name, unit_level, year,
        count(*) as areas,
        sum(max_score) as max_score,
        sum(self_score) as self_score,
        case when count(appraised_score) = count(*) then sum(appraised_score) end as appraised_score,
        case when count(appraised_change) = count(*) then sum(appraised_change) end as appraised_change
    from mart.par_index
    group by quarter, province_code, unit_code, unit_name, unit_level, year
),

final as (
    select
        quarter, province_code, unit_code, unit_name, unit_level, year, areas,
        max_score, self_score, appraised_score,
        appraised_score - self_score as appraised_minus_self,
        appraised_change
    from totals
)

select * from final;

comment on view mart.par_index_totals is
    'Tổng điểm Chỉ số CCHC theo đơn vị và năm (cộng các lĩnh vực của mart.par_index) '
    '/ PAR INDEX totals per unit and year, summed over the areas of mart.par_index';
comment on column mart.par_index_totals.quarter is 'Quý của tệp chỉ số / quarter of the index file';
comment on column mart.par_index_totals.province_code is 'Mã tỉnh (địa giới ngày cuối quý) / province on the quarter''s last day';
comment on column mart.par_index_totals.unit_code is 'Mã ĐVHC được chấm điểm / GSO code of the unit scored';
comment on column mart.par_index_totals.unit_name is 'Tên đơn vị / unit name';
comment on column mart.par_index_totals.unit_level is 'Cấp / level: province, district or commune';
comment on column mart.par_index_totals.year is 'Năm đánh giá / year assessed';
comment on column mart.par_index_totals.areas is 'Số lĩnh vực / number of areas';
comment on column mart.par_index_totals.max_score is 'Tổng điểm tối đa / total maximum points';
comment on column mart.par_index_totals.self_score is 'Tổng điểm tự đánh giá / total self-assessed points';
comment on column mart.par_index_totals.appraised_score is
    'Tổng điểm thẩm định; NULL khi có lĩnh vực chưa thẩm định / total appraised points; NULL when any area is not appraised';
comment on column mart.par_index_totals.appraised_minus_self is
    'Thẩm định - tự đánh giá; NULL khi chưa đủ thẩm định / appraised minus self-assessed; NULL when not fully appraised';
comment on column mart.par_index_totals.appraised_change is
    'Thay đổi tổng điểm thẩm định so với năm trước = tổng thay đổi các lĩnh vực; NULL trừ khi mọi lĩnh vực đều có '
    '/ change of the appraised total from the previous year = sum of the areas'' changes; NULL unless every area has one';

create table mart.unit_quarter_satisfaction (
    quarter             text not null,
    province_code       text not null,
    unit_code           text not null,
    unit_name           text not null,
    unit_level          text not null,
    responses           integer not null,
    satisfied_responses integer not null,
    satisfied_share     numeric(6, 2),
    mean_access         numeric(4, 2),
    mean_procedure      numeric(4, 2),
    mean_staff          numeric(4, 2),
    mean_result         numeric(4, 2),
    mean_feedback       numeric(4, 2),
    primary key (quarter, unit_code)
) partition by list (quarter);

comment on table mart.unit_quarter_satisfaction is
    'Mức độ hài lòng (SIPAS) theo đơn vị và quý: chỉ đơn vị có tệp khảo sát trong quý; không có tệp thì không có dòng '
    '/ satisfaction (SIPAS) per unit and quarter: only units that sent a surveys file for the quarter; no file, no row';
comment on column mart.unit_quarter_satisfaction.quarter is 'Quý của tệp khảo sát / quarter of the surveys file, e.g. 2024Q2';
comment on column mart.unit_quarter_satisfaction.province_code is 'Mã tỉnh (địa giới ngày cuối quý) / province on the quarter''s last day';
comment on column mart.unit_quarter_satisfaction.unit_code is 'Mã ĐVHC nơi khảo sát / GSO code of the surveyed desk';
comment on column mart.unit_quarter_satisfaction.unit_name is 'Tên đơn vị / unit name';
comment on column mart.unit_quarter_satisfaction.unit_level is 'Cấp / level: province, district or commune';
comment on column mart.unit_quarter_satisfaction.responses is
    'Số phiếu hợp lệ; 0: tệp không có phiếu hợp lệ / valid responses; 0: the file held no valid response';
comment on column mart.unit_quarter_satisfaction.satisfied_responses is 'Số phiếu hài lòng / responses answering satisfied';
comment on column mart.unit_quarter_satisfaction.satisfied_share is
    'Tỷ lệ hài lòng = satisfied_responses / responses, %, 2 chữ số thập phân; NULL khi không có phiếu '
    '/ satisfied share in percent, 2 decimals; NULL when there are no responses (not 0%)';
comment on column mart.unit_quarter_satisfaction.mean_access is
    'Điểm trung bình yếu tố Tiếp cận dịch vụ (thang của phiếu, 1-5); NULL: không phiếu nào chấm '
    '/ mean score for access to the service (the form''s 1-5 scale); NULL: no response scored it';
comment on column mart.unit_quarter_satisfaction.mean_procedure is
    'Điểm trung bình yếu tố Thủ tục hành chính; NULL: không phiếu nào chấm / mean score for the procedure; NULL: none scored it';
comment on column mart.unit_quarter_satisfaction.mean_staff is
    'Điểm trung bình yếu tố Công chức giải quyết; NULL: không phiếu nào chấm / mean score for the civil servants; NULL: none scored it';
comment on column mart.unit_quarter_satisfaction.mean_result is
    'Điểm trung bình yếu tố Kết quả giải quyết; NULL: không phiếu nào chấm / mean score for the result; NULL: none scored it';
comment on column mart.unit_quarter_satisfaction.mean_feedback is
    'Điểm trung bình yếu tố Tiếp nhận, xử lý góp ý, chỉ trên phiếu có chấm (nhiều người bỏ trống); NULL: không phiếu nào chấm '
    '/ mean score for feedback handling over the responses that scored it (many leave it blank); NULL: none scored it';
