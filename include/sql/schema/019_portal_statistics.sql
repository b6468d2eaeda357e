-- The portal's own counts of each unit's quarter, as the side file `dossiers.statistics.json` that
-- `cchc fetch-portal` writes beside the dossiers it served, and the reconciliation check comparing
-- them with the dossiers counted from the files (portal_statistics_vs_dossiers). The reconcile step
-- replaces a quarter's partition with the side files it finds, like every quarter-scoped table.

create table raw.portal_statistics (
    quarter           text not null,
    unit_level        text not null check (unit_level in ('province', 'district', 'commune')),
    unit_code         text not null,
    path              text not null,
    checksum          text not null,
    dossiers_checksum text not null,
    fetched_at        timestamptz not null,
    carried_over      integer not null check (carried_over >= 0),
    received          integer not null check (received >= 0),
    received_online   integer not null check (received_online >= 0),
    received_direct   integer not null check (received_direct >= 0),
    received_postal   integer not null check (received_postal >= 0),
    resolved          integer not null check (resolved >= 0),
    resolved_early    integer not null check (resolved_early >= 0),
    resolved_on_time  integer not null check (resolved_on_time >= 0),
    resolved_late     integer not null check (resolved_late >= 0),
    pending           integer not null check (pending >= 0),
    pending_overdue   integer not null check (pending_overdue >= 0),
    returned_by_post  integer not null check (returned_by_post >= 0),
    primary key (quarter, unit_level, unit_code)
) partition by list (quarter);

comment on table raw.portal_statistics is
    'Số liệu thống kê do cổng DVC tự báo cho từng đơn vị và quý (tệp dossiers.statistics.json cạnh tệp hồ sơ) '
    '/ the portal''s own counts per unit and quarter, from the side file dossiers.statistics.json beside the '
    'dossiers it served, as the last reconciliation of the quarter read them';
comment on column raw.portal_statistics.path is
    'Đường dẫn tệp trong vùng tiếp nhận / path of the side file in the landing zone';
comment on column raw.portal_statistics.checksum is 'SHA-256 của tệp / SHA-256 of the side file';
comment on column raw.portal_statistics.dossiers_checksum is
    'SHA-256 của tệp hồ sơ được tải cùng / SHA-256 of the dossiers.json fetched with these counts';
comment on column raw.portal_statistics.fetched_at is
    'Thời điểm tải số liệu này từ cổng / when these counts were fetched (a re-fetch giving the same counts keeps it)';
