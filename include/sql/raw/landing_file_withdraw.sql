-- A file withdrawn from the landing zone: no longer current, with the reason kept (its raw rows are deleted
-- in the same transaction).
update raw.landing_file
set is_current = false, reason = %(reason)s
where file_id = %(file_id)s
