-- Fingerprints of one step for every quarter up to the given one: core facts and marts read earlier
-- quarters (reporting periods start in the previous quarter, plans and PAR scores carry over).
select quarter, scope, fingerprint
from audit.step_input
where step = %(step)s and quarter <= %(quarter)s
order by quarter, scope
