-- The quarter's PAR INDEX scores from staging; each row names the unit scored, and the file's folder
-- names the appraiser. A (unit, year, area) listed twice keeps its last row.
insert into core.fct_par_score (
    quarter, unit_code, year, area, max_score, self_score, appraised_score,
    source_unit_code, source_level, file_id, line_number
)
with staged as (
    select *
    from staging.stg_par_index__scores
    where quarter = %(quarter)s
),

files as (
    select file_id, unit_code as source_unit_code
    from raw.landing_file
    where quarter = %(quarter)s and dataset = 'par_index'
),

deduplicated as (
    select distinct on (s.unit_code, s.year, s.area)
        s.*,
        f.source_unit_code
    from staged as s
    join files as f on f.file_id = s.file_id
    order by s.unit_code asc, s.year asc, s.area asc, s.file_id desc, s.line_number desc
),

final as (
    select
        quarter, unit_code, year, area, max_score, self_score, appraised_score,
        source_unit_code, source_level, file_id, line_number
    from deduplicated
)

select * from final
