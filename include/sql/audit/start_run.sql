-- Open (or reopen, on an Airflow retry) the run's record.
insert into audit.pipeline_run (run_id, quarter, trigger)
values (%(run_id)s, %(quarter)s, %(trigger)s)
on conflict (run_id) do update set status = 'running', finished_at = null, message = null
