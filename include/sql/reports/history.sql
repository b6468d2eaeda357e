-- The indicators of the quarter's units over the quarters from %(first_quarter)s to the report's
-- quarter, by unit code as the units stand in the report's quarter (a code reused by the 2025 reform
-- names another unit before it: rows of other units are left out by their name and level).
select
    h.quarter, h.unit_code, h.unit_name, h.unit_level, h.received, h.received_online, h.resolved,
    h.resolved_early, h.resolved_on_time, h.resolved_late, h.pending, h.on_time_rate, h.online_rate,
    h.online_target_percent, h.meets_online_target
from mart.unit_quarter_indicators as h
join mart.unit_quarter_indicators as now
    on now.quarter = %(quarter)s and now.unit_code = h.unit_code
        and now.unit_level = h.unit_level and now.unit_name = h.unit_name
where h.quarter between %(first_quarter)s and %(quarter)s
    and now.unit_code = any(%(units)s)
order by h.unit_code, h.quarter
