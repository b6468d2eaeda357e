-- Rows of the quarter in quarantine per dataset, with each dataset's most frequent reasons
-- (a row failing several checks counts once per reason).
with rejected as (
    select dataset, reasons
    from quarantine.rejected_row
    where quarter = %(quarter)s
),

per_dataset as (
    select dataset, count(*) as row_count
    from rejected
    group by dataset
),

per_reason as (
    select
        rejected.dataset,
        reason,
        count(*) as reason_rows,
        row_number() over (partition by rejected.dataset order by count(*) desc, reason) as reason_rank
    from rejected
    cross join lateral unnest(rejected.reasons) as reason
    group by rejected.dataset, reason
),

final as (
    select per_dataset.dataset, per_dataset.row_count, per_reason.reason, per_reason.reason_rows
    from per_dataset
    inner join per_reason on per_reason.dataset = per_dataset.dataset
    where per_reason.reason_rank <= %(top_reasons)s
)

select * from final
order by row_count desc, dataset asc, reason_rows desc, reason asc
