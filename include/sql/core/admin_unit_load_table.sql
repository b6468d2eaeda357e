-- Landing table for the reference CSV, dropped at commit.
create temporary table if not exists admin_unit_load (
    unit_code     text,
    unit_level    text,
    unit_name     text,
    parent_code   text,
    province_code text,
    valid_from    text,
    valid_to      text
) on commit drop
