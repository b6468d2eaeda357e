-- Totals are a view over the areas, so the mart keeps one grain and a total is never summed twice.
-- security_invoker: the view reads mart.par_index with the reader's rights, so row-level security by
-- province on the table applies through it too.
create view mart.par_index_totals with (security_invoker = true) as
with totals as (
    select
        quarter, province_code, unit_code, unit_name, unit_level, year,
        count(*) as areas,
        sum(max_score) as max_score,
        sum(self_score) as self_score,
        case when count(appraised_score) = count(*) then sum(appraised_score) end as appraised_score,
        case when count(appraised_change) = count(*) then sum(appraised_change) end as appraised_change
    from mart.par_index
    group by quarter, province_code, unit_code, unit_name, unit_level, year
),

final as (
    select
        quarter, province_code, unit_code, unit_name, unit_level, year, areas,
        max_score, self_score, appraised_score,
        appraised_score - self_score as appraised_minus_self,
        appraised_change
    from totals
)

select * from final;
