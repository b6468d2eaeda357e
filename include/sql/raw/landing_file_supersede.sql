-- Older versions of the path stop being current once a new one has loaded.
update raw.landing_file
set is_current = false
where path = %(path)s and file_id <> %(file_id)s and is_current
returning file_id
