create or replace function core.desk_counts(p_quarter text, p_first_day date, p_last_day date, p_units text[])
returns table (
    unit_code                text,
    carried_over             bigint,
    received                 bigint,
    received_online          bigint,
    received_direct          bigint,
    received_postal          bigint,
    resolved                 bigint,
    resolved_early           bigint,
    resolved_on_time         bigint,
    resolved_late            bigint,
    pending                  bigint,
    pending_overdue          bigint,
    returned_by_post         bigint,
    resolved_with_supplement bigint,
    resolved_in_time_766     bigint,
    pending_in_time_766      bigint
)
language sql stable
as $$
    select
        u.unit_code,
        -- Received before the quarter and not resolved before it.
        count(d.dossier_id) filter (
            where d.received_on < p_first_day and (d.resolved_on is null or d.resolved_on >= p_first_day)),
        count(d.dossier_id) filter (where d.received_on >= p_first_day),
        count(d.dossier_id) filter (where d.received_on >= p_first_day and d.channel = 'online'),
        count(d.dossier_id) filter (where d.received_on >= p_first_day and d.channel = 'direct'),
        count(d.dossier_id) filter (where d.received_on >= p_first_day and d.channel = 'postal'),
        count(d.dossier_id) filter (where d.resolved_on between p_first_day and p_last_day),
        count(d.dossier_id) filter (
            where d.resolved_on between p_first_day and p_last_day and d.resolution_status = 'early'),
        count(d.dossier_id) filter (
            where d.resolved_on between p_first_day and p_last_day and d.resolution_status = 'on_time'),
        count(d.dossier_id) filter (
            where d.resolved_on between p_first_day and p_last_day and d.resolution_status = 'late'),
        -- Pending at the quarter's end: not resolved by its last day.
        count(d.dossier_id) filter (where d.resolved_on is null or d.resolved_on > p_last_day),
        count(d.dossier_id) filter (
            where (d.resolved_on is null or d.resolved_on > p_last_day) and d.due_on <= p_last_day),
        count(d.dossier_id) filter (
            where d.resolved_on between p_first_day and p_last_day and d.returned_by_post),
        count(d.dossier_id) filter (
            where d.resolved_on between p_first_day and p_last_day and d.supplement_requests >= 1),
        -- Decision 766 progress: a dossier with more than one supplement request counts as late.
        count(d.dossier_id) filter (
            where d.resolved_on between p_first_day and p_last_day
              and d.resolution_status in ('early', 'on_time')
              and coalesce(d.supplement_requests, 0) <= 1),
        count(d.dossier_id) filter (
            where (d.resolved_on is null or d.resolved_on > p_last_day)
              and d.due_on > p_last_day
              and coalesce(d.supplement_requests, 0) <= 1)
    from unnest(p_units) as u (unit_code)
    left join core.fct_dossier as d
        on d.quarter = p_quarter and d.unit_code = u.unit_code and d.received_on <= p_last_day
    group by u.unit_code
$$;

comment on function core.desk_counts(text, date, date, text[]) is
'Số hồ sơ của bộ phận một cửa từng đơn vị trong quý / each listed unit''s own desk counts for the quarter '
'(0 when it has no dossier), by the counting rules of docs/design.md and Asia/Ho_Chi_Minh calendar days';
