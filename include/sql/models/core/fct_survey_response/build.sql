-- The quarter's satisfaction responses from staging (unit codes already filled from the landing folder,
-- and (unit, response) unique by the surveys expectation suite).
insert into core.fct_survey_response (
    quarter, unit_code, response_id, surveyed_on, procedure_code,
    score_access, score_procedure, score_staff, score_result, score_feedback, satisfied,
    source_level, file_id, line_number
)
with staged as (
    select *
    from staging.stg_sipas__survey_responses
    where quarter = %(quarter)s
),

final as (
    select
        quarter, unit_code, response_id, surveyed_on, procedure_code,
        score_access, score_procedure, score_staff, score_result, score_feedback, satisfied,
        source_level, file_id, line_number
    from staged
)

select * from final
