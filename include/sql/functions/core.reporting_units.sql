create or replace function core.reporting_units(p_quarter text, p_dataset text)
returns table (unit_code text)
language sql stable
as $$
    select distinct f.unit_code
    from raw.landing_file as f
    where f.quarter = p_quarter
      and f.dataset = p_dataset
      and f.is_current
      and f.status = 'loaded'
      and (
          coalesce(f.rows_read, 0) - f.rows_skipped = 0
          or (p_dataset = 'dossiers' and exists (
              select 1 from staging.stg_one_stop__dossiers as s where s.quarter = p_quarter and s.file_id = f.file_id))
          or (p_dataset = 'surveys' and exists (
              select 1 from staging.stg_sipas__survey_responses as s
              where s.quarter = p_quarter and s.file_id = f.file_id))
          or p_dataset not in ('dossiers', 'surveys')
      )
$$;

comment on function core.reporting_units(text, text) is
'Đơn vị có báo cáo trong quý / units whose export of the dataset for the quarter was loaded with at least one '
'row that passed the checks, or with no row at all; a unit all of whose rows were rejected does not report';
