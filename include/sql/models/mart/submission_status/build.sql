-- Who has sent what for one quarter (docs/design.md, Submissions), in mart.submission_status's columns:
-- every unit valid on the quarter's last day that owes an export (core.submission_expectation), and any
-- unit that sent one it does not owe. pg_temp.landing_snapshot is the landing zone as walked now (what
-- is there: the landing zone is the truth); raw.landing_file says how that version loaded and since when
-- versions of the unit's export have arrived. The provinces followed are `provinces` when given, else
-- those (on the quarter's last day) of every unit that has ever sent a file up to this quarter, or of
-- what the 2025 reform made of it: a province goes silent, it is not forgotten.
with q as (
    select quarter, last_day, report_period_end
    from core.dim_quarter
    where quarter = %(quarter)s
),

units as (
    select distinct on (u.unit_code)
        u.unit_code, u.unit_name, u.unit_level, u.parent_code, u.province_code,
        q.last_day between u._valid_from and u._valid_to as valid_at_end
    from core.dim_admin_unit as u
    cross join q
    order by u.unit_code asc, q.last_day between u._valid_from and u._valid_to desc, u._valid_to desc
),

senders as (
    select unit_code from raw.landing_file
    where quarter <= %(quarter)s
    union
    select unit_code from pg_temp.landing_snapshot
),

followed as (
    select unnest(%(provinces)s::text[]) as province_code
    union
    select u.province_code
    from (
        select unit_code from senders
        union
        select l.new_code
        from senders as s
        join core.admin_unit_lineage as l on l.old_code = s.unit_code
        cross join q
        where l.new_valid_from <= q.last_day
    ) as s
    join units as u on u.unit_code = s.unit_code and u.valid_at_end
    where %(provinces)s::text[] is null
),

owed as (
    select u.unit_code, e.dataset
    from units as u
    join core.submission_expectation as e on e.unit_level = u.unit_level
    where u.valid_at_end and u.province_code in (select province_code from followed)
),

sent as (
    select s.unit_code, s.dataset, s.path, s.checksum, s.modified_at
    from pg_temp.landing_snapshot as s
    join units as u on u.unit_code = s.unit_code
    where %(provinces)s::text[] is null or u.province_code = any(%(provinces)s)
),

arrivals as (
    select unit_code, dataset, count(*)::integer as versions, min(coalesce(modified_at, received_at)) as first_at
    from raw.landing_file
    where quarter = %(quarter)s
    group by unit_code, dataset
),

pairs as (
    select unit_code, dataset from owed
    union
    select unit_code, dataset from sent
),

rows as (
    select
        p.unit_code,
        p.dataset,
        u.unit_name,
        u.unit_level,
        u.parent_code,
        u.province_code,
        o.unit_code is not null as expected,
        case when p.dataset = 'one_stop_report' then q.report_period_end else q.last_day end as period_end,
        s.path,
        s.modified_at as sent_at,
        a.first_at,
        coalesce(a.versions, 0) as versions,
        f.status as loaded_status,
        f.rows_read - f.rows_skipped as data_rows,
        s.path is not null and f.file_id is null as not_loaded_yet
    from pairs as p
    join units as u on u.unit_code = p.unit_code
    cross join q
    left join owed as o on o.unit_code = p.unit_code and o.dataset = p.dataset
    left join sent as s on s.unit_code = p.unit_code and s.dataset = p.dataset
    left join arrivals as a on a.unit_code = p.unit_code and a.dataset = p.dataset
    left join lateral (
        select lf.file_id, lf.status, lf.rows_read, lf.rows_skipped
        from raw.landing_file as lf
        where lf.path = s.path and lf.checksum = s.checksum
        order by lf.file_id desc
        limit 1
    ) as f on true
),

judged as (
    select
        r.*,
        r.period_end + %(grace_days)s::integer as due_on,
        -- A version that arrived earlier counts from its arrival; one not registered yet, from its file.
        case when r.path is null then null else least(r.first_at, r.sent_at) end as received_at
    from rows as r
)

select
    %(quarter)s::text as quarter,
    province_code,
    unit_code,
    unit_name,
    unit_level,
    parent_code,
    dataset,
    expected,
    period_end,
    due_on,
    path,
    received_at,
    versions + case when not_loaded_yet then 1 else 0 end as versions,
    case when not_loaded_yet then 'not_loaded_yet' else loaded_status end as file_status,
    case when loaded_status = 'loaded' then data_rows end as data_rows,
    status.submission,
    case status.submission
        when 'on_time' then 'đúng hạn'
        when 'late' then 'trễ hạn'
        when 'rejected' then 'bị từ chối'
        when 'missing' then 'chưa gửi (quá hạn)'
        else 'chưa đến hạn'
    end as submission_vi,
    %(as_of)s::timestamptz as as_of
from judged
cross join
    lateral (
        select case
            when path is null and (%(as_of)s::timestamptz at time zone 'Asia/Ho_Chi_Minh')::date > due_on then 'missing'
            when path is null then 'not_due'
            when loaded_status = 'rejected' then 'rejected'
            when (received_at at time zone 'Asia/Ho_Chi_Minh')::date <= due_on then 'on_time'
            else 'late'
        end as submission
    ) as status
order by province_code, unit_level = 'commune', unit_level = 'district', parent_code nulls first, unit_code, dataset
