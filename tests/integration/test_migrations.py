"""Migrations are history: a changed file is refused, except a listed revision of comments only."""

from __future__ import annotations

import hashlib

import pytest

from cchc.config import sql_dir
from cchc.warehouse.connection import connect
from cchc.warehouse.migrations import COMMENT_REVISIONS, list_migrations, migrate

pytestmark = pytest.mark.integration

# The name the comments gave the design page before they pointed at docs/design.md; it is no file of
# the project, only what the earlier text held, put back to recompute that text's checksum.
FORMER_NAME = "DESIGN" + ".md"
# The lines each listed revision replaced: putting them back must give the checksum it lists.
REPLACED_LINES = {
    "001_schemas.sql": [("(docs/design.md)", f"({FORMER_NAME})")],
    "021_desk_counts.sql": [
        ("(docs/design.md)", f"({FORMER_NAME})"),
        ("rules of docs/design.md and", f"rules of {FORMER_NAME} and"),
    ],
}


@pytest.mark.parametrize("name", sorted(COMMENT_REVISIONS))
def test_a_comment_revision_changed_comments_only(name: str) -> None:
    text = (sql_dir() / "schema" / name).read_text(encoding="utf-8")
    earlier = text
    for new, old in REPLACED_LINES[name]:
        assert new in earlier
        earlier = earlier.replace(new, old)
    assert {hashlib.sha256(earlier.encode("utf-8")).hexdigest()} == set(COMMENT_REVISIONS[name])
    changed = [(a, b) for a, b in zip(text.splitlines(), earlier.splitlines(), strict=True) if a != b]
    assert changed and all(a.lstrip().startswith(("--", "'")) for a, _ in changed)


def test_a_warehouse_that_applied_the_earlier_text_is_up_to_date(warehouse_db: str) -> None:
    with connect(warehouse_db) as conn:
        earlier = next(iter(COMMENT_REVISIONS["001_schemas.sql"]))
        conn.execute("update audit.schema_migration set checksum = %s where version = 1", (earlier,))
        conn.commit()
        assert migrate(conn) == []
        current = next(m for m in list_migrations() if m.version == 1).checksum
        assert conn.execute("select checksum from audit.schema_migration where version = 1").fetchone() == (current,)
        # Any other change is still refused.
        conn.execute("update audit.schema_migration set checksum = 'edited' where version = 1")
        conn.commit()
        with pytest.raises(RuntimeError, match=r"001_schemas\.sql was changed after it was applied"):
            migrate(conn)


def test_029_moves_the_mart_partitions_made_before_it_out_of_schema_mart(server_url, tmp_path) -> None:
    import shutil
    import uuid

    from cchc.warehouse.connection import ensure_database, with_database
    from tests.support.databases import drop_database

    earlier = tmp_path / "schema"
    earlier.mkdir()
    for migration in list_migrations():
        if migration.version < 29:
            shutil.copy(migration.path, earlier / migration.path.name)
    name = f"cchc_test_029_{uuid.uuid4().hex[:8]}"
    ensure_database(server_url, name)
    try:
        with connect(with_database(server_url, name)) as conn:
            migrate(conn, earlier)
            # A partition as the pipeline made them before 029, with a row and its primary-key index.
            conn.execute(
                "create table mart.unit_quarter_indicators_2024q2 partition of mart.unit_quarter_indicators "
                "for values in ('2024Q2')"
            )
            conn.execute(
                "insert into mart.unit_quarter_indicators (quarter, unit_code, unit_name, unit_level, province_code, "
                "reporting_units, online_target_percent) values ('2024Q2', '87', 'Tỉnh Đồng Tháp', 'province', '87', "
                "0, 40)"
            )
            conn.commit()
            assert migrate(conn) == [m.path.name for m in list_migrations() if m.version >= 29]
            where = conn.execute(
                "select relnamespace::regnamespace::text from pg_class where relname = 'unit_quarter_indicators_2024q2'"
            ).fetchall()
            assert where == [("mart_partitions",)]
            assert conn.execute(
                "select count(*) from mart.unit_quarter_indicators where quarter = '2024Q2'"
            ).fetchone() == (1,)
            indexes = conn.execute(
                "select i.relnamespace::regnamespace::text from pg_index as x "
                "join pg_class as i on i.oid = x.indexrelid "
                "where x.indrelid = 'mart_partitions.unit_quarter_indicators_2024q2'::regclass"
            ).fetchall()
            assert indexes and set(indexes) == {("mart_partitions",)}
    finally:
        drop_database(server_url, name)
