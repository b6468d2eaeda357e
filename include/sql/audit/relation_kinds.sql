-- 'table', 'view' or NULL (nothing) for each name given: what stands under it now.
select r.relation, case when c.relkind = 'v' then 'view' when c.relkind is not null then 'table' end
from unnest(%(relations)s::text[]) as r (relation)
left join pg_class as c on c.oid = to_regclass(r.relation)
