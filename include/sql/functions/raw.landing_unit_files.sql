create or replace function raw.landing_unit_files(p_quarter text, p_dataset text, p_landing_units text[])
returns table (file_id bigint)
language sql stable
as $$
    select f.file_id
    from raw.landing_file as f
    where f.quarter = p_quarter
      and f.dataset = p_dataset
      and f.unit_level || '/' || f.unit_code = any(p_landing_units)
$$;

comment on function raw.landing_unit_files(text, text, text[]) is
'Mọi phiên bản tệp của các đơn vị gửi (cấp/mã) cho một tập dữ liệu trong quý / every version of the given '
'landing units'' (''level/unit'') files of one dataset in the quarter: the rows to replace when they change';
