update raw.landing_file
set
    status = 'loaded', reason = null, rows_read = %(rows_read)s, rows_skipped = %(rows_skipped)s,
    warnings = %(warnings)s, encoding = %(encoding)s, delimiter = %(delimiter)s, file_format = %(file_format)s,
    source_meta = %(source_meta)s::jsonb, is_current = true
where file_id = %(file_id)s
