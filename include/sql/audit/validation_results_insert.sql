-- One dataset's suite result and all its expectation rows, in one statement.
with suite as (
    insert into audit.validation_suite_result (
        run_id, dataset, quarter, suite, validated_at, success, row_count, evaluated, unsuccessful, document
    )
    values (
        %(run_id)s, %(dataset)s, %(quarter)s, %(suite)s, %(validated_at)s, %(success)s, %(row_count)s,
        %(evaluated)s, %(unsuccessful)s, %(document)s::jsonb
    )
    returning run_id, dataset, quarter, suite
)

insert into audit.validation_result (
    run_id, dataset, position, quarter, suite, check_name, severity, reason, success,
    element_count, unexpected_count, file_ids, files
)
select
    suite.run_id,
    suite.dataset,
    e.position,
    suite.quarter,
    suite.suite,
    e.check_name,
    e.severity,
    e.reason,
    e.success,
    e.element_count,
    e.unexpected_count,
    array(select (f ->> 'file_id')::bigint from jsonb_array_elements(e.files) as f),
    e.files
from suite
cross join jsonb_to_recordset(%(expectations)s::jsonb) as e (
    position         smallint,
    check_name       text,
    severity         text,
    reason           text,
    success          boolean,
    element_count    integer,
    unexpected_count integer,
    files            jsonb
)
