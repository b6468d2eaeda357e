-- The unit's series comparable across the 01/07/2025 reform, up to the report's quarter: reported
-- where the unit existed, derived from its predecessors or successors where it did not. A code reused
-- by the reform names two units: the one valid on the report quarter's last day is taken.
select
    quarter, unit_code, unit_name, unit_level, basis, derived, approximate, source_units,
    source_units_reporting, received, received_online, resolved, on_time_rate, online_rate
from mart.unit_quarter_comparable
where unit_code = %(unit)s
    and %(last_day)s::date between unit_valid_from and unit_valid_to
    and quarter <= %(quarter)s
order by quarter
