-- Files in the landing zone that do not fit its contract, as seen by this run.
select path, reason
from audit.landing_problem
where run_id = %(run_id)s
order by path
