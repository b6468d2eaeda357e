-- The quarter's submission status (of some provinces, or all) is replaced whole by each refresh and check.
delete from mart.submission_status
where quarter = %(quarter)s
    and (%(provinces)s::text[] is null or province_code = any(%(provinces)s))
