-- The latest refresh of a quarter: a run that read the landing zone (ingest-only runs load files but
-- validate nothing).
select r.run_id, r.status, r.trigger, r.started_at, r.finished_at, r.message
from audit.pipeline_run as r
where r.quarter = %(quarter)s
  and exists (select 1 from audit.task_run as t where t.run_id = r.run_id and t.task_id = 'load_raw_files')
order by r.started_at desc
limit 1
