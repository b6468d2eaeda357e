-- Biểu II.06a rebuilt from dossiers for every unit, over the Decree 09/2019 period of the quarter, so a
-- form can be compiled for any unit whether or not it sent one (mart.one_stop_report_ii06a holds the
-- forms that were sent, beside the same figures rebuilt).
create table mart.unit_quarter_ii06a (
    quarter                text not null,
    province_code          text not null,
    unit_code              text not null,
    unit_name              text not null,
    unit_level             text not null,
    parent_code            text,
    scope                  text not null check (scope in ('desk', 'subtree')),
    period_start           date not null,
    period_end             date not null,
    reporting_units        integer not null,
    received_total         integer,
    received_online        integer,
    received_direct_postal integer,
    received_carried_over  integer,
    resolved_total         integer,
    resolved_early         integer,
    resolved_on_time       integer,
    resolved_late          integer,
    pending_total          integer,
    pending_in_time        integer,
    pending_overdue        integer,
    primary key (quarter, unit_code, scope)
) partition by list (quarter);
