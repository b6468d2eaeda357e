update raw.landing_file set is_current = false
where file_id = %(file_id)s
