-- One row per unit and plan year among the quarter's CCHC plans: was the plan late, was the budget
-- published, and which corrective letters the unit received in the quarter. Letters come from every
-- quarter's inspection reports (a letter may be reported, or its follow-up updated, after the quarter
-- it is dated in); the latest quarter reporting a letter says whether it was acted on.
insert into mart.plan_compliance (
    quarter, province_code, unit_code, unit_name, unit_level, plan_year, plan_id, issued_on, deadline,
    issued_late, days_late, budget_published, budget_published_on, corrective_letters, corrective_documents,
    letters_not_followed_up, letters_followed_up
)
with units as (
    select unit_code, unit_name, unit_level, province_code
    from core.dim_admin_unit
    where %(last_day)s::date between _valid_from and _valid_to
),

-- Of several plans for one year, the first issued decides whether the unit met the deadline.
plans as (
    select distinct on (unit_code, plan_year) *
    from core.fct_cchc_plan
    where quarter = %(quarter)s
    order by unit_code, plan_year, issued_on, plan_id
),

-- A letter without a date is placed on the date of the inspection that led to it.
letter_reports as (
    select
        quarter,
        unit_code,
        corrective_document,
        coalesce(corrective_issued_on, inspected_on) as issued_on,
        followed_up
    from core.fct_inspection_finding
    where corrective_document is not null
),

letter_reports_per_quarter as (
    select quarter, unit_code, corrective_document, issued_on, bool_and(followed_up) as followed_up
    from letter_reports
    where issued_on between %(first_day)s and %(last_day)s
    group by quarter, unit_code, corrective_document, issued_on
),

letters as (
    select distinct on (unit_code, corrective_document, issued_on)
        unit_code, corrective_document, issued_on, followed_up
    from letter_reports_per_quarter
    order by unit_code asc, corrective_document asc, issued_on asc, quarter desc
),

letters_per_unit as (
    select
        unit_code,
        count(*)::integer as corrective_letters,
        string_agg(
            corrective_document || ' (' || to_char(issued_on, 'YYYY-MM-DD') || ')', '; '
            order by issued_on, corrective_document
        ) as corrective_documents,
        (count(*) filter (where not followed_up))::integer as letters_not_followed_up,
        bool_and(followed_up) as letters_followed_up
    from letters
    group by unit_code
),

final as (
    select
        %(quarter)s as quarter,
        u.province_code,
        p.unit_code,
        u.unit_name,
        u.unit_level,
        p.plan_year,
        p.plan_id,
        p.issued_on,
        p.deadline,
        p.issued_late,
        greatest(p.issued_on - p.deadline, 0) as days_late,
        p.budget_published,
        p.budget_published_on,
        coalesce(l.corrective_letters, 0) as corrective_letters,
        l.corrective_documents,
        coalesce(l.letters_not_followed_up, 0) as letters_not_followed_up,
        l.letters_followed_up
    from plans as p
    left join units as u on u.unit_code = p.unit_code
    left join letters_per_unit as l on l.unit_code = p.unit_code
)

select * from final
order by unit_code, plan_year
