-- Whether a quarter was ever staged (any dataset): a quarter's facts read the quarter before it.
select exists(
    select from audit.step_input
    where quarter = %(quarter)s and step = 'validate_and_stage'
)
