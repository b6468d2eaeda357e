-- The quarter's current files of a dataset that were read but hold no row (a header and nothing
-- else): loaded, but most likely an export run with the wrong filter, so they are reported.
select path
from raw.landing_file
where quarter = %(quarter)s
    and dataset = %(dataset)s
    and is_current
    and status = 'loaded'
    and rows_read = 0
order by path
