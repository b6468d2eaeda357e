-- Membership gives USAGE on schema mart and SELECT on its tables, filtered by province.
grant cchc_reader to {login}
