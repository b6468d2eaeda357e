-- The run's figures per dataset, from its per-file counts: files, rows read, loaded into staging,
-- quarantined and skipped (summary rows), for the run's summary and its metrics.
select
    f.dataset,
    count(*)::integer as files,
    coalesce(sum(l.rows_read), 0)::integer as rows_read,
    coalesce(sum(l.rows_loaded), 0)::integer as rows_loaded,
    coalesce(sum(l.rows_quarantined), 0)::integer as rows_quarantined,
    coalesce(sum(l.rows_skipped), 0)::integer as rows_skipped
from audit.file_load as l
join raw.landing_file as f on f.file_id = l.file_id
where l.run_id = %(run_id)s and l.status = 'loaded'
group by f.dataset
order by f.dataset
