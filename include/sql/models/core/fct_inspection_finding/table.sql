-- One row per row of an inspection report: a criterion score, or a finding with its corrective letter.
-- A report may list several findings under one criterion, so the source row is the key.
create table core.fct_inspection_finding (
    quarter              text not null,
    inspection_id        text not null,
    unit_code            text not null,
    inspected_on         date not null,
    inspecting_body      text,
    criterion            text not null,
    score_percent        numeric,
    finding              text,
    corrective_document  text,
    corrective_issued_on date,
    followed_up          boolean,
    source_unit_code     text not null,
    source_level         text not null,
    file_id              bigint not null,
    line_number          integer not null,
    primary key (quarter, file_id, line_number)
) partition by list (quarter);
