-- The quarter's refreshes (runs that read the landing zone; ingest-only runs validate nothing), the
-- report's run first: the latest that finished (success or failed), whose records are whole; runs
-- still going or interrupted, started after it, follow. Without a finished run, the latest of any.
with refreshes as (
    select r.run_id, r.status, r.trigger, r.started_at, r.finished_at, r.message
    from audit.pipeline_run as r
    where r.quarter = %(quarter)s
        and exists (
            select 1 from audit.task_run as t
            where t.run_id = r.run_id and t.task_id = 'load_raw_files'
        )
),

shown as (
    select run_id, started_at
    from refreshes
    order by status in ('success', 'failed') desc, started_at desc
    limit 1
)

select r.run_id, r.status, r.trigger, r.started_at, r.finished_at, r.message
from refreshes as r
cross join shown
where r.run_id = shown.run_id or r.started_at > shown.started_at
order by r.run_id = shown.run_id desc, r.started_at desc
