-- 'table', 'view' or no row: what stands under a relation's name now.
select case when c.relkind = 'v' then 'view' else 'table' end
from pg_class as c
where c.oid = to_regclass(%(relation)s)
