"""The order a step builds its relations in, from what each one's SQL reads: a relation comes after
the relations of the same step it names, so adding a mart that reads another needs no hand-kept list.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from cchc.warehouse.sql_files import read_sql

_REFERENCE = re.compile(r"\b(?:staging|core|mart)\.[a-z_][a-z0-9_]*\b")
_COMMENT = re.compile(r"--[^\n]*")


def relations_read(sql: str) -> set[str]:
    """Every schema-qualified name in the SQL outside its comments (tables, views, functions alike)."""
    return set(_REFERENCE.findall(_COMMENT.sub("", sql)))


def build_order(relations: Mapping[str, str]) -> tuple[tuple[str, str], ...]:
    """(relation, SQL file) pairs ordered so that each relation follows those of `relations` its file
    reads; among relations free to go, alphabetical. A cycle is an error naming its relations."""
    reads = {name: relations_read(read_sql(path)) & set(relations) - {name} for name, path in relations.items()}
    ordered: list[str] = []
    while len(ordered) < len(relations):
        ready = sorted(name for name in relations if name not in ordered and reads[name] <= set(ordered))
        if not ready:
            stuck = sorted(set(relations) - set(ordered))
            raise ValueError(f"these relations read each other in a cycle: {', '.join(stuck)}")
        ordered.append(ready[0])
    return tuple((name, relations[name]) for name in ordered)
