-- Runs held by one process (`cchc refresh`) recorded as running with no task running: alive between two
-- tasks while the process holds the run's lock, dead otherwise.
select r.run_id
from audit.pipeline_run as r
where r.status = 'running'
    and r.held_by_process
    and not exists (
        select 1 from audit.task_run as t
        where t.run_id = r.run_id and t.status = 'running'
    )
order by r.started_at
