-- Access (README "Access"). Two group roles that nobody logs in as:
--   cchc_loader  every privilege on the warehouse schemas. The pipeline runs as the owner of the
--                warehouse today; this role is for a deployment where it logs in as a member of
--                cchc_loader instead (creating partitions and running migrations still need the owner).
--   cchc_reader  SELECT on schema mart only. Staff logins are its members (`cchc grant-reader`) and see,
--                through row-level security, only the provinces listed for them in mart.reader_province.
-- Owners and superusers bypass row-level security, so the pipeline keeps reading and writing every row.

-- Roles belong to the server, not to one database: several warehouses (and test databases) on one
-- server share them, so they are created only when absent, and a migration elsewhere creating them
-- at the same moment is not an error.
do $$
begin
    if not exists (select from pg_roles where rolname = 'cchc_loader') then
        begin
            create role cchc_loader nologin;
            comment on role cchc_loader is
                'Nhóm quyền nạp dữ liệu kho CCHC: mọi quyền trên các schema của kho '
                '/ CCHC warehouse loader group: every privilege on the warehouse schemas';
        exception when duplicate_object or unique_violation then
            null;
        end;
    end if;
    if not exists (select from pg_roles where rolname = 'cchc_reader') then
        begin
            create role cchc_reader nologin;
            comment on role cchc_reader is
                'Nhóm quyền đọc kho CCHC: chỉ đọc schema mart, mỗi tài khoản chỉ thấy tỉnh của mình '
                '/ CCHC warehouse reader group: reads schema mart only, each login only its own provinces';
        exception when duplicate_object or unique_violation then
            null;
        end;
    end if;
exception when insufficient_privilege then
    raise exception 'migration 010_roles needs a role with CREATEROLE to create cchc_loader and cchc_reader'
        using hint = 'create both roles (NOLOGIN) as an administrator once, then migrate again';
end
$$;

-- The migrating role acts for the loader, which owns mart.reader_province below. Superusers already
-- do; a role that only has CREATEROLE holds ADMIN on the roles it created, but not their rights.
do $$
begin
    if not pg_has_role(current_user, 'cchc_loader', 'USAGE') then
        execute 'grant cchc_loader to ' || quote_ident(current_user);
    end if;
end
$$;

-- Nothing for PUBLIC: every login of the server would otherwise reach the warehouse's schemas.
revoke all on schema raw, staging, quarantine, core, mart, audit from public;
revoke create on schema public from public;

grant all on schema raw, staging, quarantine, core, mart, audit to cchc_loader;
grant all on all tables in schema raw, staging, quarantine, core, mart, audit to cchc_loader;
grant all on all sequences in schema raw, staging, quarantine, core, mart, audit to cchc_loader;
grant all on all functions in schema raw, staging, quarantine, core, mart, audit to cchc_loader;
-- Objects the migrating role creates later, including the partitions the pipeline adds each quarter.
alter default privileges in schema raw, staging, quarantine, core, mart, audit grant all on tables to cchc_loader;
alter default privileges in schema raw, staging, quarantine, core, mart, audit grant all on sequences to cchc_loader;
alter default privileges in schema raw, staging, quarantine, core, mart, audit grant all on functions to cchc_loader;

-- Readers: schema mart and its functions. Tables are granted one by one by the row-security block at
-- the end of this file (include/sql/access/apply_row_security.sql), never by default privileges,
-- which would also reach partitions.
grant usage on schema mart to cchc_reader;
grant execute on all functions in schema mart to cchc_reader;
alter default privileges in schema mart grant execute on functions to cchc_reader;

create table mart.reader_province (
    role_name     text not null,
    province_code text not null check (province_code ~ '^[0-9]{2}$'),
    primary key (role_name, province_code)
);
alter table mart.reader_province owner to cchc_loader;
alter table mart.reader_province enable row level security;
create policy reader_own_rows on mart.reader_province for select to cchc_reader using (role_name = current_user);
grant select on mart.reader_province to cchc_reader;

comment on table mart.reader_province is
    'Tỉnh mà mỗi tài khoản đọc được xem (cchc grant-reader); tài khoản đọc chỉ thấy dòng của chính mình '
    '/ provinces each reader login may see (cchc grant-reader); a reader sees only its own rows';
comment on column mart.reader_province.role_name is
    'Tên tài khoản đăng nhập PostgreSQL, so với current_user / PostgreSQL login name, compared with current_user';
comment on column mart.reader_province.province_code is
    'Mã tỉnh GSO 2 chữ số, vd. 87 Đồng Tháp / two-digit GSO province code, e.g. 87 Đồng Tháp';
comment on policy reader_own_rows on mart.reader_province is
    'Tài khoản đọc chỉ thấy các dòng cấp cho chính nó / a reader login sees only the rows granted to it';

-- Row-level security on the current mart tables: a copy of include/sql/access/apply_row_security.sql
-- as it stood for this migration (cchc.warehouse.access.apply_row_security runs the current file).
do $$
declare
    target record;
begin
    for target in
        select
            quote_ident(n.nspname) || '.' || quote_ident(c.relname) as name,
            c.relispartition as is_partition,
            exists (
                select from pg_attribute as a
                where a.attrelid = c.oid and a.attname = 'province_code' and a.attnum > 0 and not a.attisdropped
            ) as has_province
        from pg_class as c
        join pg_namespace as n on n.oid = c.relnamespace
        where n.nspname = 'mart'
          and c.relkind in ('r', 'p')
          and c.relname <> 'reader_province'
        order by c.relname
    loop
        if target.is_partition then
            execute 'revoke all on ' || target.name || ' from cchc_reader';
            continue;
        end if;
        execute 'grant select on ' || target.name || ' to cchc_reader';
        if target.has_province then
            execute 'alter table ' || target.name || ' enable row level security';
            execute 'drop policy if exists reader_own_province on ' || target.name;
            execute 'create policy reader_own_province on ' || target.name
                || ' for select to cchc_reader using (province_code in ('
                || 'select r.province_code from mart.reader_province as r where r.role_name = current_user))';
            execute 'comment on policy reader_own_province on ' || target.name || ' is ' || quote_literal(
                'Tài khoản đọc chỉ thấy các tỉnh được cấp cho nó trong mart.reader_province '
                || '/ a reader login sees only the provinces listed for it in mart.reader_province');
            execute 'drop policy if exists loader_all_rows on ' || target.name;
            execute 'create policy loader_all_rows on ' || target.name
                || ' for all to cchc_loader using (true) with check (true)';
            execute 'comment on policy loader_all_rows on ' || target.name || ' is ' || quote_literal(
                'Vai trò nạp dữ liệu đọc và ghi mọi dòng / the loader role reads and writes every row');
        end if;
    end loop;
end
$$;
