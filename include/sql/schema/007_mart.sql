-- Percent with 2 decimals; NULL where the denominator is 0 (no dossiers is not a 0% rate).
create function mart.pct(numerator numeric, denominator numeric) returns numeric(6, 2)
language sql immutable as $$
    select case when denominator is null or denominator = 0 then null
                else round(100.0 * numerator / denominator, 2) end
$$;

create table mart.unit_quarter_indicators (
    quarter              text not null,
    unit_code            text not null,
    unit_name            text not null,
    unit_level           text not null,
    parent_code          text,
    province_code        text not null,
    reporting_units      integer not null,
    carried_over         bigint,
    received             bigint,
    received_online      bigint,
    received_direct      bigint,
    received_postal      bigint,
    resolved             bigint,
    resolved_early       bigint,
    resolved_on_time     bigint,
    resolved_late        bigint,
    pending              bigint,
    pending_overdue      bigint,
    on_time_rate         numeric(6, 2),
    early_rate           numeric(6, 2),
    online_rate          numeric(6, 2),
    progress_score_766   numeric(5, 2),
    primary key (quarter, unit_code)
) partition by list (quarter);

comment on table mart.unit_quarter_indicators is
    'Chỉ số một cửa theo đơn vị và quý (xã, huyện, tỉnh theo địa giới hiệu lực trong quý) / '
    'one-stop indicators per unit and calendar quarter, rolled up commune -> district -> province';
comment on column mart.unit_quarter_indicators.quarter is 'Quý dương lịch / calendar quarter, e.g. 2024Q2';
comment on column mart.unit_quarter_indicators.unit_code is 'Mã ĐVHC (GSO), chuỗi có số 0 đầu / GSO unit code as zero-padded text';
comment on column mart.unit_quarter_indicators.unit_level is 'Cấp / level: province, district or commune';
comment on column mart.unit_quarter_indicators.parent_code is 'Mã đơn vị cấp trên trong quý / parent unit valid in the quarter';
comment on column mart.unit_quarter_indicators.reporting_units is
    'Số đơn vị (kể cả chính nó) có tệp hồ sơ trong quý / units in this subtree that sent a dossiers export';
comment on column mart.unit_quarter_indicators.carried_over is 'Hồ sơ từ kỳ trước chuyển qua / pending at the quarter start';
comment on column mart.unit_quarter_indicators.received is 'Hồ sơ tiếp nhận mới trong quý / received in the quarter';
comment on column mart.unit_quarter_indicators.received_online is 'Tiếp nhận trực tuyến / received online';
comment on column mart.unit_quarter_indicators.received_direct is 'Tiếp nhận trực tiếp / received at the desk';
comment on column mart.unit_quarter_indicators.received_postal is 'Tiếp nhận qua BCCI / received by public postal service';
comment on column mart.unit_quarter_indicators.resolved is 'Đã giải quyết trong quý / resolved in the quarter';
comment on column mart.unit_quarter_indicators.resolved_early is 'Trước hạn: ngày có kết quả trước ngày hẹn trả / result date before the due date';
comment on column mart.unit_quarter_indicators.resolved_on_time is 'Đúng hạn: đúng ngày hẹn trả / result on the due date';
comment on column mart.unit_quarter_indicators.resolved_late is 'Quá hạn: sau ngày hẹn trả / result after the due date';
comment on column mart.unit_quarter_indicators.pending is 'Đang giải quyết cuối quý / pending at the quarter end';
comment on column mart.unit_quarter_indicators.pending_overdue is 'Đang giải quyết đã quá hạn cuối quý / pending and past the due date at the quarter end';
comment on column mart.unit_quarter_indicators.on_time_rate is '(trước hạn + đúng hạn) / đã giải quyết, %; NULL khi chưa giải quyết hồ sơ nào / (early + on time) / resolved, percent; NULL when nothing was resolved';
comment on column mart.unit_quarter_indicators.early_rate is 'trước hạn / đã giải quyết, %; NULL khi mẫu số 0 / early / resolved, percent; NULL when nothing was resolved';
comment on column mart.unit_quarter_indicators.online_rate is 'trực tuyến / tiếp nhận, %; NULL khi mẫu số 0 / online / received, percent; NULL when nothing was received';
comment on column mart.unit_quarter_indicators.progress_score_766 is
    'Điểm Tiến độ giải quyết theo QĐ 766/QĐ-TTg (tối đa 20) / Decision 766 progress score out of 20: '
    '20 x (resolved early or on time + pending in time) / (resolved + pending); more than one supplement request counts as late';
