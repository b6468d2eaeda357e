update audit.task_run
set status = %(status)s, finished_at = clock_timestamp(), summary = %(summary)s, error = %(error)s
where run_id = %(run_id)s and task_id = %(task_id)s and started_at = %(started_at)s
