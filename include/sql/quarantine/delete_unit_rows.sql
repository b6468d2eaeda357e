-- Quarantined rows of the quarter and dataset that came from any version of the given landing units'
-- files ('level/unit'), before those units are staged again.
delete from quarantine.rejected_row
where quarter = %(quarter)s
    and dataset = %(dataset)s
    and file_id in (select l.file_id from raw.landing_unit_files(%(quarter)s, %(dataset)s, %(landing_units)s) as l)
