create table audit.pipeline_run (
    run_id      text primary key,
    quarter     text not null,
    trigger     text not null check (trigger in ('cli', 'airflow', 'test')),
    started_at  timestamptz not null default now(),
    finished_at timestamptz,
    status      text not null default 'running' check (status in ('running', 'success', 'failed')),
    message     text
);

create table audit.task_run (
    run_id      text not null references audit.pipeline_run (run_id),
    task_id     text not null,
    started_at  timestamptz not null,
    finished_at timestamptz,
    status      text not null check (status in ('running', 'success', 'failed')),
    summary     jsonb,
    error       text,
    primary key (run_id, task_id, started_at)
);

-- Files that do not fit the landing contract (wrong folder, unknown dataset, unknown unit...).
create table audit.landing_problem (
    run_id  text not null references audit.pipeline_run (run_id),
    path    text not null,
    reason  text not null,
    primary key (run_id, path)
);

-- One row per file per run: the identity rows_read = rows_loaded + rows_quarantined is checked here.
create table audit.file_load (
    run_id           text not null references audit.pipeline_run (run_id),
    file_id          bigint not null,
    path             text not null,
    checksum         text not null,
    status           text not null check (status in ('loaded', 'rejected')),
    reason           text,
    rows_read        integer,
    rows_loaded      integer,
    rows_quarantined integer,
    primary key (run_id, file_id)
);
