-- Dossier ids found in more than one current file of the quarter, each with the first of those files
-- (the lowest file id, i.e. registered first): later files get a warning for the repeat. Only the ids
-- of the files being staged (file_ids), when they are not all the quarter's: a late file's ids are
-- looked up without grouping every id the quarter holds.
with staged_ids as (
    select distinct btrim(s.dossier_id, E' \t\r\n') as dossier_id
    from raw.dossiers as s
    where s.file_id = any(%(file_ids)s::bigint[])
)

select btrim(r.dossier_id, E' \t\r\n') as dossier_id, min(r.file_id) as first_file_id
from raw.dossiers as r
join raw.landing_file as f on f.file_id = r.file_id
where f.quarter = %(quarter)s
    and f.dataset = %(dataset)s
    and f.is_current
    and f.status = 'loaded'
    and btrim(r.dossier_id, E' \t\r\n') <> ''
    and (
        %(file_ids)s::bigint[] is null
        or btrim(r.dossier_id, E' \t\r\n') in (select staged_ids.dossier_id from staged_ids)
    )
group by 1
having count(distinct r.file_id) > 1
