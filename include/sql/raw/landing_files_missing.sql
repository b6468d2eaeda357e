-- The quarter's current files (of one level, or of all) whose path the landing zone no longer holds: a
-- file that left the landing zone, or was renamed, no longer counts.
select file_id, path, dataset, greatest(coalesce(rows_read, 0) - rows_skipped, 0) as rows_loaded
from raw.landing_file
where quarter = %(quarter)s
    and is_current
    and (%(level)s::text is null or unit_level = %(level)s)
    and not (path = any(%(present)s))
order by path
