-- A run whose process ended between two tasks.
update audit.pipeline_run
set status = 'interrupted', finished_at = clock_timestamp(), message = %(reason)s
where run_id = %(run_id)s and status = 'running'
