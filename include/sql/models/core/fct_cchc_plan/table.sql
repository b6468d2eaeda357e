create table core.fct_cchc_plan (
    quarter             text not null,
    unit_code           text not null,
    plan_year           integer not null,
    plan_id             text not null,
    title               text not null,
    issued_on           date not null,
    deadline            date not null,
    issued_late         boolean not null,
    budget_published    boolean,
    budget_published_on date,
    source_level        text not null,
    file_id             bigint not null,
    line_number         integer not null,
    primary key (quarter, unit_code, plan_year, plan_id)
) partition by list (quarter);
