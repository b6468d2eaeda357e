insert into audit.landing_problem (run_id, path, reason) values (%(run_id)s, %(path)s, %(reason)s)
