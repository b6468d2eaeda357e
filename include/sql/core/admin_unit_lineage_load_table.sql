-- Landing table for admin_unit_lineage.csv, dropped at commit.
create temporary table if not exists admin_unit_lineage_load (
    old_code     text,
    old_level    text,
    new_code     text,
    new_level    text,
    relation     text,
    effective_on text
) on commit drop
