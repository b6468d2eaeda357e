-- Warning-level expectations that failed on the quarter's staged rows (which were loaded all the same):
-- rows flagged and the first file:line, per dataset and expectation in suite order.
with flagged as (
    select vr.dataset, vr.position, vr.check_name, vr.reason, f.path, f.unexpected_count, f.lines
    from audit.validation_result as vr
    cross join
        lateral jsonb_to_recordset(vr.files)
            as f (file_id bigint, path text, unexpected_count integer, lines integer[])
    join raw.landing_file as lf on lf.file_id = f.file_id
    -- The results in force: each landing unit's rows as its last staging validated them (a rerun keeps
    -- the units whose files did not change, with what their own run found).
    join audit.step_input as si
        on si.step = 'validate_and_stage' and si.quarter = vr.quarter and si.run_id = vr.run_id
            and si.scope = vr.dataset || '/' || lf.unit_level || '/' || lf.unit_code
    where vr.quarter = %(quarter)s
        and vr.severity = 'warning'
        and not vr.success
        and core.unit_in_province(lf.unit_code, lf.unit_level, %(province)s, %(day)s)
)

select
    dataset,
    check_name,
    reason,
    sum(unexpected_count) as row_count,
    (array_agg(path || ':' || lines[1] order by path))[1] as example
from flagged
group by dataset, position, check_name, reason
order by dataset, position
