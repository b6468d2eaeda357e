-- One readable row per inspected unit, inspection and criterion of the quarter's reports: the
-- criterion's score beside its findings and the corrective letter that followed. Units are those valid
-- on the quarter's last day (staging accepted no other): a unit missing there fails the NOT NULL
-- columns instead of disappearing.
insert into mart.inspections (
    quarter, province_code, unit_code, unit_name, unit_level, inspection_id, inspected_on, inspecting_body,
    source_unit_code, criterion, score_percent, findings, finding, corrective_document, corrective_issued_on,
    followed_up
)
with units as (
    select unit_code, unit_name, unit_level, province_code
    from core.dim_admin_unit
    where %(last_day)s::date between _valid_from and _valid_to
),

rows_of_quarter as (
    select *
    from core.fct_inspection_finding
    where quarter = %(quarter)s
),

per_criterion as (
    select
        unit_code,
        inspection_id,
        criterion,
        min(inspected_on) as inspected_on,
        min(inspecting_body) as inspecting_body,
        min(source_unit_code) as source_unit_code,
        (array_agg(score_percent order by file_id, line_number) filter (where score_percent is not null))[1]
            as score_percent,
        count(finding)::integer as findings,
        string_agg(finding, '; ' order by file_id, line_number) as finding,
        string_agg(distinct corrective_document, '; ') as corrective_document,
        min(corrective_issued_on) filter (where corrective_document is not null) as corrective_issued_on,
        bool_and(followed_up) filter (where finding is not null or corrective_document is not null) as followed_up
    from rows_of_quarter
    group by unit_code, inspection_id, criterion
),

final as (
    select
        %(quarter)s as quarter,
        u.province_code,
        p.unit_code,
        u.unit_name,
        u.unit_level,
        p.inspection_id,
        p.inspected_on,
        p.inspecting_body,
        p.source_unit_code,
        p.criterion,
        p.score_percent,
        p.findings,
        p.finding,
        p.corrective_document,
        p.corrective_issued_on,
        p.followed_up
    from per_criterion as p
    left join units as u on u.unit_code = p.unit_code
)

select * from final
order by unit_code, inspection_id, criterion
