-- The units whose dossiers the given files' staged rows ({staging_table}) of the quarter hold.
select distinct unit_code
from {staging_table}
where quarter = %(quarter)s and file_id = any(%(file_ids)s)
