-- The unit a report is about, as the reader sees it in the quarter (row-level security applies: a
-- reader asking for a unit outside its provinces gets no row).
select unit_code, unit_name, unit_level, parent_code, province_code
from mart.unit_quarter_indicators
where quarter = %(quarter)s and unit_code = %(unit)s
