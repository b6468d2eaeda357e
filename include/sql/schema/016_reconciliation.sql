-- Reconciliation of the quarter's figures across sources and levels (cchc.quality.reconciliation):
-- the II.06a forms against the dossier exports they should have been counted from, a form's row for a
-- unit against that unit's own form, and the indicator mart's roll-up against its parts. One row per
-- quarter, check, form row (if any), unit and measure; value_a is the figure checked, value_b what it
-- should equal, difference = value_a - value_b. Differences are recorded, never fatal.

create table mart.reconciliation (
    quarter             text not null,
    province_code       text not null,
    check_name          text not null
        check (check_name in ('ii06a_vs_dossiers', 'ii06a_vs_unit_form', 'indicators_rollup')),
    unit_code           text not null,
    unit_level          text not null check (unit_level in ('province', 'district', 'commune')),
    scope               text not null check (scope in ('desk', 'subtree')),
    reporting_unit_code text,
    file_id             bigint,
    line_number         integer,
    period_start        date not null,
    period_end          date not null,
    measure             text not null,
    source_a            text not null,
    source_b            text not null,
    value_a             bigint,
    value_b             bigint,
    difference          bigint not null,
    tolerance           numeric(14, 2) not null check (tolerance >= 0),
    within_tolerance    boolean not null,
    detail              text not null,
    unique nulls not distinct (quarter, check_name, unit_code, measure, file_id, line_number),
    check ((file_id is null) = (line_number is null)),
    check (within_tolerance = (abs(difference) <= tolerance))
) partition by list (quarter);

comment on table mart.reconciliation is
    'Đối chiếu số liệu theo đơn vị và quý: Biểu II.06a với tệp hồ sơ, dòng của một đơn vị trên biểu cấp trên với '
    'biểu của chính đơn vị đó, và chỉ số cấp huyện, tỉnh với tổng các phần; mỗi kiểm tra, đơn vị, chỉ tiêu một dòng, '
    'chênh lệch được ghi lại, không làm dừng lần làm mới / reconciliation per unit and quarter: II.06a forms against '
    'the dossier exports, a unit''s row on a higher form against the unit''s own form, and district and province '
    'indicators against the sum of their parts; one row per check, unit and measure; differences are recorded, '
    'they do not stop the refresh';
comment on column mart.reconciliation.quarter is 'Quý của lần làm mới / quarter of the refresh, e.g. 2024Q2 (partition key)';
comment on column mart.reconciliation.province_code is
    'Mã tỉnh của đơn vị (khoá phân quyền theo dòng) / province of the unit (row-level security key)';
comment on column mart.reconciliation.check_name is
    'Kiểm tra: ii06a_vs_dossiers = số báo cáo trên Biểu II.06a so với số tính lại từ tệp hồ sơ trong kỳ của biểu; '
    'ii06a_vs_unit_form = dòng của một đơn vị trên biểu cấp trên so với tổng các dòng biểu của chính đơn vị đó; '
    'indicators_rollup = chỉ số của huyện, tỉnh trong mart.unit_quarter_indicators so với bộ phận một cửa của chính '
    'nó cộng các đơn vị trực thuộc / check: ii06a_vs_dossiers = a II.06a figure as reported against the figure '
    'rebuilt from the dossier exports over the form''s period; ii06a_vs_unit_form = a unit''s row on a higher '
    'unit''s form against the sum of the rows of the unit''s own form; indicators_rollup = a district''s or '
    'province''s figure in mart.unit_quarter_indicators against its own desk plus the units directly under it';
comment on column mart.reconciliation.unit_code is 'Mã ĐVHC mà số liệu nói về / GSO code of the unit the figures are about';
comment on column mart.reconciliation.unit_level is 'Cấp của đơn vị / level of the unit: province, district or commune';
comment on column mart.reconciliation.scope is
    'desk: riêng bộ phận một cửa của đơn vị; subtree: đơn vị và mọi đơn vị trực thuộc '
    '/ desk: the unit''s own one-stop desk; subtree: the unit and every unit under it';
comment on column mart.reconciliation.reporting_unit_code is
    'Đơn vị đã báo cáo value_a (đơn vị gửi biểu); NULL: value_a do kho dữ liệu tính '
    '/ unit that reported value_a (the unit that sent the form); NULL: value_a is computed by the warehouse';
comment on column mart.reconciliation.file_id is
    'Tệp biểu chứa value_a (raw.landing_file); NULL: không phải số trên biểu / file of the form holding value_a; '
    'NULL: value_a is not a form figure';
comment on column mart.reconciliation.line_number is
    'Dòng của value_a trong tệp biểu; NULL: không phải số trên biểu / line of value_a in the form file; '
    'NULL: value_a is not a form figure';
comment on column mart.reconciliation.period_start is
    'Ngày đầu kỳ so sánh (kỳ ghi trên biểu, hoặc quý dương lịch) / first day of the period compared (the form''s '
    'stated period, or the calendar quarter)';
comment on column mart.reconciliation.period_end is
    'Ngày cuối kỳ so sánh / last day of the period compared';
comment on column mart.reconciliation.measure is
    'Chỉ tiêu so sánh: cột của Biểu II.06a (received_total, received_online, ..., pending_overdue) hoặc cột của '
    'mart.unit_quarter_indicators (received, resolved, ...) / measure compared: a II.06a column (received_total, '
    'received_online, ..., pending_overdue) or a column of mart.unit_quarter_indicators (received, resolved, ...)';
comment on column mart.reconciliation.source_a is 'Nguồn của value_a / where value_a comes from';
comment on column mart.reconciliation.source_b is 'Nguồn của value_b / where value_b comes from';
comment on column mart.reconciliation.value_a is
    'Số được kiểm tra; NULL: ô để trống trên biểu, tính là 0 khi so sánh '
    '/ the figure checked; NULL: a blank cell on the form, taken as 0 in the comparison';
comment on column mart.reconciliation.value_b is
    'Số đối chiếu, mà value_a phải bằng; NULL: các ô tương ứng đều để trống, tính là 0 '
    '/ the figure value_a should equal; NULL: the cells it sums are all blank, taken as 0';
comment on column mart.reconciliation.difference is
    'Chênh lệch = value_a - value_b (ô trống tính là 0) / difference = value_a - value_b (a blank cell counting 0)';
comment on column mart.reconciliation.tolerance is
    'Mức chênh lệch cho phép = max(CCHC_RECONCILE_TOLERANCE_ABS, CCHC_RECONCILE_TOLERANCE_PERCENT x |value_b| / 100); '
    'luôn 0 với indicators_rollup (phép cộng của chính kho dữ liệu) / allowed |difference| = '
    'max(CCHC_RECONCILE_TOLERANCE_ABS, CCHC_RECONCILE_TOLERANCE_PERCENT x |value_b| / 100); always 0 for '
    'indicators_rollup (the warehouse''s own arithmetic)';
comment on column mart.reconciliation.within_tolerance is
    'true: |chênh lệch| <= mức cho phép / true: |difference| <= tolerance';
comment on column mart.reconciliation.detail is
    'Diễn giải cho người đọc, tiếng Việt / tiếng Anh / human-readable explanation, Vietnamese / English';
