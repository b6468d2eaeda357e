-- The quarter's quarantined rows by dataset and reason (a row failing two checks counts under both),
-- most frequent first, each with its first file:line.
with reasons as (
    select q.dataset, r.reason, lf.path, q.line_number
    from quarantine.rejected_row as q
    cross join lateral unnest(q.reasons) as r (reason)
    join raw.landing_file as lf on lf.file_id = q.file_id
    where q.quarter = %(quarter)s
        and core.unit_in_province(lf.unit_code, lf.unit_level, %(province)s, %(day)s)
)

select
    dataset,
    reason,
    count(*) as row_count,
    (array_agg(path || ':' || line_number order by path, line_number))[1] as example
from reasons
group by dataset, reason
order by row_count desc, dataset asc, reason asc
