-- Every file the run accounted for, with what reading (read_outcome: loaded, unchanged, rejected; NULL
-- for a current file no longer in the landing zone) and staging did to it, the summary rows it skipped
-- and its file-level warnings; only the units of the province, when one is given.
select
    fl.path,
    lf.dataset,
    fl.read_outcome,
    fl.status,
    fl.reason,
    fl.rows_read,
    fl.rows_loaded,
    fl.rows_quarantined,
    fl.duration_ms,
    coalesce(fl.rows_skipped, 0) as rows_skipped,
    coalesce(fl.warnings, lf.warnings, '{}') as warnings
from audit.file_load as fl
join raw.landing_file as lf on lf.file_id = fl.file_id
where fl.run_id = %(run_id)s
    and core.unit_in_province(lf.unit_code, lf.unit_level, %(province)s, %(day)s)
order by fl.path
