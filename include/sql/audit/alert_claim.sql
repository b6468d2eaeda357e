-- Claim the run's one alert: returns a row only to the caller that inserted it.
insert into audit.alert (dag_id, run_id, quarter, task_id, channel, message)
values (%(dag_id)s, %(run_id)s, %(quarter)s, %(task_id)s, %(channel)s, %(message)s)
on conflict (dag_id, run_id) do nothing
returning dag_id
