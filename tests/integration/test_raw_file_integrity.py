"""Every raw row belongs to a registered landing file: checked per statement (migration 023), for
every raw dataset table, on insert, COPY and update, and on the landing file's side on delete."""

from __future__ import annotations

import pytest
from psycopg import errors, sql

from cchc.sources.datasets import DATASETS
from tests.support.databases import register_landing_file

pytestmark = pytest.mark.integration


def _raw(dataset: str) -> sql.Composed:
    return sql.SQL("raw.{}").format(sql.Identifier(dataset))


@pytest.mark.parametrize("dataset", sorted(DATASETS))
def test_a_row_of_an_unregistered_file_is_refused_and_a_registered_one_accepted(conn, dataset):
    file_id = register_landing_file(conn, dataset, f"commune/20194/2024Q2/{dataset}.csv")
    conn.execute(sql.SQL("insert into {} (file_id, line_number) values (%s, 2)").format(_raw(dataset)), (file_id,))
    orphan = rf"raw\.{dataset}: file_id {file_id + 1000} is not in"
    with pytest.raises(errors.ForeignKeyViolation, match=orphan), conn.transaction():
        conn.execute(
            sql.SQL("insert into {} (file_id, line_number) values (%s, 3), (%s, 4)").format(_raw(dataset)),
            (file_id, file_id + 1000),
        )
    with pytest.raises(errors.ForeignKeyViolation), conn.transaction():
        conn.execute(sql.SQL("update {} set file_id = file_id + 1000").format(_raw(dataset)))
    assert conn.execute(sql.SQL("select file_id, line_number from {}").format(_raw(dataset))).fetchall() == [
        (file_id, 2)
    ]


def test_copy_checks_all_its_rows_at_once(conn):
    file_id = register_landing_file(conn, "dossiers", "commune/20194/2024Q2/dossiers.csv")
    rows = [(file_id, line) for line in range(2, 2002)] + [(file_id + 7, 2002)]
    statement = "copy raw.dossiers (file_id, line_number) from stdin"
    with (
        pytest.raises(errors.ForeignKeyViolation, match=rf"file_id {file_id + 7} is not in"),
        conn.transaction(),
        conn.cursor() as cur,
        cur.copy(statement) as copy,
    ):
        for row in rows:
            copy.write_row(row)
    assert conn.execute("select count(*) from raw.dossiers").fetchone()[0] == 0
    with conn.transaction(), conn.cursor() as cur, cur.copy(statement) as copy:
        for row in rows[:-1]:
            copy.write_row(row)
    assert conn.execute("select count(*) from raw.dossiers").fetchone()[0] == 2000


def test_a_landing_file_with_rows_cannot_be_deleted_and_one_without_can(conn):
    kept = register_landing_file(conn, "surveys", "commune/20194/2024Q2/surveys.csv")
    empty = register_landing_file(conn, "surveys", "commune/20195/2024Q2/surveys.csv")
    conn.execute("insert into raw.surveys (file_id, line_number) values (%s, 2)", (kept,))
    still_used = rf"file_id {kept} still has rows in raw\.surveys"
    with pytest.raises(errors.ForeignKeyViolation, match=still_used), conn.transaction():
        conn.execute("delete from raw.landing_file where file_id = any(%s)", ([kept, empty],))
    conn.execute("delete from raw.landing_file where file_id = %s", (empty,))
    remaining = conn.execute("select file_id from raw.landing_file where file_id = any(%s)", ([kept, empty],))
    assert remaining.fetchall() == [(kept,)]


def test_every_raw_dataset_table_is_covered_and_no_row_foreign_key_is_left(conn):
    covered = {
        name
        for (name,) in conn.execute(
            "select distinct event_object_table from information_schema.triggers"
            " where event_object_schema = 'raw' and trigger_name like 'rows_have_landing_file_on_%%'"
        )
    }
    assert covered == set(DATASETS)
    foreign_keys = conn.execute(
        "select count(*) from pg_constraint where contype = 'f' and confrelid = 'raw.landing_file'::regclass"
    ).fetchone()[0]
    assert foreign_keys == 0
