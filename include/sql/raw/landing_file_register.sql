-- A new version, not current until its rows are in.
insert into raw.landing_file (
    path, checksum, size_bytes, unit_level, unit_code, quarter, dataset, file_format, status, is_current,
    modified_at
)
values (
    %(path)s, %(checksum)s, %(size_bytes)s, %(unit_level)s, %(unit_code)s, %(quarter)s, %(dataset)s,
    %(file_format)s, 'loaded', false, %(modified_at)s
)
returning file_id
