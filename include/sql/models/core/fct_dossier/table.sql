-- One row per dossier per export quarter: the unit's state of the dossier as known at that quarter's end.
create table core.fct_dossier (
    quarter             text not null,
    unit_code           text not null,
    dossier_id          text not null,
    source_level        text not null,
    procedure_code      text not null,
    field               text not null,
    channel             text not null,
    received_at         timestamptz not null,
    due_at              timestamptz not null,
    resolved_at         timestamptz,
    received_on         date not null,
    due_on              date not null,
    resolved_on         date,
    resolution_status   text check (resolution_status in ('early', 'on_time', 'late')),
    returned_by_post    boolean,
    supplement_requests integer,
    file_id             bigint not null,
    line_number         integer not null,
    primary key (quarter, unit_code, dossier_id)
) partition by list (quarter);
