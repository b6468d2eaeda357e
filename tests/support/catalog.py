"""What a warehouse's schemas hold, read from the catalogue, so two warehouses built by different paths
(a fresh one, one upgraded from an earlier release) can be compared object by object."""

from __future__ import annotations

from typing import Any

import psycopg

SCHEMAS = ("audit", "raw", "staging", "quarantine", "core", "mart", "mart_partitions", "bao_cao")

_QUERIES = {
    "schemas": """
        select n.nspname, obj_description(n.oid, 'pg_namespace'), n.nspacl::text
        from pg_namespace as n where n.nspname = any(%(schemas)s)""",
    "relations": """
        select n.nspname || '.' || c.relname, c.relkind, c.relrowsecurity, c.reloptions::text,
               pg_get_partkeydef(c.oid), obj_description(c.oid, 'pg_class'), c.relacl::text,
               case when c.relkind = 'v' then pg_get_viewdef(c.oid) end
        from pg_class as c join pg_namespace as n on n.oid = c.relnamespace
        where n.nspname = any(%(schemas)s) and c.relkind in ('r', 'p', 'v', 'm', 'S') and not c.relispartition""",
    "columns": """
        select n.nspname || '.' || c.relname, a.attnum, a.attname, format_type(a.atttypid, a.atttypmod),
               a.attnotnull, pg_get_expr(d.adbin, d.adrelid), a.attidentity, a.attgenerated,
               col_description(c.oid, a.attnum)
        from pg_attribute as a
        join pg_class as c on c.oid = a.attrelid
        join pg_namespace as n on n.oid = c.relnamespace
        left join pg_attrdef as d on d.adrelid = a.attrelid and d.adnum = a.attnum
        where n.nspname = any(%(schemas)s) and c.relkind in ('r', 'p', 'v') and not c.relispartition
          and a.attnum > 0 and not a.attisdropped""",
    "constraints": """
        select n.nspname || '.' || c.relname, k.conname, pg_get_constraintdef(k.oid)
        from pg_constraint as k join pg_class as c on c.oid = k.conrelid
        join pg_namespace as n on n.oid = c.relnamespace
        where n.nspname = any(%(schemas)s) and not c.relispartition""",
    "indexes": """
        select n.nspname || '.' || i.relname, pg_get_indexdef(i.oid)
        from pg_index as x join pg_class as i on i.oid = x.indexrelid join pg_class as c on c.oid = x.indrelid
        join pg_namespace as n on n.oid = i.relnamespace
        where n.nspname = any(%(schemas)s) and not c.relispartition""",
    "policies": """
        select p.polrelid::regclass::text, p.polname, p.polcmd, p.polpermissive, p.polroles::regrole[]::text,
               pg_get_expr(p.polqual, p.polrelid), pg_get_expr(p.polwithcheck, p.polrelid)
        from pg_policy as p join pg_class as c on c.oid = p.polrelid
        join pg_namespace as n on n.oid = c.relnamespace where n.nspname = any(%(schemas)s)""",
    "triggers": """
        select t.tgrelid::regclass::text, t.tgname, pg_get_triggerdef(t.oid)
        from pg_trigger as t join pg_class as c on c.oid = t.tgrelid
        join pg_namespace as n on n.oid = c.relnamespace
        where n.nspname = any(%(schemas)s) and not t.tgisinternal and not c.relispartition""",
    "functions": """
        select n.nspname || '.' || p.proname || '(' || pg_get_function_identity_arguments(p.oid) || ')',
               pg_get_functiondef(p.oid), obj_description(p.oid, 'pg_proc'), p.proacl::text
        from pg_proc as p join pg_namespace as n on n.oid = p.pronamespace
        where n.nspname = any(%(schemas)s)""",
    "default_privileges": """
        select d.defaclnamespace::regnamespace::text, d.defaclobjtype, d.defaclacl::text
        from pg_default_acl as d""",
}


def catalogue(conn: psycopg.Connection) -> dict[str, list[tuple[Any, ...]]]:
    """Every kind of object above, each as a sorted list of rows."""
    found = {}
    for kind, query in _QUERIES.items():
        rows = conn.execute(query, {"schemas": list(SCHEMAS)}).fetchall()
        found[kind] = sorted(rows, key=repr)
    conn.rollback()
    return found


def differences(left: dict[str, list[tuple[Any, ...]]], right: dict[str, list[tuple[Any, ...]]]) -> list[str]:
    """One line per row found on one side only, naming the side and the kind of object."""
    lines = []
    for kind in _QUERIES:
        a, b = set(left[kind]), set(right[kind])
        lines += [f"{kind} only in the first: {row}" for row in sorted(a - b, key=repr)]
        lines += [f"{kind} only in the second: {row}" for row in sorted(b - a, key=repr)]
    return lines


def columns_and_comments(conn: psycopg.Connection, relation: str) -> list[tuple[str, str | None]]:
    """A relation's columns in table order, each with its COMMENT (None where it has none)."""
    return conn.execute(
        "select a.attname, col_description(a.attrelid, a.attnum) from pg_attribute as a "
        "where a.attrelid = to_regclass(%s) and a.attnum > 0 and not a.attisdropped order by a.attnum",
        (relation,),
    ).fetchall()
