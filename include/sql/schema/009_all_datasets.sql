-- Every dataset of the landing contract gets a raw table (text as received) and a typed staging
-- table partitioned by quarter; file-level facts a reader finds (e.g. the period an II.06a form
-- states for itself) are kept with the file.
alter table raw.landing_file add column source_meta jsonb;

create table raw.one_stop_report (
    file_id bigint not null references raw.landing_file (file_id),
    line_number integer not null,
    row_label text, unit_code text,
    received_total text, received_online text, received_direct_postal text, received_carried_over text,
    resolved_total text, resolved_early text, resolved_on_time text, resolved_late text,
    pending_total text, pending_in_time text, pending_overdue text,
    primary key (file_id, line_number)
);

create table raw.surveys (
    file_id bigint not null references raw.landing_file (file_id),
    line_number integer not null,
    response_id text, unit_code text, surveyed_on text, procedure_code text,
    score_access text, score_procedure text, score_staff text, score_result text, score_feedback text,
    satisfied text,
    primary key (file_id, line_number)
);

create table raw.inspections (
    file_id bigint not null references raw.landing_file (file_id),
    line_number integer not null,
    inspection_id text, unit_code text, inspected_on text, inspecting_body text, criterion text,
    score_percent text, finding text, corrective_document text, corrective_issued_on text, followed_up text,
    primary key (file_id, line_number)
);

create table raw.plans (
    file_id bigint not null references raw.landing_file (file_id),
    line_number integer not null,
    plan_id text, unit_code text, plan_year text, title text, issued_on text, deadline text,
    budget_published text, budget_published_on text,
    primary key (file_id, line_number)
);

create table raw.procedures (
    file_id bigint not null references raw.landing_file (file_id),
    line_number integer not null,
    procedure_code text, procedure_name text, field text, level text, online_level text, processing_days text,
    primary key (file_id, line_number)
);

create table raw.par_index (
    file_id bigint not null references raw.landing_file (file_id),
    line_number integer not null,
    unit_code text, year text, area text, max_score text, self_score text, appraised_score text,
    primary key (file_id, line_number)
);

-- Biểu II.06a rows as units reported them (columns 3-13 of the form).
create table staging.stg_one_stop__ii06a_rows (
    quarter text not null, file_id bigint not null, line_number integer not null, source_level text not null,
    row_label text not null, unit_code text,
    received_total integer, received_online integer, received_direct_postal integer, received_carried_over integer,
    resolved_total integer, resolved_early integer, resolved_on_time integer, resolved_late integer,
    pending_total integer, pending_in_time integer, pending_overdue integer,
    primary key (quarter, file_id, line_number)
) partition by list (quarter);

create table staging.stg_sipas__survey_responses (
    quarter text not null, file_id bigint not null, line_number integer not null, source_level text not null,
    response_id text not null, unit_code text not null, surveyed_on date not null, procedure_code text,
    score_access numeric, score_procedure numeric, score_staff numeric, score_result numeric, score_feedback numeric,
    satisfied boolean not null,
    primary key (quarter, file_id, line_number)
) partition by list (quarter);

create table staging.stg_inspection__findings (
    quarter text not null, file_id bigint not null, line_number integer not null, source_level text not null,
    inspection_id text not null, unit_code text, inspected_on date not null, inspecting_body text,
    criterion text not null, score_percent numeric, finding text, corrective_document text,
    corrective_issued_on date, followed_up boolean,
    primary key (quarter, file_id, line_number)
) partition by list (quarter);

create table staging.stg_cchc__plans (
    quarter text not null, file_id bigint not null, line_number integer not null, source_level text not null,
    plan_id text not null, unit_code text not null, plan_year integer not null, title text not null,
    issued_on date not null, deadline date not null, budget_published boolean, budget_published_on date,
    primary key (quarter, file_id, line_number)
) partition by list (quarter);

create table staging.stg_tthc__procedures (
    quarter text not null, file_id bigint not null, line_number integer not null, source_level text not null,
    procedure_code text not null, procedure_name text not null, field text not null, level text not null,
    online_level text not null, processing_days integer,
    primary key (quarter, file_id, line_number)
) partition by list (quarter);

create table staging.stg_par_index__scores (
    quarter text not null, file_id bigint not null, line_number integer not null, source_level text not null,
    unit_code text not null, year integer not null, area text not null, max_score numeric not null,
    self_score numeric not null, appraised_score numeric,
    primary key (quarter, file_id, line_number)
) partition by list (quarter);
