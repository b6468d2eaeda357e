-- Dossier ids found in more than one current file of the quarter, each with the first of those files
-- (the lowest file id, i.e. registered first): later files get a warning for the repeat.
select btrim(r.dossier_id, E' \t\r\n') as dossier_id, min(r.file_id) as first_file_id
from raw.dossiers as r
join raw.landing_file as f on f.file_id = r.file_id
where f.quarter = %(quarter)s
    and f.dataset = %(dataset)s
    and f.is_current
    and f.status = 'loaded'
    and btrim(r.dossier_id, E' \t\r\n') <> ''
group by 1
having count(distinct r.file_id) > 1
