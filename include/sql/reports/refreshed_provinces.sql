-- Provinces the quarter's marts hold indicators for (with at least one reporting unit): the refresh
-- writes their reports.
select unit_code
from mart.unit_quarter_indicators
where quarter = %(quarter)s and unit_level = 'province' and reporting_units > 0
order by unit_code
