-- A retried task replaces what it recorded for the dataset (expectation rows go with the suite row).
delete from audit.validation_suite_result
where run_id = %(run_id)s and dataset = %(dataset)s
