-- Per check: rows compared and rows outside tolerance in one quarter of mart.reconciliation.
select
    check_name,
    count(*) as compared,
    count(*) filter (where not within_tolerance) as outside_tolerance
from mart.reconciliation
where quarter = %(quarter)s
group by check_name
order by check_name
