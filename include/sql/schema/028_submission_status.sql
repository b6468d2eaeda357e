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
