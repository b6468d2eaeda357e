-- Rejected rows: where they came from, every check they failed, and their values as received.
create table quarantine.rejected_row (
    quarter     text not null,
    dataset     text not null,
    file_id     bigint not null,
    line_number integer not null,
    checks      text[] not null,
    reasons     text[] not null,
    raw_values  jsonb not null,
    primary key (quarter, dataset, file_id, line_number)
) partition by list (quarter);
