-- One row if the role exists: whether it is a direct member of cchc_reader, and whether row-level
-- security would not restrict it (superuser, BYPASSRLS, member of the loader or of a mart table's
-- owner), which would make a province grant a promise the database does not keep.
select
    exists(
        select from pg_auth_members as m
        where m.member = r.oid and m.roleid = (
                select oid from pg_roles
                where rolname = 'cchc_reader'
            )
    ) as is_reader,
    r.rolsuper
    or r.rolbypassrls
    or pg_has_role(r.oid, 'cchc_loader', 'MEMBER')
    or exists (
        select from pg_class as c
        join pg_namespace as n on n.oid = c.relnamespace
        where n.nspname = 'mart' and c.relkind in ('r', 'p') and pg_has_role(r.oid, c.relowner, 'MEMBER')
    ) as bypasses_row_security
from pg_roles as r
where r.rolname = %(login)s
