-- Every landing file ever received, one row per distinct content (path + checksum).
create table raw.landing_file (
    file_id     bigint generated always as identity primary key,
    path        text not null,
    checksum    text not null,
    size_bytes  bigint not null,
    unit_level  text not null check (unit_level in ('province', 'district', 'commune')),
    unit_code   text not null,
    quarter     text not null,
    dataset     text not null,
    file_format text not null,
    encoding    text,
    delimiter   text,
    rows_read   integer,
    status      text not null check (status in ('loaded', 'rejected')),
    reason      text,
    is_current  boolean not null default true,
    received_at timestamptz not null default now(),
    unique (path, checksum)
);
create index landing_file_current on raw.landing_file (quarter, dataset) where is_current;

-- Dossier rows as received: text as in the file (NFC), keyed by file and physical line number.
create table raw.dossiers (
    file_id             bigint not null references raw.landing_file (file_id),
    line_number         integer not null,
    dossier_id          text,
    unit_code           text,
    procedure_code      text,
    field               text,
    channel             text,
    received_at         text,
    due_at              text,
    resolved_at         text,
    returned_by_post    text,
    supplement_requests text,
    primary key (file_id, line_number)
);
