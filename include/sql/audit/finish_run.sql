update audit.pipeline_run
set status = %(status)s, finished_at = now(), message = %(message)s
where run_id = %(run_id)s
