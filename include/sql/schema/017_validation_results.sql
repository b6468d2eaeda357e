-- What every run's expectation suites found, per dataset and per expectation, beside the files it read:
-- with audit.pipeline_run, task_run and file_load this answers "why did this unit's figure change?"
-- from the warehouse alone.

alter table audit.file_load
    add column duration_ms integer,
    add column read_outcome text check (read_outcome in ('loaded', 'unchanged', 'rejected'));

comment on column audit.file_load.duration_ms is
    'Thời gian đọc tệp vào raw (ms) / time spent reading the file into raw, in milliseconds (only the checksum when unchanged)';
comment on column audit.file_load.read_outcome is
    'Kết quả đọc tệp / what reading the file did in this run: loaded (new or changed), unchanged (same SHA-256 as the current version), rejected';

-- One row per dataset validated in a run: the suite's verdict and Great Expectations' own result document
-- (unexpected values cut to a sample, row ids replaced by file:line), from which Data Docs are rendered.
create table audit.validation_suite_result (
    run_id       text not null references audit.pipeline_run (run_id),
    dataset      text not null,
    quarter      text not null,
    suite        text not null,
    validated_at timestamptz not null,
    success      boolean not null,
    row_count    integer not null,
    evaluated    integer not null,
    unsuccessful integer not null,
    document     jsonb not null,
    primary key (run_id, dataset)
);

comment on table audit.validation_suite_result is
    'Kết quả bộ kiểm tra dữ liệu mỗi lần chạy / one expectation suite run per dataset and pipeline run, with the Great Expectations result document';

-- One row per expectation of the suite, with the files its unexpected rows came from.
create table audit.validation_result (
    run_id           text not null,
    dataset          text not null,
    position         smallint not null,
    quarter          text not null,
    suite            text not null,
    check_name       text not null,
    severity         text not null check (severity in ('error', 'warning')),
    reason           text not null,
    success          boolean not null,
    element_count    integer,
    unexpected_count integer not null,
    file_ids         bigint[] not null default '{}',
    files            jsonb not null default '[]',
    primary key (run_id, dataset, position),
    foreign key (run_id, dataset) references audit.validation_suite_result (run_id, dataset) on delete cascade
);
create index validation_result_quarter on audit.validation_result (quarter, dataset);
create index validation_result_file_ids on audit.validation_result using gin (file_ids);

comment on table audit.validation_result is
    'Kết quả từng kỳ vọng / one row per expectation per dataset and run: severity error quarantines rows, warning only reports them';
comment on column audit.validation_result.position is 'Thứ tự trong bộ kiểm tra / position of the expectation in its suite (from 1)';
comment on column audit.validation_result.check_name is 'Tên kiểm tra / expectation type and columns, e.g. expect_column_values_to_not_be_null(received_at)';
comment on column audit.validation_result.reason is 'Lý do / the meta.reason of the expectation, as quarantine.rejected_row reports it';
comment on column audit.validation_result.element_count is 'Số dòng được kiểm tra / rows the expectation evaluated';
comment on column audit.validation_result.unexpected_count is 'Số dòng không đạt / rows that failed the expectation';
comment on column audit.validation_result.file_ids is 'Các tệp có dòng không đạt / raw.landing_file ids of the files the failing rows came from';
comment on column audit.validation_result.files is
    'Theo tệp / per file: [{file_id, path, unexpected_count, lines (the first few line numbers)}]';
