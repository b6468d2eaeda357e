-- Every scope one step recorded for the quarter, with its fingerprint.
select scope, fingerprint
from audit.step_input
where quarter = %(quarter)s and step = %(step)s
