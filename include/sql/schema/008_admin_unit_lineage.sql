-- Lineage of the 01/07/2025 reform: which pre-reform unit went (wholly or in part) into which
-- post-reform unit. Many-to-many: a new commune has several predecessors, and a split old commune
-- several successors. Each end names one row of core.dim_admin_unit: the old unit's row ending on
-- old_valid_to, the new unit's row starting on new_valid_from (a code alone is ambiguous across the reform).
create table core.admin_unit_lineage (
    old_code       text not null check (old_code ~ '^[0-9]{2}([0-9]|[0-9]{3})?$'),
    old_valid_to   date not null,
    new_code       text not null check (new_code ~ '^[0-9]{2}([0-9]{3})?$'),
    new_valid_from date not null,
    relation       text not null check (relation in ('whole', 'part')),
    primary key (old_code, new_code),
    check (old_valid_to < new_valid_from)
);
create index admin_unit_lineage_new on core.admin_unit_lineage (new_code, new_valid_from);

comment on table core.admin_unit_lineage is
    'Phả hệ đơn vị hành chính qua sắp xếp ngày 01/07/2025: đơn vị cũ nhập (toàn bộ hoặc một phần) vào đơn vị mới '
    '/ lineage of the 01/07/2025 reform: old unit went (wholly or in part) into new unit';
comment on column core.admin_unit_lineage.old_code is
    'Mã đơn vị trước sắp xếp (tỉnh 2 số, huyện đảo 3 số, xã 5 số) / pre-reform unit code';
comment on column core.admin_unit_lineage.old_valid_to is
    'Ngày cuối hiệu lực của đơn vị cũ; cùng old_code xác định một dòng của core.dim_admin_unit '
    '/ last day of the old unit; with old_code names one core.dim_admin_unit row';
comment on column core.admin_unit_lineage.new_code is
    'Mã đơn vị sau sắp xếp (tỉnh 2 số, xã 5 số) / post-reform unit code';
comment on column core.admin_unit_lineage.new_valid_from is
    'Ngày bắt đầu hiệu lực của đơn vị mới; cùng new_code xác định một dòng của core.dim_admin_unit '
    '/ first day of the new unit; with new_code names one core.dim_admin_unit row';
comment on column core.admin_unit_lineage.relation is
    'whole: đơn vị cũ nhập toàn bộ vào đơn vị mới; part: đơn vị cũ bị chia, chỉ một phần vào đơn vị mới '
    '(chuỗi số liệu so sánh chỉ là gần đúng) / whole: all of the old unit; part: the old unit was split '
    '(comparable series are approximate)';
