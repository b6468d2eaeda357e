-- Calendar-day classification of a resolved dossier (Asia/Ho_Chi_Minh): the one place the rule lives.
create or replace function core.resolution_status(due_on date, resolved_on date) returns text
language sql immutable as $$
    select case
        when resolved_on is null then null
        when resolved_on < due_on then 'early'
        when resolved_on = due_on then 'on_time'
        else 'late'
    end
$$;

comment on function core.resolution_status(date, date) is
'Sớm, đúng hạn hay quá hạn theo ngày lịch / early, on_time or late by calendar day: result before, on or after '
'the due day (Asia/Ho_Chi_Minh); NULL when not resolved';
