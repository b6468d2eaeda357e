create table mart.unit_quarter_satisfaction (
    quarter             text not null,
    province_code       text not null,
    unit_code           text not null,
    unit_name           text not null,
    unit_level          text not null,
    responses           integer not null,
    satisfied_responses integer not null,
    satisfied_share     numeric(6, 2),
    mean_access         numeric(4, 2),
    mean_procedure      numeric(4, 2),
    mean_staff          numeric(4, 2),
    mean_result         numeric(4, 2),
    mean_feedback       numeric(4, 2),
    primary key (quarter, unit_code)
) partition by list (quarter);
