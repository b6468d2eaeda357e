-- Satisfaction per unit that sent a surveys file for the quarter: the count of valid responses, the
-- satisfied share and the mean of each SIPAS factor. A unit that sent no file has no row; a file whose
-- responses were all rejected gives 0 responses and a NULL share (no answers is not zero percent satisfied).
insert into mart.unit_quarter_satisfaction (
    quarter, province_code, unit_code, unit_name, unit_level, responses, satisfied_responses, satisfied_share,
    mean_access, mean_procedure, mean_staff, mean_result, mean_feedback
)
with units as (
    select unit_code, unit_name, unit_level, province_code
    from core.dim_admin_unit
    where %(last_day)s::date between _valid_from and _valid_to
),

responses as (
    select *
    from core.fct_survey_response
    where quarter = %(quarter)s
),

surveyed_units as (
    select unit_code
    from raw.landing_file
    where quarter = %(quarter)s and dataset = 'surveys' and is_current and status = 'loaded'
    union
    select unit_code
    from responses
),

per_unit as (
    select
        s.unit_code,
        count(r.response_id)::integer as responses,
        (count(r.response_id) filter (where r.satisfied))::integer as satisfied_responses,
        round(avg(r.score_access), 2) as mean_access,
        round(avg(r.score_procedure), 2) as mean_procedure,
        round(avg(r.score_staff), 2) as mean_staff,
        round(avg(r.score_result), 2) as mean_result,
        round(avg(r.score_feedback), 2) as mean_feedback
    from surveyed_units as s
    left join responses as r on r.unit_code = s.unit_code
    group by s.unit_code
),

final as (
    select
        %(quarter)s as quarter,
        u.province_code,
        p.unit_code,
        u.unit_name,
        u.unit_level,
        p.responses,
        p.satisfied_responses,
        mart.pct(p.satisfied_responses, p.responses) as satisfied_share,
        p.mean_access,
        p.mean_procedure,
        p.mean_staff,
        p.mean_result,
        p.mean_feedback
    from per_unit as p
    left join units as u on u.unit_code = p.unit_code
)

select * from final
order by unit_code
