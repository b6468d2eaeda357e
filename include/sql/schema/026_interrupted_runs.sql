-- A run or task whose process died (killed, out of memory, a lost machine) is marked interrupted by the
-- next run, instead of staying "running" for ever (cchc.quality.audit.mark_interrupted).
alter table audit.pipeline_run drop constraint pipeline_run_status_check;
alter table audit.pipeline_run add constraint pipeline_run_status_check
    check (status in ('running', 'success', 'failed', 'interrupted'));
alter table audit.task_run drop constraint task_run_status_check;
alter table audit.task_run add constraint task_run_status_check
    check (status in ('running', 'success', 'failed', 'interrupted'));
