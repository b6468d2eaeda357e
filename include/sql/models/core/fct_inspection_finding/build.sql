-- The quarter's inspection rows from staging. A row that names no unit is about the unit whose folder
-- holds the report (the inspector's own desk).
insert into core.fct_inspection_finding (
    quarter, inspection_id, unit_code, inspected_on, inspecting_body, criterion, score_percent, finding,
    corrective_document, corrective_issued_on, followed_up, source_unit_code, source_level, file_id, line_number
)
with staged as (
    select *
    from staging.stg_inspection__findings
    where quarter = %(quarter)s
),

files as (
    select file_id, unit_code as source_unit_code
    from raw.landing_file
    where quarter = %(quarter)s and dataset = 'inspections'
),

final as (
    select
        s.quarter,
        s.inspection_id,
        coalesce(s.unit_code, f.source_unit_code) as unit_code,
        s.inspected_on,
        s.inspecting_body,
        s.criterion,
        s.score_percent,
        s.finding,
        s.corrective_document,
        s.corrective_issued_on,
        s.followed_up,
        f.source_unit_code,
        s.source_level,
        s.file_id,
        s.line_number
    from staged as s
    join files as f on f.file_id = s.file_id
)

select * from final
