-- Tables and views of schemas mart and bao_cao (partitions excluded) with their COMMENTs, for the data
-- dictionary: mart first, then the reporting views.
select c.oid, n.nspname, c.relname, c.relkind, coalesce(obj_description(c.oid, 'pg_class'), '')
from pg_class as c
join pg_namespace as n on n.oid = c.relnamespace
where n.nspname in ('mart', 'bao_cao') and c.relkind in ('r', 'p', 'v', 'm') and not c.relispartition
order by n.nspname = 'bao_cao', c.relname
