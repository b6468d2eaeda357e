-- A version of a landing file already seen: same path, same content.
select file_id, is_current, rows_read, reason, rows_skipped, warnings
from raw.landing_file
where path = %(path)s and checksum = %(checksum)s
