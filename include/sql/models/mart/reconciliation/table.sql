create table mart.reconciliation (
    quarter             text not null,
    province_code       text not null,
    check_name          text not null,
    unit_code           text not null,
    unit_level          text not null check (unit_level in ('province', 'district', 'commune')),
    scope               text not null check (scope in ('desk', 'subtree')),
    reporting_unit_code text,
    file_id             bigint,
    line_number         integer,
    period_start        date not null,
    period_end          date not null,
    measure             text not null,
    source_a            text not null,
    source_b            text not null,
    value_a             bigint,
    value_b             bigint,
    difference          bigint not null,
    tolerance           numeric(14, 2) not null check (tolerance >= 0),
    within_tolerance    boolean not null,
    detail              text not null,
    constraint reconciliation_check_name_check check (
        check_name in ('ii06a_vs_dossiers', 'ii06a_vs_unit_form', 'indicators_rollup', 'portal_statistics_vs_dossiers')
    ),
    unique nulls not distinct (quarter, check_name, unit_code, measure, file_id, line_number),
    check ((file_id is null) = (line_number is null)),
    check (within_tolerance = (abs(difference) <= tolerance))
) partition by list (quarter);
