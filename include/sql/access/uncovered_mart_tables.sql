-- Mart tables (partitioned parents and plain tables) with a province_code that lack any part of the
-- province filter: row-level security on, SELECT for cchc_reader, the reader_own_province policy.
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
      and exists (select from pg_policy as p where p.polrelid = c.oid and p.polname = 'reader_own_province')
  )
order by c.relname
