-- Each unit's own desk counts of Biểu II.06a over the quarter's reporting period, kept so that the mart
-- rolls units up without deduplicating the dossiers again, and a late file recounts only its units.
create table core.int_unit_desk_ii06a (
    quarter                text not null,
    unit_code              text not null,
    received_online        bigint not null,
    received_direct_postal bigint not null,
    received_carried_over  bigint not null,
    resolved_early         bigint not null,
    resolved_on_time       bigint not null,
    resolved_late          bigint not null,
    pending_in_time        bigint not null,
    pending_overdue        bigint not null,
    primary key (quarter, unit_code)
) partition by list (quarter);
