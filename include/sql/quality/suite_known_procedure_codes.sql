-- Procedure codes of the catalogues published up to the quarter: the staged catalogues of earlier
-- quarters and the quarter's own catalogue files as read, because the quarter's catalogue is
-- validated after its dossiers. The national catalogue (include/reference) is added by the caller.
select p.procedure_code
from core.dim_procedure as p
where p.quarter <= %(quarter)s
union
select r.procedure_code
from raw.procedures as r
join raw.landing_file as f on f.file_id = r.file_id
where f.quarter = %(quarter)s
    and f.dataset = 'procedures'
    and f.is_current
    and f.status = 'loaded'
    and r.procedure_code is not null
