-- Raw rows of one dataset ({raw_table}) from some of the quarter's current, loaded files (a chunk of
-- whole landing units), with the unit and level their landing path names.
select
    r.*,
    f.unit_level as source_level,
    f.unit_code as landing_unit_code
from {raw_table} as r
join raw.landing_file as f on f.file_id = r.file_id
where f.quarter = %(quarter)s
  and f.dataset = %(dataset)s
  and f.is_current
  and f.status = 'loaded'
  and r.file_id = any(%(file_ids)s)
order by r.file_id, r.line_number
