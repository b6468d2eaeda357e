-- Units whose dossiers received in the quarter are far from their own recent history: more than
-- `factor` times, or less than 1/`factor` of, the mean of their previous quarters with dossiers
-- (the latest `max_history` of them, and at least `min_history`). Received = received on a local day
-- inside the quarter, as the indicator mart counts it (core.int_unit_desk_counts). History before the
-- day the 2025 reform formed a unit belongs to another unit that used its code (core.admin_unit_since),
-- so it is left out.
-- Only units with dossiers in the quarter are compared: a missing export is not a volume.
with this_quarter as (
    select quarter, last_day
    from core.dim_quarter
    where quarter = %(quarter)s
),

-- One row per unit with dossiers in a quarter, as build_core counted its desk.
received as (
    select c.quarter, c.unit_code, c.received
    from core.int_unit_desk_counts as c
    where c.quarter <= %(quarter)s
),

history as (
    select
        r.unit_code,
        r.quarter,
        r.received,
        row_number() over (partition by r.unit_code order by r.quarter desc) as quarters_back
    from received as r
    join core.dim_quarter as q on q.quarter = r.quarter
    join core.admin_unit_since((select last_day from this_quarter)) as s on s.unit_code = r.unit_code
    where r.quarter < %(quarter)s
        and q.last_day >= s.since
),

recent as (
    select
        unit_code,
        count(*) as history_quarters,
        min(quarter) as history_from,
        max(quarter) as history_to,
        avg(received) as history_mean
    from history
    where quarters_back <= %(max_history)s
    group by unit_code
),

units as (
    select d.unit_code, d.unit_name, d.unit_level
    from core.dim_admin_unit as d
    cross join this_quarter as t
    where t.last_day between d._valid_from and d._valid_to
),

final as (
    select
        r.quarter,
        r.unit_code,
        u.unit_name,
        u.unit_level,
        r.received,
        h.history_quarters,
        h.history_from,
        h.history_to,
        round(h.history_mean, 1) as history_mean,
        round(r.received / nullif(h.history_mean, 0), 2) as ratio
    from received as r
    join recent as h on h.unit_code = r.unit_code
    left join units as u on u.unit_code = r.unit_code
    where r.quarter = %(quarter)s
        and h.history_quarters >= %(min_history)s
        and (r.received > %(factor)s * h.history_mean or r.received * %(factor)s < h.history_mean)
)

select * from final
order by unit_code
