-- The quarter's II.06a rows from staging, with the reporting unit and the period the form states
-- (raw.landing_file.source_meta); a form stating no period is taken as the calendar quarter.
insert into core.fct_one_stop_report_row (
    quarter, file_id, line_number, reporting_unit_code, reporting_unit_level, unit_code, row_label,
    period_start, period_end, period_stated,
    received_total, received_online, received_direct_postal, received_carried_over,
    resolved_total, resolved_early, resolved_on_time, resolved_late,
    pending_total, pending_in_time, pending_overdue
)
with staged as (
    select *
    from staging.stg_one_stop__ii06a_rows
    where quarter = %(quarter)s
),

forms as (
    select
        file_id,
        unit_code as reporting_unit_code,
        unit_level as reporting_unit_level,
        (source_meta ->> 'period_start')::date as stated_start,
        (source_meta ->> 'period_end')::date as stated_end
    from raw.landing_file
    where file_id in (select file_id from staged)
),

final as (
    select
        s.quarter, s.file_id, s.line_number, f.reporting_unit_code, f.reporting_unit_level,
        nullif(btrim(s.unit_code), '') as unit_code, s.row_label,
        case when f.stated_start is not null and f.stated_end is not null
                then f.stated_start
            else %(first_day)s::date
        end as period_start,
        case when f.stated_start is not null and f.stated_end is not null
                then f.stated_end
            else %(last_day)s::date
        end as period_end,
        f.stated_start is not null and f.stated_end is not null as period_stated,
        s.received_total, s.received_online, s.received_direct_postal, s.received_carried_over,
        s.resolved_total, s.resolved_early, s.resolved_on_time, s.resolved_late,
        s.pending_total, s.pending_in_time, s.pending_overdue
    from staged as s
    join forms as f on f.file_id = s.file_id
)

select * from final
