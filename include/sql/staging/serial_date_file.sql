-- Whether every non-empty value of one date column ({date_column}) of one file in {raw_table} is a
-- plausible Excel serial day number (1990-01-01 to 2100-12-31 in the 1900 system): only then does
-- staging read the file's numbers in that column as dates.
select
    coalesce(
        bool_and(
            btrim({date_column}) ~ '^[0-9][0-9][0-9][0-9][0-9]([.,][0-9]+)?$'
            and replace(btrim({date_column}), ',', '.')::numeric >= %(low)s
            and replace(btrim({date_column}), ',', '.')::numeric < %(high)s + 1
        ),
        false
    )
from {raw_table}
where file_id = %(file_id)s
    and btrim({date_column}) <> ''
