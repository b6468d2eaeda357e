-- One alert per failing DAG run, whichever of its tasks fails first and however often a callback
-- runs: the first caller inserts the row and sends; every later caller finds it and sends nothing.
create table audit.alert (
    dag_id     text not null,
    run_id     text not null,
    quarter    text,
    task_id    text,
    channel    text not null check (channel in ('webhook', 'email')),
    status     text not null default 'sending' check (status in ('sending', 'sent', 'failed')),
    created_at timestamptz not null default now(),
    sent_at    timestamptz,
    message    text not null,
    error      text,
    primary key (dag_id, run_id)
);

comment on table audit.alert is
    'Cảnh báo lần chạy lỗi / failure alert sent for a DAG run: at most one per (dag_id, run_id)';
comment on column audit.alert.status is
    'sending while the channel is called, then sent or failed (error says why)';
