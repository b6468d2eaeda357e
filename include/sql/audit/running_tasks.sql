-- Tasks recorded as running, oldest first: each holds its advisory lock while its process lives.
select run_id, task_id, started_at
from audit.task_run
where status = 'running'
order by started_at
