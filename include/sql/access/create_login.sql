-- A staff login. Its only rights come from membership in cchc_reader; PASSWORD NULL means none.
create role {login} with login password {password}
