-- The derived relations (core facts, marts, the bao_cao views) are models: each is created from its
-- folder in include/sql/models, not by a migration. What each was last created from is kept here, so
-- a changed definition is seen, the relation recreated and the quarters built into it rebuilt; the
-- shared functions of include/sql/functions are recorded the same way.

create table audit.model_definition (
    relation    text primary key,
    definition  text not null,
    docs        text not null,
    created_at  timestamptz not null default now(),
    docs_at     timestamptz not null default now()
);

comment on table audit.model_definition is
    'Định nghĩa các bảng, view dẫn xuất đang dùng / what each derived relation (core fact, mart, bao_cao view) '
    'was created from: a changed definition recreates it and its quarters are rebuilt by the next refresh';
comment on column audit.model_definition.relation is
    'Bảng, view hoặc hàm / schema-qualified relation (e.g. mart.inspections) or shared function (core.desk_counts)';
comment on column audit.model_definition.definition is
    'SHA-256 of its table.sql, view.sql or function file as created; a different digest recreates it';
comment on column audit.model_definition.docs is
    'SHA-256 of its model.yml as applied to the COMMENTs; a different digest sets the COMMENTs again';
comment on column audit.model_definition.created_at is 'Lúc tạo / when the relation was last created';
comment on column audit.model_definition.docs_at is 'Lúc ghi chú thích / when its COMMENTs were last set';
