-- The catalogues published in the quarter, each under the unit whose landing folder holds it. The
-- staged levels are already canonical (full, partial, none; commune, district, province); the legacy
-- level number is kept beside them because reports before Nghị định 42/2022 speak of "mức độ 3/4".
-- The procedures suite rejects a code listed twice in one file; two files of one unit in a quarter
-- keep the later file's row.
insert into core.dim_procedure (
    quarter, catalogue_unit_code, procedure_code, procedure_name, field, procedure_level,
    online_service, online_level_legacy, processing_days, file_id, line_number
)
with staged as (
    select s.*, f.unit_code as catalogue_unit_code
    from staging.stg_tthc__procedures as s
    join raw.landing_file as f on f.file_id = s.file_id
    where s.quarter = %(quarter)s
),

deduplicated as (
    select distinct on (catalogue_unit_code, procedure_code) *
    from staged
    order by catalogue_unit_code asc, procedure_code asc, file_id desc, line_number desc
),

final as (
    select
        quarter,
        catalogue_unit_code,
        procedure_code,
        procedure_name,
        field,
        level as procedure_level,
        online_level as online_service,
        case online_level when 'full' then 4 when 'partial' then 3 else 2 end as online_level_legacy,
        processing_days,
        file_id,
        line_number
    from deduplicated
)

select * from final
