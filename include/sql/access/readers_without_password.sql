-- Members of cchc_reader that can log in but have no password: over TCP, where a password is required,
-- they cannot sign in. pg_authid is readable by superusers only, as the embedded warehouse's owner is.
select r.rolname
from pg_authid as r
where r.rolcanlogin
    and r.rolpassword is null
    and pg_has_role(r.oid, 'cchc_reader', 'member')
order by 1
