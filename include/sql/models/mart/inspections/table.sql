create table mart.inspections (
    quarter              text not null,
    province_code        text not null,
    unit_code            text not null,
    unit_name            text not null,
    unit_level           text not null,
    inspection_id        text not null,
    inspected_on         date not null,
    inspecting_body      text,
    source_unit_code     text not null,
    criterion            text not null,
    score_percent        numeric,
    findings             integer not null,
    finding              text,
    corrective_document  text,
    corrective_issued_on date,
    followed_up          boolean,
    primary key (quarter, unit_code, inspection_id, criterion)
) partition by list (quarter);
