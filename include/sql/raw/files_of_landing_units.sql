-- Every version of the given landing units' files of one dataset in the quarter ('level/unit').
select l.file_id
from raw.landing_unit_files(%(quarter)s, %(dataset)s, %(landing_units)s) as l
