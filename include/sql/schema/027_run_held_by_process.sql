-- A run whose every task runs in one process (`cchc refresh`) holds an advisory lock for its whole life,
-- so a run killed between two tasks is told from an Airflow run waiting for its next task.
alter table audit.pipeline_run add column held_by_process boolean not null default false;
comment on column audit.pipeline_run.held_by_process is
    'true when one process runs every task and holds the run''s advisory lock while it lives: a running '
    'run whose lock is free, with no task running, died between tasks and is marked interrupted.';
