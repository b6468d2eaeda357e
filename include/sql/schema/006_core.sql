-- The core layer's reference dimension. The facts of schema core are models (include/sql/models/core),
-- created and rebuilt from their folders, not by migrations.

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
