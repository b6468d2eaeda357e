-- The quarters a step has built (before a relation it fills is created new, empty for all of them).
select distinct quarter
from audit.step_input
where step = %(step)s
order by quarter
