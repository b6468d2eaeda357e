-- Every province listed for a login, before a grant replaces them or a revoke removes them.
delete from mart.reader_province
where role_name = %(login)s
