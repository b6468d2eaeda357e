-- Tables and views of schema mart (partitions excluded) with their COMMENTs, for the data dictionary.
select c.oid, c.relname, c.relkind, coalesce(obj_description(c.oid, 'pg_class'), '')
from pg_class as c
join pg_namespace as n on n.oid = c.relnamespace
where n.nspname = 'mart' and c.relkind in ('r', 'p', 'v', 'm') and not c.relispartition
order by c.relname
