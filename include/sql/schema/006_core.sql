-- Administrative units keyed by code AND validity: codes are reused across the 2025 reform.
create table core.dim_admin_unit (
    admin_unit_key bigint generated always as identity primary key,
    unit_code      text not null check (unit_code ~ '^[0-9]{2}([0-9]|[0-9]{3})?$'),
    unit_level     text not null check (unit_level in ('province', 'district', 'commune')),
    unit_name      text not null,
    parent_code    text,
    province_code  text not null,
    _valid_from    date not null default '-infinity',
    _valid_to      date not null default 'infinity',
    unique (unit_code, _valid_from),
    check (_valid_from <= _valid_to)
);
create index dim_admin_unit_validity on core.dim_admin_unit (_valid_from, _valid_to);

-- Calendar-day classification of a resolved dossier (Asia/Ho_Chi_Minh): the one place the rule lives.
create function core.resolution_status(due_on date, resolved_on date) returns text
language sql immutable as $$
    select case
        when resolved_on is null then null
        when resolved_on < due_on then 'early'
        when resolved_on = due_on then 'on_time'
        else 'late'
    end
$$;

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
