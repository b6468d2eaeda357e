-- The quarter's CCHC plans from staging. A plan listed twice (same unit, year and number) keeps its
-- last row; a publication date without a yes/no answer counts as published.
insert into core.fct_cchc_plan (
    quarter, unit_code, plan_year, plan_id, title, issued_on, deadline, issued_late,
    budget_published, budget_published_on, source_level, file_id, line_number
)
with staged as (
    select *
    from staging.stg_cchc__plans
    where quarter = %(quarter)s
),

deduplicated as (
    select distinct on (unit_code, plan_year, plan_id) *
    from staged
    order by unit_code asc, plan_year asc, plan_id asc, file_id desc, line_number desc
),

final as (
    select
        quarter,
        unit_code,
        plan_year,
        plan_id,
        title,
        issued_on,
        deadline,
        issued_on > deadline as issued_late,
        coalesce(budget_published, case when budget_published_on is not null then true end) as budget_published,
        budget_published_on,
        source_level,
        file_id,
        line_number
    from deduplicated
)

select * from final
