-- Record what a step's partition of the quarter was just built from (inside the step's transaction).
insert into audit.step_input (quarter, step, scope, fingerprint, run_id)
values (%(quarter)s, %(step)s, %(scope)s, %(fingerprint)s, %(run_id)s)
on conflict (quarter, step, scope) do update set
    fingerprint = excluded.fingerprint,
    run_id = excluded.run_id,
    recorded_at = now()
