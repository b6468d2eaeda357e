-- The quarter's indicators for the terminal: province first, then each district and its communes.
select
    unit_code,
    unit_name,
    unit_level,
    received,
    received_online,
    resolved,
    resolved_early,
    resolved_on_time,
    resolved_late,
    pending,
    pending_overdue,
    on_time_rate,
    online_rate
from mart.unit_quarter_indicators
where quarter = %(quarter)s
    and (%(level)s::text is null or unit_level = %(level)s::text)
    and (%(province)s::text is null or province_code = %(province)s::text)
order by
    province_code,
    case unit_level when 'province' then 0 else 1 end,
    coalesce(case unit_level when 'commune' then parent_code end, unit_code),
    case unit_level when 'district' then 0 else 1 end,
    unit_code
