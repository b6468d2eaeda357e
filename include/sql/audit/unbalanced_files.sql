-- Files of this run where rows read differ from rows loaded plus rows quarantined plus rows skipped
-- (summary rows at the end of a list).
select path, rows_read, rows_loaded, rows_quarantined, coalesce(rows_skipped, 0)
from audit.file_load
where run_id = %(run_id)s
    and status = 'loaded'
    and rows_read is distinct from
    coalesce(rows_loaded, 0) + coalesce(rows_quarantined, 0) + coalesce(rows_skipped, 0)
order by path
