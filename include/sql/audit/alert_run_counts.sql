-- What a failure alert reports about its run: files that could not be read, files outside the
-- landing contract, and rows of the run's quarter held in quarantine.
select
    (
        select count(*) from audit.file_load
        where run_id = %(run_id)s and status = 'rejected'
    ) as files_rejected,
    (
        select count(*) from audit.landing_problem
        where run_id = %(run_id)s
    ) as landing_problems,
    (
        select count(*) from quarantine.rejected_row
        where quarter = %(quarter)s
    ) as rows_quarantined
