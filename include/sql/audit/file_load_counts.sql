-- Per-file outcome of staging one dataset ({staging_table}) for this run: rows read, staged, quarantined
-- and skipped for every current file of the quarter, so read = loaded + quarantined + skipped can be checked.
insert into audit.file_load (
    run_id, file_id, path, checksum, status, rows_read, rows_loaded, rows_quarantined, rows_skipped, warnings
)
select
    %(run_id)s,
    f.file_id,
    f.path,
    f.checksum,
    'loaded',
    f.rows_read,
    (
        select count(*) from {staging_table} as s
        where s.quarter = %(quarter)s and s.file_id = f.file_id
    ),
    (
        select count(*) from quarantine.rejected_row as q
        where q.quarter = %(quarter)s and q.dataset = f.dataset and q.file_id = f.file_id
    ),
    f.rows_skipped,
    f.warnings
from raw.landing_file as f
where f.quarter = %(quarter)s and f.dataset = %(dataset)s and f.is_current and f.status = 'loaded'
on conflict (run_id, file_id) do update set
    rows_read = excluded.rows_read,
    rows_loaded = excluded.rows_loaded,
    rows_quarantined = excluded.rows_quarantined,
    rows_skipped = excluded.rows_skipped,
    warnings = excluded.warnings
