-- Great Expectations result documents of the latest runs that validated anything (newest first),
-- always including the given run: what the Data Docs site shows.
with recent as (
    select run_id, max(validated_at) as validated_at
    from audit.validation_suite_result
    group by run_id
    order by max(validated_at) desc
    limit %(runs)s
)

select v.run_id, v.dataset, v.quarter, v.suite, v.validated_at, v.document
from audit.validation_suite_result as v
where v.run_id in (select run_id from recent) or v.run_id = %(run_id)s
order by v.validated_at desc, v.dataset asc
