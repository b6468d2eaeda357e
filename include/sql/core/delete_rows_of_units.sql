-- Rows of {table}, a count kept per unit, of the quarter's given units, before they are counted again.
delete from {table}
where quarter = %(quarter)s and unit_code = any(%(unit_codes)s)
