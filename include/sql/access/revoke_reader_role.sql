-- The login keeps existing (it may serve other databases of the server); it loses schema mart.
revoke cchc_reader from {login}
