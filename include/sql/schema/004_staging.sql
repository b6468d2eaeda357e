-- Typed one-stop dossiers from commune and district desks, partitioned by the export quarter.
create table staging.stg_one_stop__dossiers (
    quarter             text not null,
    file_id             bigint not null,
    line_number         integer not null,
    source_level        text not null,
    unit_code           text not null,
    dossier_id          text not null,
    procedure_code      text not null,
    field               text not null,
    channel             text not null check (channel in ('direct', 'online', 'postal')),
    received_at         timestamptz not null,
    due_at              timestamptz not null,
    resolved_at         timestamptz,
    returned_by_post    boolean,
    supplement_requests integer,
    primary key (quarter, file_id, line_number)
) partition by list (quarter);
