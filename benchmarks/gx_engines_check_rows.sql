-- Every column the staging.dossiers suite reads, for the quarter's staged dossiers: the staged
-- columns, and those staging computes while typing and never stores (cchc.sources.normalise), here
-- from the staged rows, their raw text and their files. A status word in a date column is the raw
-- text of a staged row whose date is empty: any other text that could not be read was quarantined.
-- A date as staging compares it with another: by its local day unless both carry a time of day.
create function pg_temp.compared(
    moment timestamptz, timed boolean, other_timed boolean
) returns timestamptz
language sql stable
as $$
    select case
        when coalesce(timed and other_timed, false) then moment
        else date_trunc('day', moment, {timezone})
    end
$$;

create unlogged table {table} as
select
    s.*,
    f.unit_code as landing_unit_code,
    min(s.file_id) over (partition by s.dossier_id) as _first_file_with_id,
    pg_temp.compared(s.resolved_at, s.resolved_at_has_time, s.received_at_has_time) as _resolved_at_compared,
    pg_temp.compared(s.received_at, s.received_at_has_time, s.resolved_at_has_time)
        as _received_at_compared_to_resolved,
    pg_temp.compared(s.due_at, s.due_at_has_time, s.received_at_has_time) as _due_at_compared,
    pg_temp.compared(s.received_at, s.received_at_has_time, s.due_at_has_time) as _received_at_compared_to_due,
    case
        when s.status is not null and (
                s.status_class is null
                or (s.status_class = 'resolved' and s.resolved_at is null)
                or (s.status_class in ('pending', 'stopped', 'not_received') and s.resolved_at is not null)
                or (s.status_class in ('stopped', 'not_received') and s.resolved_at is null)
            )
            then '''' || s.status || ''' (' || coalesce(s.status_class, 'unknown status') || '): '
                || case
                    when s.resolved_at is null then 'không có ngày có kết quả / no result date, counted as pending'
                    else 'có ngày có kết quả / has a result date'
                end
    end as _status_disagreement,
    case
        when s.resolved_at is null and btrim(r.resolved_at) <> '' then btrim(r.resolved_at)
        when s.returned_at is null and btrim(r.returned_at) <> '' then btrim(r.returned_at)
    end as _status_word_in_date,
    nullif(array_to_string(f.warnings, ' | '), '') as _file_warning
from staging.stg_one_stop__dossiers as s
join raw.landing_file as f on s.file_id = f.file_id
join raw.dossiers as r on s.file_id = r.file_id and s.line_number = r.line_number
where s.quarter = {quarter};
