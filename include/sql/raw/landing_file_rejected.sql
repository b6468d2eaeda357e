-- A rejected version never becomes current: the previous good version of the path stays in use.
update raw.landing_file
set status = 'rejected', reason = %(reason)s, is_current = false
where file_id = %(file_id)s
