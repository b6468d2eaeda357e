-- The datasets a run validated (a rerun whose inputs were unchanged validates none).
select dataset
from audit.validation_suite_result
where run_id = %(run_id)s
order by dataset
