-- Columns of one relation with their types and COMMENTs, in table order.
select a.attname, format_type(a.atttypid, a.atttypmod), coalesce(col_description(a.attrelid, a.attnum), '')
from pg_attribute as a
where a.attrelid = %(oid)s and a.attnum > 0 and not a.attisdropped
order by a.attnum
