-- Each catalogue a unit published, one row per procedure, partitioned by the quarter of the file. A
-- catalogue stays in force for its unit and the units below it until that unit publishes a newer one
-- (core.procedure_catalogue_in_force), so the history of online levels is kept.
create table core.dim_procedure (
    quarter             text not null,
    catalogue_unit_code text not null,
    procedure_code      text not null,
    procedure_name      text not null,
    field               text not null,
    procedure_level     text not null check (procedure_level in ('commune', 'district', 'province')),
    online_service      text not null check (online_service in ('full', 'partial', 'none')),
    online_level_legacy smallint not null check (online_level_legacy between 2 and 4),
    processing_days     integer,
    file_id             bigint not null,
    line_number         integer not null,
    primary key (quarter, catalogue_unit_code, procedure_code)
) partition by list (quarter);
