-- Each unit's own desk counts for the quarter, kept so that the marts roll units up without counting the
-- dossiers again, and a late file recounts only the units it holds dossiers of.
create table core.int_unit_desk_counts (
    quarter                  text not null,
    unit_code                text not null,
    carried_over             bigint not null,
    received                 bigint not null,
    received_online          bigint not null,
    received_direct          bigint not null,
    received_postal          bigint not null,
    resolved                 bigint not null,
    resolved_early           bigint not null,
    resolved_on_time         bigint not null,
    resolved_late            bigint not null,
    pending                  bigint not null,
    pending_overdue          bigint not null,
    returned_by_post         bigint not null,
    resolved_with_supplement bigint not null,
    resolved_in_time_766     bigint not null,
    pending_in_time_766      bigint not null,
    primary key (quarter, unit_code)
) partition by list (quarter);
