-- Whether this login may read the audit schema: a reader login may not (it reads its provinces' marts).
-- By oid: naming audit.pipeline_run as text would itself need the schema's USAGE.
select coalesce(bool_and(has_schema_privilege(n.oid, 'usage') and has_table_privilege(c.oid, 'select')), false)
from pg_class as c
join pg_namespace as n on n.oid = c.relnamespace
where n.nspname = 'audit' and c.relname = 'pipeline_run'
