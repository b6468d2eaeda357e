-- The provinces a login may see; the row-level security policies compare role_name with current_user.
insert into mart.reader_province (role_name, province_code)
select %(login)s, code
from unnest(%(codes)s::text[]) as code
