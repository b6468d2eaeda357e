-- Rows of {table}, a fact built row for row from staged rows, of the quarter that came from any version of
-- the given landing units' files of the dataset ('level/unit'); returns the units they were counted for.
with deleted as (
    delete from {table}
    where quarter = %(quarter)s
        and file_id in (
            select l.file_id from raw.landing_unit_files(%(quarter)s, %(dataset)s, %(landing_units)s) as l
        )
    returning unit_code
)

select distinct unit_code
from deleted
