-- What reading one file gave in this run (staging fills in loaded and quarantined counts): rows read
-- (summary rows skipped included), rows skipped, and the file-level warnings of its version.
insert into audit.file_load (
    run_id, file_id, path, checksum, status, reason, rows_read, rows_skipped, warnings, read_outcome, duration_ms
)
values (
    %(run_id)s, %(file_id)s, %(path)s, %(checksum)s, %(status)s, %(reason)s, %(rows_read)s, %(rows_skipped)s,
    %(warnings)s, %(read_outcome)s, %(duration_ms)s
)
on conflict (run_id, file_id) do update set
    status = excluded.status,
    reason = excluded.reason,
    rows_read = excluded.rows_read,
    rows_skipped = excluded.rows_skipped,
    warnings = excluded.warnings,
    read_outcome = excluded.read_outcome,
    duration_ms = excluded.duration_ms
