delete from quarantine.rejected_row
where quarter = %(quarter)s and dataset = %(dataset)s
