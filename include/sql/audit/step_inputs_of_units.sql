-- The landing units of one dataset staged for the quarter ('level/unit'), each with the fingerprint of
-- the files and settings it was staged from.
select substr(scope, length(%(dataset)s) + 2) as landing_unit, fingerprint
from audit.step_input
where quarter = %(quarter)s and step = 'validate_and_stage' and scope like %(dataset)s || '/%%'
