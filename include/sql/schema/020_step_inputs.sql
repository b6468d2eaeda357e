-- What each quarter's staged, core, mart and reconciliation partitions were last built from. A rerun
-- whose inputs hash to the same fingerprint leaves the partition as it is: unchanged files cost a
-- checksum, not a revalidation and rebuild of the quarter.

create table audit.step_input (
    quarter     text not null,
    step        text not null,
    scope       text not null,
    fingerprint text not null,
    run_id      text not null,
    recorded_at timestamptz not null default now(),
    primary key (quarter, step, scope)
);

comment on table audit.step_input is
    'Đầu vào của lần dựng gần nhất / the inputs the current partition of a step was built from, per quarter and scope (a dataset, or the whole quarter)';
comment on column audit.step_input.fingerprint is
    'SHA-256 of the inputs: file versions, suite, parameters, SQL and code; equal fingerprints mean the rebuild would give the same rows';
comment on column audit.step_input.run_id is
    'Lần chạy đã dựng / the run that built the partition in force (its validation results are the quarter''s)';
