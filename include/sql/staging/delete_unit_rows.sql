-- Staged rows ({staging_table}) of the quarter that came from any version of the given landing units'
-- files of the dataset ('level/unit'), before those units are staged again.
delete from {staging_table}
where quarter = %(quarter)s
    and file_id in (select l.file_id from raw.landing_unit_files(%(quarter)s, %(dataset)s, %(landing_units)s) as l)
