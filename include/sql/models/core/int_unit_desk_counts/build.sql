-- The quarter's desk counts (core.desk_counts) of every unit that holds dossiers, or (unit_codes not NULL)
-- of the units whose dossiers a late file changed.
insert into core.int_unit_desk_counts (
    quarter, unit_code, carried_over, received, received_online, received_direct, received_postal,
    resolved, resolved_early, resolved_on_time, resolved_late, pending, pending_overdue,
    returned_by_post, resolved_with_supplement, resolved_in_time_766, pending_in_time_766
)
with units as (
    select distinct unit_code
    from core.fct_dossier
    where quarter = %(quarter)s
        and (%(unit_codes)s::text[] is null or unit_code = any(%(unit_codes)s::text[]))
)

select %(quarter)s, c.*
from core.desk_counts(
        %(quarter)s, %(first_day)s::date, %(last_day)s::date, array(select unit_code from units)
    ) as c
