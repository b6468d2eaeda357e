-- The quarter's recorded submission status (of one province, or all the login may read), in the
-- mart's order: the columns of cchc.submissions.COLUMNS.
select
    quarter, province_code, unit_code, unit_name, unit_level, parent_code, dataset, expected, period_end,
    due_on, path, received_at, versions, file_status, data_rows, submission, submission_vi, as_of
from mart.submission_status
where quarter = %(quarter)s
    and (%(province)s::text is null or province_code = %(province)s)
order by province_code, unit_level = 'commune', unit_level = 'district', parent_code nulls first, unit_code, dataset
