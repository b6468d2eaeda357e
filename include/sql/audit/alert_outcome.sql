-- What sending the run's alert gave.
update audit.alert
set status = %(status)s, sent_at = case when %(status)s = 'sent' then now() end, error = %(error)s
where dag_id = %(dag_id)s and run_id = %(run_id)s
