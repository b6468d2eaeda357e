-- The quarter's PAR INDEX scores per unit, year and area, with the change of the appraised score from
-- the year before. The previous year was reported in an earlier quarter, so it is read from every
-- partition of core.fct_par_score (the latest quarter holding it wins); rebuild a later quarter after
-- re-sending an earlier year. A code re-formed by the 01/07/2025 reform between the two years names
-- another unit, so no change is computed across the reform.
insert into mart.par_index (
    quarter, province_code, unit_code, unit_name, unit_level, year, area, max_score, self_score,
    appraised_score, appraised_minus_self, previous_appraised_score, appraised_change
)
with units as (
    select unit_code, unit_name, unit_level, province_code
    from core.dim_admin_unit
    where %(last_day)s::date between _valid_from and _valid_to
),

scores as (
    select *
    from core.fct_par_score
    where quarter = %(quarter)s
),

previous_year as (
    select distinct on (prior.unit_code, prior.area, prior.year)
        prior.unit_code, prior.area, prior.year, prior.appraised_score
    from core.fct_par_score as prior
    join scores as s on s.unit_code = prior.unit_code and s.area = prior.area and prior.year = s.year - 1
    order by prior.unit_code, prior.area, prior.year, prior.quarter desc
),

re_formed as (
    select distinct s.unit_code, s.year
    from scores as s
    join core.admin_unit_lineage as l on l.new_code = s.unit_code
    where l.new_valid_from > make_date(s.year - 1, 12, 31)
      and l.new_valid_from <= make_date(s.year, 12, 31)
),

compared as (
    select
        s.*,
        case when r.unit_code is null then p.appraised_score end as previous_appraised_score
    from scores as s
    left join previous_year as p on p.unit_code = s.unit_code and p.area = s.area and p.year = s.year - 1
    left join re_formed as r on r.unit_code = s.unit_code and r.year = s.year
),

final as (
    select
        %(quarter)s as quarter,
        u.province_code,
        c.unit_code,
        u.unit_name,
        u.unit_level,
        c.year,
        c.area,
        c.max_score,
        c.self_score,
        c.appraised_score,
        c.appraised_score - c.self_score as appraised_minus_self,
        c.previous_appraised_score,
        c.appraised_score - c.previous_appraised_score as appraised_change
    from compared as c
    left join units as u on u.unit_code = c.unit_code
)

select * from final
order by unit_code, year, area
