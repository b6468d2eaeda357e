-- Forget every quarter's record of a step whose relation was recreated empty, so the next refresh of
-- each quarter builds it again instead of finding its inputs unchanged.
delete from audit.step_input
where step = %(step)s
