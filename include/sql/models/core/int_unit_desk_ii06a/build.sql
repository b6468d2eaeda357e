-- The II.06a desk counts over the quarter's Decree 09/2019 period [report_period_start, report_period_end] of
-- every unit with a dossier in it, or (unit_codes not NULL) of the units whose dossiers a late file changed:
-- each dossier in its state from the latest export quarter <= this quarter that holds it, reading back to the
-- quarter holding report_period_start. A unit without such a dossier has no row (its counts are 0).
insert into core.int_unit_desk_ii06a (
    quarter, unit_code, received_online, received_direct_postal, received_carried_over,
    resolved_early, resolved_on_time, resolved_late, pending_in_time, pending_overdue
)
with dossiers as (
    select *
    from core.dossier_latest_state(
            %(quarter)s, to_char(%(report_period_start)s::date, 'YYYY"Q"Q'), %(last_day)s::date
        )
    -- A plain condition on the unit, so that PostgreSQL reads only those units' dossiers.
    where %(unit_codes)s::text[] is null or unit_code = any(%(unit_codes)s::text[])
)

select
    %(quarter)s,
    d.unit_code,
    count(*) filter (
        where d.received_on >= %(report_period_start)s::date and d.channel = 'online'
    ),
    count(*) filter (
        where d.received_on >= %(report_period_start)s::date and d.channel in ('direct', 'postal')
    ),
    count(*) filter (where d.received_on < %(report_period_start)s::date),
    count(*) filter (where d.resolved_on <= %(report_period_end)s::date and d.resolution_status = 'early'),
    count(*) filter (where d.resolved_on <= %(report_period_end)s::date and d.resolution_status = 'on_time'),
    count(*) filter (where d.resolved_on <= %(report_period_end)s::date and d.resolution_status = 'late'),
    count(*) filter (
        where (d.resolved_on is null or d.resolved_on > %(report_period_end)s::date)
        and d.due_on > %(report_period_end)s::date
    ),
    count(*) filter (
        where (d.resolved_on is null or d.resolved_on > %(report_period_end)s::date)
        and d.due_on <= %(report_period_end)s::date
    )
from dossiers as d
where d.received_on <= %(report_period_end)s::date
    and (d.resolved_on is null or d.resolved_on >= %(report_period_start)s::date)
group by d.unit_code
