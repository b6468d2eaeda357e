-- What the unit reported on its own Biểu II.06a for the quarter, row by row, beside the same figures
-- rebuilt from dossiers over the period the form states (mart.one_stop_report_ii06a).
select *
from mart.one_stop_report_ii06a
where quarter = %(quarter)s and reporting_unit_code = %(unit)s
order by file_id, line_number
