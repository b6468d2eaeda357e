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
