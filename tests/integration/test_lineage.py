"""The reform lineage and the renamed units in the warehouse: `core.admin_unit_lineage` beside `core.dim_admin_unit`."""

from __future__ import annotations

import psycopg
import pytest

from cchc.warehouse.lineage import load_admin_unit_lineage
from cchc.warehouse.reference import load_admin_units

pytestmark = pytest.mark.integration

LINEAGE_ROWS = 10_654

PREDECESSORS = """
    select o.unit_code, o.unit_name, o.parent_code, l.relation
    from core.admin_unit_lineage as l
    join core.dim_admin_unit as o on o.unit_code = l.old_code and o._valid_to = l.old_valid_to
    join core.dim_admin_unit as n on n.unit_code = l.new_code and n._valid_from = l.new_valid_from
    where n.unit_code = %(code)s and n.unit_level = 'commune'
    order by o.unit_code
"""

NAMES_ON = """
    select unit_code, unit_name
    from core.dim_admin_unit
    where %(day)s::date between _valid_from and _valid_to and unit_code = any(%(codes)s)
    order by unit_code
"""


@pytest.fixture
def loaded(conn: psycopg.Connection) -> psycopg.Connection:
    # Test databases come with the reference loaded, as prepare_warehouse leaves a warehouse.
    assert conn.execute("select count(*) from core.admin_unit_lineage").fetchone() == (LINEAGE_ROWS,)
    return conn


def test_a_first_load_inserts_every_lineage_row(conn: psycopg.Connection):
    with conn.transaction():
        conn.execute("delete from core.admin_unit_lineage")
    assert load_admin_unit_lineage(conn) == LINEAGE_ROWS


def test_loading_is_an_idempotent_upsert(loaded):
    assert load_admin_unit_lineage(loaded) == 0
    assert load_admin_units(loaded) == 0
    counts = loaded.execute(
        "select relation, count(*) from core.admin_unit_lineage group by relation order by relation"
    ).fetchall()
    assert counts == [("part", 1_031), ("whole", 9_623)]
    dates = loaded.execute("select distinct old_valid_to, new_valid_from from core.admin_unit_lineage").fetchall()
    assert [(a.isoformat(), b.isoformat()) for a, b in dates] == [("2025-06-30", "2025-07-01")]


def test_each_end_names_exactly_one_dimension_row(loaded):
    dangling = loaded.execute(
        """
        select count(*)
        from core.admin_unit_lineage as l
        where (select count(*) from core.dim_admin_unit as d
               where d.unit_code = l.old_code and d._valid_to = l.old_valid_to) <> 1
           or (select count(*) from core.dim_admin_unit as d
               where d.unit_code = l.new_code and d._valid_from = l.new_valid_from) <> 1
        """
    ).fetchone()[0]
    assert dangling == 0


def test_every_new_unit_lists_its_predecessors(loaded):
    orphans = loaded.execute(
        """
        select count(*)
        from core.dim_admin_unit as n
        where n._valid_from = '2025-07-01'
          and not exists (select 1 from core.admin_unit_lineage as l
                          where l.new_code = n.unit_code and l.new_valid_from = n._valid_from)
        """
    ).fetchone()[0]
    assert orphans == 0
    thuong_phuoc = loaded.execute(PREDECESSORS, {"code": "29971"}).fetchall()
    assert thuong_phuoc == [
        ("29956", "Xã Thường Phước 1", "870", "whole"),
        ("29971", "Thị trấn Thường Thới Tiền", "870", "whole"),
        ("29974", "Xã Thường Phước 2", "870", "whole"),
    ]
    hai_van = loaded.execute(PREDECESSORS, {"code": "20195"}).fetchall()
    assert ("20194", "Phường Hòa Hiệp Bắc", "490", "whole") in hai_van
    assert ("20296", "Xã Hòa Liên", "497", "part") in hai_van


def test_a_series_for_a_new_commune_is_flagged_approximate_where_a_predecessor_was_split(loaded):
    flags = dict(
        loaded.execute(
            """
            select new_code, bool_or(relation = 'part')
            from core.admin_unit_lineage
            where new_code in ('29971', '20195')
            group by new_code
            """
        ).fetchall()
    )
    assert flags == {"29971": False, "20195": True}


def test_renamed_town_has_two_intervals_with_their_names(loaded):
    history = loaded.execute(
        """
        select unit_name, unit_level, parent_code, _valid_from::text, _valid_to::text
        from core.dim_admin_unit where unit_code = '868' order by _valid_from
        """
    ).fetchall()
    assert history == [
        ("Thị xã Hồng Ngự", "district", "87", "-infinity", "2020-10-31"),
        ("Thành phố Hồng Ngự", "district", "87", "2020-11-01", "2025-06-30"),
    ]
    codes = ["868", "870", "29971"]
    assert loaded.execute(NAMES_ON, {"day": "2020-06-30", "codes": codes}).fetchall() == [
        ("29971", "Thị trấn Thường Thới Tiền"),
        ("868", "Thị xã Hồng Ngự"),
        ("870", "Huyện Hồng Ngự"),
    ]
    assert loaded.execute(NAMES_ON, {"day": "2020-11-01", "codes": codes}).fetchall() == [
        ("29971", "Thị trấn Thường Thới Tiền"),
        ("868", "Thành phố Hồng Ngự"),
        ("870", "Huyện Hồng Ngự"),
    ]
    assert loaded.execute(NAMES_ON, {"day": "2025-07-01", "codes": codes}).fetchall() == [
        ("29971", "Xã Thường Phước"),
    ]


def test_relation_is_constrained_and_documented(loaded):
    with pytest.raises(psycopg.errors.CheckViolation), loaded.transaction():
        loaded.execute(
            "insert into core.admin_unit_lineage values ('29956', '2025-06-30', '29972', '2025-07-01', 'partial')"
        )
    comment = loaded.execute("select obj_description('core.admin_unit_lineage'::regclass, 'pg_class')").fetchone()[0]
    assert "01/07/2025" in comment and "lineage" in comment
