-- Per-file outcome of staging for this run: every current file of the quarter, its rows read,
-- staged and quarantined, so the identity read = loaded + quarantined can be checked per file.
insert into audit.file_load (run_id, file_id, path, checksum, status, rows_read, rows_loaded, rows_quarantined)
select
    %(run_id)s,
    f.file_id,
    f.path,
    f.checksum,
    'loaded',
    f.rows_read,
    (select count(*) from staging.stg_one_stop__dossiers as s where s.quarter = %(quarter)s and s.file_id = f.file_id),
    (select count(*) from quarantine.rejected_row as q
      where q.quarter = %(quarter)s and q.dataset = f.dataset and q.file_id = f.file_id)
from raw.landing_file as f
where f.quarter = %(quarter)s and f.dataset = 'dossiers' and f.is_current and f.status = 'loaded'
on conflict (run_id, file_id) do update set
    rows_read = excluded.rows_read,
    rows_loaded = excluded.rows_loaded,
    rows_quarantined = excluded.rows_quarantined
