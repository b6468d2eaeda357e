-- Units of a province valid on a day (to keep a province's lines of the quality report).
select unit_code
from core.dim_admin_unit
where province_code = %(province)s
    and %(day)s::date between _valid_from and _valid_to
