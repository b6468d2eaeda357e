-- Raw rows must belong to a registered landing file. A foreign key checked that one row at a time
-- (an index probe and a key-share lock on raw.landing_file per row): at a million dossier rows it
-- took about as long again as the COPY itself. The same rule is now checked once per statement,
-- over all the rows the statement wrote, and on the other side when landing files are deleted.

create function raw.check_rows_have_landing_file() returns trigger
language plpgsql
as $$
declare
    orphan bigint;
begin
    select n.file_id into orphan
    from new_rows as n
    where not exists (select 1 from raw.landing_file as f where f.file_id = n.file_id)
    limit 1;
    if found then
        raise foreign_key_violation using
            message = format('%s.%s: file_id %s is not in raw.landing_file', tg_table_schema, tg_table_name, orphan),
            table = tg_table_name,
            schema = tg_table_schema;
    end if;
    return null;
end
$$;

-- The tables whose rows point at a landing file: every raw table with a file_id column.
create function raw.tables_with_file_rows() returns setof regclass
language sql stable
as $$
    select c.oid::regclass
    from pg_class as c
    join pg_attribute as a on a.attrelid = c.oid and a.attname = 'file_id' and not a.attisdropped
    where c.relnamespace = 'raw'::regnamespace
      and c.relkind in ('r', 'p')
      and not c.relispartition
      and c.relname <> 'landing_file'
$$;

create function raw.check_landing_files_unreferenced() returns trigger
language plpgsql
as $$
declare
    rows_table regclass;
    orphan bigint;
begin
    for rows_table in select * from raw.tables_with_file_rows() loop
        execute format(
            'select r.file_id from %s as r where r.file_id in (select file_id from old_files) limit 1', rows_table
        ) into orphan;
        if orphan is not null then
            raise foreign_key_violation using
                message = format('raw.landing_file: file_id %s still has rows in %s', orphan, rows_table);
        end if;
    end loop;
    return null;
end
$$;

do $$
declare
    fk record;
begin
    for fk in
        select con.conrelid::regclass as rows_table, con.conname
        from pg_constraint as con
        where con.contype = 'f'
          and con.confrelid = 'raw.landing_file'::regclass
          and con.connamespace = 'raw'::regnamespace
    loop
        execute format('alter table %s drop constraint %I', fk.rows_table, fk.conname);
    end loop;
end
$$;

do $$
declare
    rows_table regclass;
begin
    for rows_table in select * from raw.tables_with_file_rows() loop
        execute format(
            'create trigger rows_have_landing_file_on_insert after insert on %s '
            'referencing new table as new_rows for each statement '
            'execute function raw.check_rows_have_landing_file()', rows_table
        );
        execute format(
            'create trigger rows_have_landing_file_on_update after update on %s '
            'referencing new table as new_rows for each statement '
            'execute function raw.check_rows_have_landing_file()', rows_table
        );
    end loop;
end
$$;

create trigger landing_files_unreferenced_on_delete after delete on raw.landing_file
referencing old table as old_files for each statement
execute function raw.check_landing_files_unreferenced();

comment on function raw.check_rows_have_landing_file() is
    'Mỗi dòng thô thuộc một tệp đã đăng ký / every raw row belongs to a registered landing file (checked per statement)';
comment on function raw.check_landing_files_unreferenced() is
    'Không xoá tệp còn dòng thô / a landing file with raw rows cannot be deleted';
