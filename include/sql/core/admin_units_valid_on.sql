-- Units valid on a day, with their level: the hierarchy a quarter is reported against.
select unit_code, unit_level, province_code
from core.dim_admin_unit
where %(day)s::date between _valid_from and _valid_to
