"""The order relations are created and built in, from what each one declares it depends on: a relation
comes after those of the same set it names, so adding a mart that reads another needs no hand-kept list.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

_REFERENCE = re.compile(r"\b(?:raw|staging|core|mart|bao_cao|audit)\.[a-z_][a-z0-9_]*\b")
_COMMENT = re.compile(r"--[^\n]*")


def relations_read(sql: str) -> set[str]:
    """Every schema-qualified name in the SQL outside its comments (tables, views, functions alike)."""
    return set(_REFERENCE.findall(_COMMENT.sub("", sql)))


def dependency_order(depends_on: Mapping[str, Iterable[str]]) -> tuple[str, ...]:
    """The names of `depends_on` ordered so that each follows the names of the mapping it depends on;
    among names free to go, alphabetical. A cycle is an error naming its members."""
    reads = {name: set(needs) & set(depends_on) - {name} for name, needs in depends_on.items()}
    ordered: list[str] = []
    while len(ordered) < len(reads):
        ready = sorted(name for name in reads if name not in ordered and reads[name] <= set(ordered))
        if not ready:
            stuck = sorted(set(reads) - set(ordered))
            raise ValueError(f"these relations read each other in a cycle: {', '.join(stuck)}")
        ordered.append(ready[0])
    return tuple(ordered)
