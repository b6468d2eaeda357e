-- What real one-stop exports carry (docs/design.md, Landing contract): more dossier columns (the
-- receiving unit's and procedure's names, the field code, the return date, the status), the precision
-- of each date-time (a value without a time of day is a calendar day), rows a reader skipped (summary
-- rows at the end of a list) and the file-level warnings of each file version.

alter table raw.dossiers
    add column unit_name text,
    add column procedure_name text,
    add column field_code text,
    add column returned_at text,
    add column status text;

alter table staging.stg_one_stop__dossiers
    add column unit_name text,
    add column procedure_name text,
    add column field_code text,
    add column returned_at timestamptz,
    add column status text,
    add column status_class text check (status_class in ('resolved', 'pending', 'stopped', 'not_received')),
    add column received_at_has_time boolean,
    add column due_at_has_time boolean,
    add column resolved_at_has_time boolean,
    add column returned_at_has_time boolean;

comment on column staging.stg_one_stop__dossiers.received_at_has_time is
    'Ngày tiếp nhận có giờ / the received value carries a time of day; false: a calendar day (written '
    'without a time, or at 00:00), compared with other dates by its day';
comment on column staging.stg_one_stop__dossiers.due_at_has_time is
    'Ngày hẹn trả có giờ / the due value carries a time of day; false: a calendar day';
comment on column staging.stg_one_stop__dossiers.resolved_at_has_time is
    'Ngày có kết quả có giờ / the result value carries a time of day; false: a calendar day';
comment on column staging.stg_one_stop__dossiers.returned_at_has_time is
    'Ngày trả kết quả có giờ / the return value carries a time of day; false: a calendar day';
comment on column staging.stg_one_stop__dossiers.status is
    'Trạng thái hồ sơ như trong tệp / the status as the export wrote it (a word, or the portal''s code 1-10)';
comment on column staging.stg_one_stop__dossiers.status_class is
    'Nhóm trạng thái / what the status says: resolved, pending, stopped (withdrawn, refused) or not_received';

alter table raw.landing_file
    add column rows_skipped integer not null default 0,
    add column warnings text[] not null default '{}';

comment on column raw.landing_file.rows_read is
    'Số dòng dữ liệu đọc được (kể cả dòng tổng bị bỏ qua) / records read below the header, skipped ones included';
comment on column raw.landing_file.rows_skipped is
    'Số dòng bị bỏ qua / records read but not loaded: summary rows (Tổng cộng) at the end of a list';
comment on column raw.landing_file.warnings is
    'Cảnh báo cấp tệp / file-level warnings: columns no reader maps, a column read in place of a missing '
    'one, title rows and summary rows skipped, a stated count that differs from the rows';

alter table audit.file_load
    add column rows_skipped integer,
    add column warnings text[];
