-- The quarter's files in the landing zone as walked now, for build.sql beside it; gone with the transaction.
create temp table landing_snapshot (
    path        text primary key,
    unit_code   text not null,
    dataset     text not null,
    checksum    text not null,
    modified_at timestamptz not null
) on commit drop
