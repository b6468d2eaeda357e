-- The current, loaded file versions of one dataset and quarter: what staging is built from.
select file_id, checksum
from raw.landing_file
where quarter = %(quarter)s and dataset = %(dataset)s and is_current and status = 'loaded'
order by file_id
