-- The quarter's current, loaded files of one dataset, by landing unit: staging reads them in chunks
-- of whole units, and restages only the units whose files changed.
select file_id, unit_level || '/' || unit_code as landing_unit, coalesce(rows_read, 0), checksum
from raw.landing_file
where quarter = %(quarter)s and dataset = %(dataset)s and is_current and status = 'loaded'
order by unit_level, unit_code, file_id
