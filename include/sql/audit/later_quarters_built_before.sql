-- Later quarters whose core facts were built before this quarter's were: built from an older version of
-- it (carried-over dossiers, the II.06a period that starts in it, plans and PAR scores carried over).
select later.quarter
from audit.step_input as later
join audit.step_input as this
    on this.quarter = %(quarter)s and this.step = 'build_core' and this.scope = 'quarter'
where later.step = 'build_core'
    and later.scope = 'quarter'
    and later.quarter > %(quarter)s
    and later.recorded_at < this.recorded_at
order by later.quarter
