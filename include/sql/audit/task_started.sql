insert into audit.task_run (run_id, task_id, started_at, status)
values (%(run_id)s, %(task_id)s, clock_timestamp(), 'running')
returning started_at
