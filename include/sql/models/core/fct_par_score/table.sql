create table core.fct_par_score (
    quarter          text not null,
    unit_code        text not null,
    year             integer not null,
    area             text not null,
    max_score        numeric not null,
    self_score       numeric not null,
    appraised_score  numeric,
    source_unit_code text not null,
    source_level     text not null,
    file_id          bigint not null,
    line_number      integer not null,
    primary key (quarter, unit_code, year, area)
) partition by list (quarter);
