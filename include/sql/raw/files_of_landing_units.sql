-- Every version of the given landing units' files of one dataset in the quarter ('level/unit').
select file_id
from raw.landing_file
where quarter = %(quarter)s
    and dataset = %(dataset)s
    and unit_level || '/' || unit_code = any(%(landing_units)s)
