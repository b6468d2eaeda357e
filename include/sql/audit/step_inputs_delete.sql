-- Forget the records of scopes whose partitions no longer hold what they describe.
delete from audit.step_input
where quarter = %(quarter)s and step = %(step)s and scope = any(%(scopes)s)
