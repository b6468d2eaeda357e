create table mart.par_index (
    quarter                  text not null,
    province_code            text not null,
    unit_code                text not null,
    unit_name                text not null,
    unit_level               text not null,
    year                     integer not null,
    area                     text not null,
    max_score                numeric not null,
    self_score               numeric not null,
    appraised_score          numeric,
    appraised_minus_self     numeric,
    previous_appraised_score numeric,
    appraised_change         numeric,
    primary key (quarter, unit_code, year, area)
) partition by list (quarter);
