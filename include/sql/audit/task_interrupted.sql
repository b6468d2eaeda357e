-- A task whose process ended without recording its end, and its run.
with task as (
    update audit.task_run
    set status = 'interrupted', finished_at = clock_timestamp(), error = %(reason)s
    where run_id = %(run_id)s and task_id = %(task_id)s and started_at = %(started_at)s and status = 'running'
    returning run_id
)

update audit.pipeline_run
set status = 'interrupted', finished_at = clock_timestamp(), message = %(reason)s
where run_id in (select run_id from task) and status = 'running'
