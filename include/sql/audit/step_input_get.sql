-- The fingerprint and run of the partition in force for one step and scope of a quarter.
select fingerprint, run_id
from audit.step_input
where quarter = %(quarter)s and step = %(step)s and scope = %(scope)s
