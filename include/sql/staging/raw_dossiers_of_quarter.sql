-- Raw dossier rows of the quarter's current, loaded files, with the unit their landing path names.
select
    r.file_id,
    r.line_number,
    f.unit_level as source_level,
    f.unit_code as landing_unit_code,
    r.dossier_id,
    r.unit_code,
    r.procedure_code,
    r.field,
    r.channel,
    r.received_at,
    r.due_at,
    r.resolved_at,
    r.returned_by_post,
    r.supplement_requests
from raw.dossiers as r
join raw.landing_file as f on f.file_id = r.file_id
where f.quarter = %(quarter)s
  and f.dataset = 'dossiers'
  and f.is_current
  and f.status = 'loaded'
order by r.file_id, r.line_number
