-- Row-level security by province on every table of schema mart that has a province_code column.
-- A member of cchc_reader sees the rows of the provinces listed for its login in
-- mart.reader_province; a member of cchc_loader sees and writes every row. Owners and superusers
-- bypass row-level security, so the pipeline (which runs as the owner) is unaffected.
--
-- Readers get SELECT on the tables they query: partitioned parents and plain tables. Never on a
-- partition: a partition read directly is checked against its own grants and policies, not its
-- parent's, so a grant there would skip the province filter. That is also why readers get no default
-- privileges on mart tables (the pipeline creates a partition per quarter, and default privileges
-- would reach it), and why this is run again after anything that adds a mart table.
-- A view reads with its owner's rights, which bypass row-level security, unless it is declared
-- security_invoker (mart.par_index_totals and the views of schema bao_cao are): readers get SELECT on
-- those views only, whose reads are filtered by the policies of the tables beneath them. Partitions
-- are made in schema mart_partitions (migration 029_reports.sql), which readers may not enter.
--
-- Idempotent. Migration 010_roles.sql ran a copy of this block once; this file is the current one.
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
        where n.nspname in ('mart', 'mart_partitions')
          and c.relkind in ('r', 'p')
          and c.relname <> 'reader_province'  -- its own policy (010_roles.sql): each login its own rows
        order by c.relname
    loop
        if target.is_partition then
            -- Undo "grant select on all tables in schema mart", which reaches partitions too.
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
    for target in
        select quote_ident(n.nspname) || '.' || quote_ident(c.relname) as name
        from pg_class as c
        join pg_namespace as n on n.oid = c.relnamespace
        where n.nspname in ('mart', 'bao_cao')
          and c.relkind = 'v'
          and coalesce(c.reloptions, '{}') @> array['security_invoker=true']
        order by c.relname
    loop
        execute 'grant select on ' || target.name || ' to cchc_reader';
    end loop;
    -- Partitions live in mart_partitions since migration 029_reports.sql; readers never get in there.
    if exists (select from pg_namespace where nspname = 'mart_partitions') then
        execute 'revoke all on schema mart_partitions from cchc_reader';
    end if;
end
$$
