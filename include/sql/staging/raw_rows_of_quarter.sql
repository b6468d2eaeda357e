-- Raw rows of one dataset ({raw_table}) from some of the quarter's current, loaded files (a chunk of
-- whole landing units), with the unit and level their landing path names and their file's warnings.
-- With `parts` > 1 only part `part` is read: the rows whose key ({split_key}, trimmed) hashes to it,
-- so every repeat of a key within the landing unit is in the same part (rows without a key all fall
-- in one part).
select
    r.*,
    f.unit_level as source_level,
    f.unit_code as landing_unit_code,
    nullif(array_to_string(f.warnings, ' | '), '') as file_warnings
from {raw_table} as r
join raw.landing_file as f on f.file_id = r.file_id
where f.quarter = %(quarter)s
    and f.dataset = %(dataset)s
    and f.is_current
    and f.status = 'loaded'
    and r.file_id = any(%(file_ids)s)
    and (
        %(parts)s = 1
        or mod(abs(hashtext(coalesce(btrim({split_key}, E' \t\r\n'), ''))::bigint), %(parts)s) = %(part)s
    )
order by r.file_id, r.line_number
