"""Migrations are history: a changed file is refused, except a listed revision (comments only, or the
derived relations moved out to their model folders: tests/models/test_models.py)."""

from __future__ import annotations

import hashlib

import pytest

from cchc.config import sql_dir
from cchc.warehouse.connection import connect
from cchc.warehouse.migrations import REVISIONS, list_migrations, migrate

pytestmark = pytest.mark.integration

# The name the comments gave the design page before they pointed at docs/design.md; it is no file of
# the project, only what the earlier text held, put back to recompute that text's checksum.
FORMER_NAME = "DESIGN" + ".md"
# The lines each listed revision replaced: putting them back must give the checksum it lists.
REPLACED_LINES = {
    "001_schemas.sql": [("(docs/design.md)", f"({FORMER_NAME})")],
}


@pytest.mark.parametrize("name", sorted(REPLACED_LINES))
def test_a_comment_revision_changed_comments_only(name: str) -> None:
    text = (sql_dir() / "schema" / name).read_text(encoding="utf-8")
    earlier = text
    for new, old in REPLACED_LINES[name]:
        assert new in earlier
        earlier = earlier.replace(new, old)
    assert {hashlib.sha256(earlier.encode("utf-8")).hexdigest()} == set(REVISIONS[name])
    changed = [(a, b) for a, b in zip(text.splitlines(), earlier.splitlines(), strict=True) if a != b]
    assert changed and all(a.lstrip().startswith(("--", "'")) for a, _ in changed)


def test_a_warehouse_that_applied_the_earlier_text_is_up_to_date(warehouse_db: str) -> None:
    with connect(warehouse_db) as conn:
        earlier = next(iter(REVISIONS["001_schemas.sql"]))
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
