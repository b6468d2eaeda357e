-- Mart tables (partitioned parents and plain tables) with a province_code that lack any part of the
-- province filter: row-level security on, SELECT for cchc_reader, the reader_own_province policy; and
-- security_invoker views of mart and bao_cao (filtered by the tables beneath them) that cchc_reader
-- cannot select from.
select c.relname
from pg_class as c
join pg_attribute as a on a.attrelid = c.oid and a.attname = 'province_code' and a.attnum > 0 and not a.attisdropped
where c.relnamespace = 'mart'::regnamespace
    and c.relkind in ('r', 'p')
    and not c.relispartition
    and c.relname <> 'reader_province'
    and not (
        c.relrowsecurity
        and has_table_privilege('cchc_reader', c.oid, 'select')
        and exists (
            select from pg_policy as p
            where p.polrelid = c.oid and p.polname = 'reader_own_province'
        )
    )
union all
select c.relname
from pg_class as c
where c.relnamespace in ('mart'::regnamespace, 'bao_cao'::regnamespace)
    and c.relkind = 'v'
    and coalesce(c.reloptions, '{}') @> array['security_invoker=true']
    and not has_table_privilege('cchc_reader', c.oid, 'select')
order by 1
