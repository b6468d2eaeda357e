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

alter table mart.reconciliation
    drop constraint reconciliation_check_name_check,
    add constraint reconciliation_check_name_check check (
        check_name in ('ii06a_vs_dossiers', 'ii06a_vs_unit_form', 'indicators_rollup', 'portal_statistics_vs_dossiers')
    );

comment on table mart.reconciliation is
    'Đối chiếu số liệu theo đơn vị và quý: Biểu II.06a với tệp hồ sơ, dòng của một đơn vị trên biểu cấp trên với '
    'biểu của chính đơn vị đó, chỉ số cấp huyện, tỉnh với tổng các phần, và thống kê của cổng DVC với hồ sơ cổng '
    'cung cấp; mỗi kiểm tra, đơn vị, chỉ tiêu một dòng, chênh lệch được ghi lại, không làm dừng lần làm mới '
    '/ reconciliation per unit and quarter: II.06a forms against the dossier exports, a unit''s row on a higher form '
    'against the unit''s own form, district and province indicators against the sum of their parts, and the '
    'portal''s statistics against the dossiers it served; one row per check, unit and measure; differences are '
    'recorded, they do not stop the refresh';
comment on column mart.reconciliation.check_name is
    'Kiểm tra: ii06a_vs_dossiers = số báo cáo trên Biểu II.06a so với số tính lại từ tệp hồ sơ trong kỳ của biểu; '
    'ii06a_vs_unit_form = dòng của một đơn vị trên biểu cấp trên so với tổng các dòng biểu của chính đơn vị đó; '
    'indicators_rollup = chỉ số của huyện, tỉnh trong mart.unit_quarter_indicators so với bộ phận một cửa của chính '
    'nó cộng các đơn vị trực thuộc; portal_statistics_vs_dossiers = số thống kê cổng DVC báo cho một đơn vị so với '
    'số đếm từ hồ sơ của đơn vị trong core.fct_dossier / check: ii06a_vs_dossiers = a II.06a figure as reported '
    'against the figure rebuilt from the dossier exports over the form''s period; ii06a_vs_unit_form = a unit''s '
    'row on a higher unit''s form against the sum of the rows of the unit''s own form; indicators_rollup = a '
    'district''s or province''s figure in mart.unit_quarter_indicators against its own desk plus the units directly '
    'under it; portal_statistics_vs_dossiers = a count in the portal''s statistics for a unit against the same '
    'count of the unit''s dossiers in core.fct_dossier';
comment on column mart.reconciliation.reporting_unit_code is
    'Đơn vị đã báo cáo value_a (đơn vị gửi biểu); NULL: value_a do kho dữ liệu tính hoặc do cổng DVC báo '
    '/ unit that reported value_a (the unit that sent the form); NULL: value_a is computed by the warehouse or '
    'reported by the portal';
