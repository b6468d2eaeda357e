-- What reading one file gave in this run (staging fills in loaded and quarantined counts).
insert into audit.file_load (run_id, file_id, path, checksum, status, reason, rows_read, read_outcome, duration_ms)
values (
    %(run_id)s, %(file_id)s, %(path)s, %(checksum)s, %(status)s, %(reason)s, %(rows_read)s, %(read_outcome)s,
    %(duration_ms)s
)
on conflict (run_id, file_id) do update set
    status = excluded.status,
    reason = excluded.reason,
    rows_read = excluded.rows_read,
    read_outcome = excluded.read_outcome,
    duration_ms = excluded.duration_ms
