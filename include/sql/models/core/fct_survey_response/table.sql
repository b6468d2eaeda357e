create table core.fct_survey_response (
    quarter         text not null,
    unit_code       text not null,
    response_id     text not null,
    surveyed_on     date not null,
    procedure_code  text,
    score_access    numeric,
    score_procedure numeric,
    score_staff     numeric,
    score_result    numeric,
    score_feedback  numeric,
    satisfied       boolean not null,
    source_level    text not null,
    file_id         bigint not null,
    line_number     integer not null,
    primary key (quarter, unit_code, response_id)
) partition by list (quarter);
