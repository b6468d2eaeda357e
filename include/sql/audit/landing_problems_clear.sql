delete from audit.landing_problem
where run_id = %(run_id)s
