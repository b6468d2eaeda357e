-- Open (or reopen, on an Airflow retry) the run's record.
insert into audit.pipeline_run (run_id, quarter, trigger, held_by_process)
values (%(run_id)s, %(quarter)s, %(trigger)s, %(held_by_process)s)
on conflict (run_id) do update
    set status = 'running', finished_at = null, message = null, held_by_process = excluded.held_by_process
