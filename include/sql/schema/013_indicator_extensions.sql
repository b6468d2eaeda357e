-- Further one-stop indicators of mart.unit_quarter_indicators (postal channels, the online target,
-- supplement requests, on-time rank within the parent unit). Columns added to the partitioned parent
-- reach every partition. The COMMENTs below, for every column of the mart, are rendered from the
-- registry in plugins/cchc/indicators.py (cchc.indicators.comment_statements); a unit test keeps
-- them equal, and `cchc docs` re-applies the registry to a running warehouse.

alter table mart.unit_quarter_indicators
    add column postal_submission_rate numeric(6, 2),
    add column returned_by_post       bigint,
    add column postal_return_rate     numeric(6, 2),
    add column online_target_percent  numeric(6, 2),
    add column meets_online_target    boolean,
    add column supplement_rate        numeric(6, 2),
    add column rank_on_time_in_parent integer;

COMMENT ON COLUMN "mart"."unit_quarter_indicators"."quarter" IS 'Quý dương lịch / calendar quarter: quarter of the refresh, e.g. 2024Q2 (partition key); NULL: never NULL';
COMMENT ON COLUMN "mart"."unit_quarter_indicators"."unit_code" IS 'Mã đơn vị hành chính / administrative unit code: GSO code as zero-padded text (province 2, district 3, commune 5 digits), valid on the quarter''s last day; NULL: never NULL';
COMMENT ON COLUMN "mart"."unit_quarter_indicators"."unit_name" IS 'Tên đơn vị hành chính / administrative unit name: name valid on the quarter''s last day; NULL: never NULL';
COMMENT ON COLUMN "mart"."unit_quarter_indicators"."unit_level" IS 'Cấp hành chính / administrative level: province, district or commune; NULL: never NULL';
COMMENT ON COLUMN "mart"."unit_quarter_indicators"."parent_code" IS 'Mã đơn vị cấp trên / parent unit code: unit directly above, valid on the quarter''s last day; NULL: the unit is a province (no parent)';
COMMENT ON COLUMN "mart"."unit_quarter_indicators"."province_code" IS 'Mã tỉnh / province code: province containing the unit (row-level security key); NULL: never NULL';
COMMENT ON COLUMN "mart"."unit_quarter_indicators"."reporting_units" IS 'Số đơn vị có tệp hồ sơ / reporting units: units in this subtree (the unit included) with a loaded dossiers export for the quarter; NULL: never NULL (0 when no unit reported)';
COMMENT ON COLUMN "mart"."unit_quarter_indicators"."carried_over" IS 'Hồ sơ từ kỳ trước chuyển qua / carried over: dossiers received before the quarter and not resolved before its first day; NULL: no unit in this subtree sent a dossiers export for the quarter (no data, not zero)';
COMMENT ON COLUMN "mart"."unit_quarter_indicators"."received" IS 'Hồ sơ tiếp nhận mới / received: dossiers received in the quarter (local calendar day); NULL: no unit in this subtree sent a dossiers export for the quarter (no data, not zero)';
COMMENT ON COLUMN "mart"."unit_quarter_indicators"."received_online" IS 'Tiếp nhận trực tuyến / received online: received with channel online (code 2); NULL: no unit in this subtree sent a dossiers export for the quarter (no data, not zero)';
COMMENT ON COLUMN "mart"."unit_quarter_indicators"."received_direct" IS 'Tiếp nhận trực tiếp / received at the desk: received with channel direct (code 1 or empty); NULL: no unit in this subtree sent a dossiers export for the quarter (no data, not zero)';
COMMENT ON COLUMN "mart"."unit_quarter_indicators"."received_postal" IS 'Tiếp nhận qua bưu chính công ích / received by public postal service: received with channel postal (code 3); NULL: no unit in this subtree sent a dossiers export for the quarter (no data, not zero)';
COMMENT ON COLUMN "mart"."unit_quarter_indicators"."resolved" IS 'Đã giải quyết / resolved: dossiers with a result date in the quarter; NULL: no unit in this subtree sent a dossiers export for the quarter (no data, not zero)';
COMMENT ON COLUMN "mart"."unit_quarter_indicators"."resolved_early" IS 'Giải quyết trước hạn / resolved early: resolved, result date before the due date; NULL: no unit in this subtree sent a dossiers export for the quarter (no data, not zero)';
COMMENT ON COLUMN "mart"."unit_quarter_indicators"."resolved_on_time" IS 'Giải quyết đúng hạn / resolved on time: resolved, result date on the due date; NULL: no unit in this subtree sent a dossiers export for the quarter (no data, not zero)';
COMMENT ON COLUMN "mart"."unit_quarter_indicators"."resolved_late" IS 'Giải quyết quá hạn / resolved late: resolved, result date after the due date; NULL: no unit in this subtree sent a dossiers export for the quarter (no data, not zero)';
COMMENT ON COLUMN "mart"."unit_quarter_indicators"."pending" IS 'Đang giải quyết cuối quý / pending at quarter end: received by the quarter''s last day and without a result by then; NULL: no unit in this subtree sent a dossiers export for the quarter (no data, not zero)';
COMMENT ON COLUMN "mart"."unit_quarter_indicators"."pending_overdue" IS 'Đang giải quyết quá hạn / pending and overdue: pending with a due date on or before the quarter''s last day; NULL: no unit in this subtree sent a dossiers export for the quarter (no data, not zero)';
COMMENT ON COLUMN "mart"."unit_quarter_indicators"."on_time_rate" IS 'Tỷ lệ giải quyết đúng hạn / on-time rate: 100 x (resolved_early + resolved_on_time) / resolved, 2 decimals; NULL: no unit in this subtree sent a dossiers export for the quarter (no data, not zero), or resolved is 0';
COMMENT ON COLUMN "mart"."unit_quarter_indicators"."early_rate" IS 'Tỷ lệ giải quyết trước hạn / early rate: 100 x resolved_early / resolved, 2 decimals; NULL: no unit in this subtree sent a dossiers export for the quarter (no data, not zero), or resolved is 0';
COMMENT ON COLUMN "mart"."unit_quarter_indicators"."online_rate" IS 'Tỷ lệ hồ sơ trực tuyến / online submission rate: 100 x received_online / received, 2 decimals; NULL: no unit in this subtree sent a dossiers export for the quarter (no data, not zero), or received is 0';
COMMENT ON COLUMN "mart"."unit_quarter_indicators"."progress_score_766" IS 'Điểm tiến độ giải quyết (tối đa 20) / Decision 766 progress score (out of 20): 20 x (resolved early or on time + pending not overdue) / (resolved + pending), a dossier with more than one supplement request counting as late; 2 decimals; NULL: no unit in this subtree sent a dossiers export for the quarter (no data, not zero), or resolved + pending is 0';
COMMENT ON COLUMN "mart"."unit_quarter_indicators"."postal_submission_rate" IS 'Tỷ lệ hồ sơ nộp qua bưu chính công ích / postal submission rate: 100 x received_postal / received, 2 decimals; NULL: no unit in this subtree sent a dossiers export for the quarter (no data, not zero), or received is 0';
COMMENT ON COLUMN "mart"."unit_quarter_indicators"."returned_by_post" IS 'Hồ sơ trả kết quả qua bưu chính công ích / results returned by post: resolved dossiers whose result was returned by public postal service (Trả kết quả qua BCCI = Có); NULL: no unit in this subtree sent a dossiers export for the quarter (no data, not zero)';
COMMENT ON COLUMN "mart"."unit_quarter_indicators"."postal_return_rate" IS 'Tỷ lệ trả kết quả qua bưu chính công ích / postal return rate: 100 x returned_by_post / resolved, 2 decimals; NULL: no unit in this subtree sent a dossiers export for the quarter (no data, not zero), or resolved is 0';
COMMENT ON COLUMN "mart"."unit_quarter_indicators"."online_target_percent" IS 'Chỉ tiêu tỷ lệ hồ sơ trực tuyến / online submission target: provincial target used in the refresh: $CCHC_ONLINE_TARGET, default 40; NULL: never NULL';
COMMENT ON COLUMN "mart"."unit_quarter_indicators"."meets_online_target" IS 'Đạt chỉ tiêu trực tuyến / meets the online target: online_rate >= online_target_percent; NULL: online_rate is NULL';
COMMENT ON COLUMN "mart"."unit_quarter_indicators"."supplement_rate" IS 'Tỷ lệ hồ sơ phải bổ sung / supplement request rate: 100 x resolved dossiers with at least one supplement request / resolved, 2 decimals; NULL: no unit in this subtree sent a dossiers export for the quarter (no data, not zero), or resolved is 0';
COMMENT ON COLUMN "mart"."unit_quarter_indicators"."rank_on_time_in_parent" IS 'Xếp hạng tỷ lệ đúng hạn trong đơn vị cấp trên / on-time rank within the parent: dense_rank of on_time_rate, highest first, among units of the same level and parent in the quarter (1 = best; provinces ranked among the provinces in the quarter); NULL: on_time_rate is NULL';
