-- A new password for an existing login (only when one is given).
alter role {login} with password {password}
