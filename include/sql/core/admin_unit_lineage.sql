-- Upsert the vendored reform lineage (loaded by COPY into pg_temp.admin_unit_lineage_load).
-- The old unit ends the day before the change takes effect; the new unit starts on that day.
insert into core.admin_unit_lineage (old_code, old_valid_to, new_code, new_valid_from, relation)
select
    old_code,
    effective_on::date - 1,
    new_code,
    effective_on::date,
    relation
from pg_temp.admin_unit_lineage_load
on conflict (old_code, new_code) do update set
    old_valid_to = excluded.old_valid_to,
    new_valid_from = excluded.new_valid_from,
    relation = excluded.relation
where (
    core.admin_unit_lineage.old_valid_to, core.admin_unit_lineage.new_valid_from,
    core.admin_unit_lineage.relation
)
is distinct from
(excluded.old_valid_to, excluded.new_valid_from, excluded.relation)
