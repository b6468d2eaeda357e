-- Who has sent what for a quarter, for the staff who chase late units (docs/design.md, Submissions).
-- A file's arrival is its modification time in the landing zone, kept when it is registered.

alter table raw.landing_file add column modified_at timestamptz;
comment on column raw.landing_file.modified_at is
    'Thời điểm tệp được ghi vào vùng tiếp nhận (thời gian sửa đổi của tệp) / when the file was written into the '
    'landing zone (its modification time); NULL for versions registered before it was kept';

-- Which units owe which regular report each quarter, and over which period it counts.
create table core.submission_expectation (
    dataset    text not null,
    unit_level text not null check (unit_level in ('province', 'district', 'commune')),
    period     text not null check (period in ('calendar_quarter', 'report_period')),
    primary key (dataset, unit_level)
);
insert into core.submission_expectation (dataset, unit_level, period) values
    ('dossiers', 'commune', 'calendar_quarter'),
    ('dossiers', 'district', 'calendar_quarter'),
    ('one_stop_report', 'district', 'report_period'),
    ('one_stop_report', 'province', 'report_period');

comment on table core.submission_expectation is
    'Báo cáo định kỳ mỗi cấp phải gửi hằng quý / the regular exports each level owes every quarter: every '
    'commune and district desk its dossiers, every district and the province its Biểu II.06a';
comment on column core.submission_expectation.period is
    'calendar_quarter: số liệu đến hết ngày cuối quý / figures through the quarter''s last day; report_period: '
    'kỳ chốt số liệu theo Nghị định 09/2019/NĐ-CP (đến ngày 14 tháng cuối quý) / the Decree 09/2019 period, '
    'through the 14th of the quarter''s last month';

create table mart.submission_status (
    quarter         text not null,
    province_code   text not null,
    unit_code       text not null,
    unit_name       text not null,
    unit_level      text not null,
    parent_code     text,
    dataset         text not null,
    expected        boolean not null,
    period_end      date not null,
    due_on          date not null,
    path            text,
    received_at     timestamptz,
    versions        integer not null,
    file_status     text check (file_status in ('loaded', 'rejected', 'not_loaded_yet')),
    data_rows       integer,
    submission      text not null check (submission in ('on_time', 'late', 'rejected', 'missing', 'not_due')),
    submission_vi   text not null,
    as_of           timestamptz not null,
    primary key (quarter, unit_code, dataset)
);

comment on table mart.submission_status is
    'Tình hình gửi báo cáo của các đơn vị theo quý / which unit has sent which export for a quarter, on time or '
    'late, and who has not: written by each refresh and by each submission check, as of its time';
comment on column mart.submission_status.quarter is 'Quý / quarter, e.g. 2024Q2';
comment on column mart.submission_status.province_code is
    'Mã tỉnh (địa giới ngày cuối quý) / province of the unit on the quarter''s last day';
comment on column mart.submission_status.unit_code is 'Mã ĐVHC / GSO code of the unit';
comment on column mart.submission_status.unit_name is 'Tên đơn vị / unit name on the quarter''s last day';
comment on column mart.submission_status.unit_level is 'Cấp / level: province, district or commune';
comment on column mart.submission_status.parent_code is 'Mã đơn vị cấp trên / parent unit; NULL: a province';
comment on column mart.submission_status.dataset is 'Loại dữ liệu / dataset: dossiers, one_stop_report, …';
comment on column mart.submission_status.expected is
    'Đơn vị phải gửi loại dữ liệu này (core.submission_expectation) / the unit owes this export every quarter';
comment on column mart.submission_status.period_end is
    'Ngày cuối kỳ số liệu: cuối quý, hoặc ngày 14 tháng cuối quý với Biểu II.06a (Nghị định 09/2019/NĐ-CP) '
    '/ last day the figures cover: the quarter''s end, or the 14th of its last month for Biểu II.06a (Decree 09/2019)';
comment on column mart.submission_status.due_on is
    'Hạn gửi: ngày cuối kỳ + CCHC_SUBMISSION_GRACE_DAYS (mặc định 5) / due date: period_end plus '
    'CCHC_SUBMISSION_GRACE_DAYS (default 5), the time the province''s reporting rules allow';
comment on column mart.submission_status.path is
    'Tệp trong vùng tiếp nhận; NULL: chưa gửi / the file in the landing zone; NULL: nothing sent';
comment on column mart.submission_status.received_at is
    'Lần gửi đầu tiên (thời gian ghi tệp, phiên bản sớm nhất); NULL: chưa gửi / first arrival: the modification '
    'time of the earliest version (its registration time where that was not kept); NULL: nothing sent';
comment on column mart.submission_status.versions is
    'Số phiên bản tệp đã nhận cho quý / versions of the file received for the quarter (0: none)';
comment on column mart.submission_status.file_status is
    'loaded: đã nạp / loaded; rejected: tệp không đọc được / the file was refused; not_loaded_yet: có trong vùng '
    'tiếp nhận nhưng chưa nạp / in the landing zone, not loaded yet; NULL: nothing sent';
comment on column mart.submission_status.data_rows is
    'Số dòng dữ liệu của phiên bản đã nạp / data rows of the loaded version (summary rows excluded); NULL: not loaded';
comment on column mart.submission_status.submission is
    'on_time: gửi đến hạn / sent by the due date; late: gửi sau hạn / sent after it; rejected: tệp gửi bị từ chối, '
    'cần gửi lại / the file sent was refused and must be sent again; missing: quá hạn chưa gửi / due and not sent; '
    'not_due: chưa gửi, chưa đến hạn / not sent, not due yet';
comment on column mart.submission_status.submission_vi is
    'Tình trạng bằng tiếng Việt / the status in Vietnamese: đúng hạn, trễ hạn, bị từ chối, chưa gửi (quá hạn), chưa đến hạn';
comment on column mart.submission_status.as_of is
    'Thời điểm đánh giá / when the status was taken (the refresh or the check that wrote it)';
