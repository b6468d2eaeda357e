-- Rows of one quarter of mart.reconciliation outside tolerance, largest |difference| first;
-- %(limit)s NULL means all of them.
select
    quarter, province_code, check_name, unit_code, unit_level, scope, reporting_unit_code, file_id, line_number,
    period_start, period_end, measure, source_a, source_b, value_a, value_b, difference, tolerance, detail
from mart.reconciliation
where quarter = %(quarter)s and not within_tolerance
order by abs(difference) desc, check_name, unit_code asc, measure asc, file_id asc, line_number asc
limit %(limit)s
