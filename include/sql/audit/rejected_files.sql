-- Files of this run that could not be read at all.
select path, reason
from audit.file_load
where run_id = %(run_id)s and status = 'rejected'
order by path
