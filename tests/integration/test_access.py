"""Access with real logins: a reader connects as itself and PostgreSQL, not the test, filters its rows."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator

import psycopg
import pytest
from psycopg import errors, sql
from psycopg.conninfo import conninfo_to_dict, make_conninfo

from cchc.cli import main
from cchc.warehouse.access import AccessError, apply_row_security, grant_reader, password_verifier, revoke_reader
from cchc.warehouse.bootstrap import bootstrap_warehouse
from cchc.warehouse.connection import connect, ensure_database, with_database
from cchc.warehouse.partitions import ensure_partition

pytestmark = pytest.mark.integration

QUARTER = "2024Q2"
# unit_code, unit_name, unit_level, parent_code, province_code
UNITS = [
    ("87", "Tỉnh Đồng Tháp", "province", None, "87"),
    ("870", "Huyện Hồng Ngự", "district", "87", "87"),
    ("48", "Thành phố Đà Nẵng", "province", None, "48"),
    ("490", "Quận Liên Chiểu", "district", "48", "48"),
    ("20194", "Phường Hòa Hiệp Bắc", "commune", "490", "48"),
]
OTHER_LAYERS = [
    "core.dim_admin_unit",
    "core.admin_unit_lineage",
    "core.fct_dossier",
    "raw.landing_file",
    "raw.dossiers",
    "staging.stg_one_stop__dossiers",
    "quarantine.rejected_row",
    "audit.pipeline_run",
    "audit.file_load",
    "audit.schema_migration",
]


class Logins:
    """Login roles a test creates; dropped afterwards, since roles outlive the test database."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.names: list[str] = []

    def new(self, stem: str = "cchc_test_reader") -> str:
        return self.track(f"{stem}_{uuid.uuid4().hex[:8]}")

    def track(self, name: str) -> str:
        self.names.append(name)
        return name

    def conninfo(self, login: str) -> str:
        """The warehouse database, signed in as `login` (the test servers trust local logins)."""
        params = conninfo_to_dict(self.url)
        params.pop("password", None)
        params["user"] = login
        return make_conninfo(**params)

    def drop_all(self) -> None:
        with psycopg.connect(self.url, autocommit=True) as admin:
            for name in self.names:
                if admin.execute("select 1 from pg_roles where rolname = %s", (name,)).fetchone():
                    admin.execute(sql.SQL("drop owned by {}").format(sql.Identifier(name)))
                    admin.execute(sql.SQL("drop role {}").format(sql.Identifier(name)))


@pytest.fixture
def logins(warehouse_db: str) -> Iterator[Logins]:
    created = Logins(warehouse_db)
    yield created
    created.drop_all()


@pytest.fixture
def indicators(conn: psycopg.Connection) -> psycopg.Connection:
    """Mart rows of provinces 87 and 48, written by the owner as the pipeline would."""
    with conn.transaction():
        ensure_partition(conn, "mart.unit_quarter_indicators", QUARTER)
        with conn.cursor() as cur:
            cur.executemany(
                """insert into mart.unit_quarter_indicators
                       (quarter, unit_code, unit_name, unit_level, parent_code, province_code, reporting_units,
                        received, resolved)
                   values (%s, %s, %s, %s, %s, %s, 1, 10, 8)""",
                [(QUARTER, *unit) for unit in UNITS],
            )
    return conn


def visible_units(conninfo: str) -> list[tuple[str, str]]:
    with psycopg.connect(conninfo) as reader:
        return reader.execute(
            "select province_code, unit_code from mart.unit_quarter_indicators order by unit_code"
        ).fetchall()


def units_of(*provinces: str) -> list[tuple[str, str]]:
    return sorted(((u[4], u[0]) for u in UNITS if u[4] in provinces), key=lambda pair: pair[1])


def test_a_reader_sees_only_its_province_through_the_partitioned_table(indicators, logins):
    login = logins.new()
    grant_reader(indicators, login, ["87"])

    assert visible_units(logins.conninfo(login)) == units_of("87")
    # The owner (the pipeline) is not filtered.
    assert indicators.execute("select count(*) from mart.unit_quarter_indicators").fetchone() == (len(UNITS),)
    with psycopg.connect(logins.conninfo(login), autocommit=True) as reader:
        assert reader.execute("select current_user").fetchone() == (login,)
        # A filter the reader writes itself cannot widen what the policy lets through.
        assert reader.execute(
            "select count(*) from mart.unit_quarter_indicators where province_code = '48' or true"
        ).fetchone() == (len(units_of("87")),)
        assert reader.execute("select mart.pct(1, 4)").fetchone()[0] == 25
        # The partition is read only through its parent, whose policy applies.
        with pytest.raises(errors.InsufficientPrivilege):
            reader.execute("select * from mart_partitions.unit_quarter_indicators_2024q2")


def test_a_reader_sees_its_own_rows_of_reader_province_only(indicators, logins):
    first, second = logins.new(), logins.new()
    grant_reader(indicators, first, ["87"])
    grant_reader(indicators, second, ["87", "48"])

    with psycopg.connect(logins.conninfo(first)) as reader:
        assert reader.execute("select role_name, province_code from mart.reader_province").fetchall() == [(first, "87")]


@pytest.mark.parametrize("table", OTHER_LAYERS)
def test_a_reader_cannot_read_the_other_layers(conn, logins, table):
    login = logins.new()
    grant_reader(conn, login, ["87"])
    with (
        psycopg.connect(logins.conninfo(login), autocommit=True) as reader,
        pytest.raises(errors.InsufficientPrivilege, match="permission denied for schema"),
    ):
        reader.execute(f"select * from {table} limit 1")


def test_a_reader_cannot_write_or_grant_itself_provinces(indicators, logins):
    login = logins.new()
    grant_reader(indicators, login, ["87"])
    attempts = [
        "insert into mart.unit_quarter_indicators (quarter, unit_code, unit_name, unit_level, province_code, "
        "reporting_units) values ('2024Q2', '87001', 'x', 'commune', '87', 0)",
        "update mart.unit_quarter_indicators set received = 0",
        "delete from mart.unit_quarter_indicators",
        "truncate mart.unit_quarter_indicators",
        f"insert into mart.reader_province values ('{login}', '48')",
        "delete from mart.reader_province",
        "create table mart.mine (x int)",
        "create table public.mine (x int)",
        "select core.resolution_status(current_date, current_date)",
    ]
    with psycopg.connect(logins.conninfo(login), autocommit=True) as reader:
        for statement in attempts:
            with pytest.raises(errors.InsufficientPrivilege):
                reader.execute(statement)
    assert visible_units(logins.conninfo(login)) == units_of("87")


def test_a_reader_of_two_provinces_sees_both_and_a_new_grant_replaces_the_list(indicators, logins):
    login = logins.new()
    grant_reader(indicators, login, ["87", "48", "87"])
    assert visible_units(logins.conninfo(login)) == units_of("87", "48")

    grant_reader(indicators, login, ["48"])
    assert visible_units(logins.conninfo(login)) == units_of("48")


def test_revoking_removes_access_and_keeps_the_login(indicators, logins):
    login = logins.new()
    grant_reader(indicators, login, ["87"])
    assert revoke_reader(indicators, login) is True

    with (
        psycopg.connect(logins.conninfo(login), autocommit=True) as reader,
        pytest.raises(errors.InsufficientPrivilege, match="permission denied for schema mart"),
    ):
        reader.execute("select * from mart.unit_quarter_indicators")
    assert indicators.execute("select count(*) from mart.reader_province").fetchone() == (0,)
    assert revoke_reader(indicators, login) is False
    assert revoke_reader(indicators, f"never_granted_{uuid.uuid4().hex[:8]}") is False


@pytest.mark.parametrize("stem", ['cán bộ "tỉnh"', "x\"; drop table mart.reader_province; --'"])
def test_odd_login_names_are_quoted_not_executed(indicators, logins, stem):
    login = logins.track(f"{stem} {uuid.uuid4().hex[:6]}")
    grant_reader(indicators, login, ["48"], password="mật khẩu 'với' \"dấu\" $$;")

    with psycopg.connect(logins.conninfo(login)) as reader:
        assert reader.execute("select current_user").fetchone() == (login,)
    assert visible_units(logins.conninfo(login)) == units_of("48")
    assert indicators.execute("select role_name from mart.reader_province").fetchall() == [(login,)]


@pytest.mark.parametrize(
    ("provinces", "message"),
    [
        (["99"], "unknown province code(s) 99: not a province in core.dim_admin_unit"),
        (["87", "00"], "unknown province code(s) 00"),
        (["870"], "province codes are 2 digits"),
        (["8"], "province codes are 2 digits"),
        ([], "at least one province"),
    ],
)
def test_a_grant_of_an_unknown_province_is_refused_before_anything_changes(conn, logins, provinces, message):
    login = logins.new()
    with pytest.raises(AccessError, match=re.escape(message)):
        grant_reader(conn, login, provinces)
    assert conn.execute("select count(*) from pg_roles where rolname = %s", (login,)).fetchone() == (0,)
    assert conn.execute("select count(*) from mart.reader_province").fetchone() == (0,)


def test_roles_that_bypass_row_security_and_reserved_names_are_refused(conn, logins):
    owner = conn.execute("select current_user").fetchone()[0]
    loader = logins.new("cchc_test_loader")
    conn.execute(sql.SQL("create role {} login in role cchc_loader").format(sql.Identifier(loader)))
    conn.commit()
    for name in (owner, loader):
        with pytest.raises(AccessError, match="bypasses row-level security"):
            grant_reader(conn, name, ["87"])
    for name in ("cchc_reader", "cchc_loader", "public", "pg_monitor", "x" * 64):
        with pytest.raises(AccessError):
            grant_reader(conn, name, ["87"])
    assert conn.execute("select count(*) from mart.reader_province").fetchone() == (0,)


def test_a_loader_login_reads_and_writes_every_province(indicators, logins):
    loader = logins.new("cchc_test_loader")
    indicators.execute(sql.SQL("create role {} login in role cchc_loader").format(sql.Identifier(loader)))
    indicators.commit()
    with psycopg.connect(logins.conninfo(loader)) as load:
        assert load.execute("select count(*) from mart.unit_quarter_indicators").fetchone() == (len(UNITS),)
        assert load.execute("select count(*) from core.dim_admin_unit").fetchone()[0] > 0
        updated = load.execute("update mart.unit_quarter_indicators set received = 0 where province_code = '48'")
        assert updated.rowcount == len(units_of("48"))
        load.execute(
            "insert into mart.unit_quarter_indicators (quarter, unit_code, unit_name, unit_level, province_code, "
            "reporting_units) values (%s, '20197', 'Phường Hòa Khánh Bắc', 'commune', '48', 0)",
            (QUARTER,),
        )
        load.execute("insert into audit.pipeline_run (run_id, quarter, trigger) values ('l', %s, 'test')", (QUARTER,))
    assert indicators.execute("select count(*) from mart.unit_quarter_indicators").fetchone() == (len(UNITS) + 1,)


def test_new_mart_tables_and_partitions_are_covered_by_apply_row_security(indicators, logins):
    login = logins.new()
    grant_reader(indicators, login, ["87"])
    with indicators.transaction():
        indicators.execute("create table mart.extra_by_province (province_code text not null, score int)")
        indicators.execute("insert into mart.extra_by_province values ('87', 1), ('48', 2)")
        indicators.execute("create table mart.extra_lookup (code text primary key)")
        indicators.execute("insert into mart.extra_lookup values ('a')")
        # A partition the pipeline adds at run time, and careless blanket grants that reach it.
        ensure_partition(indicators, "mart.unit_quarter_indicators", "2024Q3")
        indicators.execute("grant usage on schema mart_partitions to cchc_reader")
        indicators.execute("grant select on all tables in schema mart, mart_partitions to cchc_reader")
    with psycopg.connect(logins.conninfo(login), autocommit=True) as reader:
        assert reader.execute("select count(*) from mart_partitions.unit_quarter_indicators_2024q3").fetchone() == (0,)

    apply_row_security(indicators)
    apply_row_security(indicators)  # idempotent

    with psycopg.connect(logins.conninfo(login), autocommit=True) as reader:
        assert reader.execute("select province_code, score from mart.extra_by_province").fetchall() == [("87", 1)]
        assert reader.execute("select code from mart.extra_lookup").fetchall() == [("a",)]
        for partition in (
            "mart_partitions.unit_quarter_indicators_2024q2",
            "mart_partitions.unit_quarter_indicators_2024q3",
        ):
            with pytest.raises(errors.InsufficientPrivilege):
                reader.execute(f"select * from {partition}")
        assert reader.execute("select count(*) from mart.unit_quarter_indicators").fetchone() == (len(units_of("87")),)


def test_every_mart_table_with_a_province_has_row_security_after_apply(conn):
    apply_row_security(conn)
    uncovered = conn.execute(
        """
        select c.relname
        from pg_class as c
        join pg_attribute as a on a.attrelid = c.oid and a.attname = 'province_code'
        where c.relnamespace = 'mart'::regnamespace and c.relkind in ('r', 'p') and not c.relispartition
          and c.relname <> 'reader_province'
          and not (c.relrowsecurity and exists (
              select from pg_policy as p where p.polrelid = c.oid and p.polname = 'reader_own_province'))
        """
    ).fetchall()
    assert uncovered == []


def test_migrating_another_warehouse_on_the_same_server_reuses_the_roles(server_url):
    name = f"cchc_test_roles_{uuid.uuid4().hex[:8]}"
    ensure_database(server_url, name)
    try:
        with connect(with_database(server_url, name)) as other:
            # As `cchc migrate` does it: the migrations, then the marts (models), then row security on them.
            assert "010_roles.sql" in bootstrap_warehouse(other)["migrations_applied"]
            roles = other.execute(
                "select rolname, rolcanlogin from pg_roles where rolname in ('cchc_loader', 'cchc_reader') "
                "order by rolname"
            ).fetchall()
            assert roles == [("cchc_loader", False), ("cchc_reader", False)]
            assert other.execute(
                "select relrowsecurity from pg_class where oid = 'mart.unit_quarter_indicators'::regclass"
            ).fetchone() == (True,)
    finally:
        with psycopg.connect(server_url, autocommit=True) as admin:
            admin.execute(sql.SQL("drop database if exists {} with (force)").format(sql.Identifier(name)))


def test_the_commands_grant_and_revoke(indicators, logins, warehouse_db, monkeypatch, capsys):
    monkeypatch.setenv("WAREHOUSE_URL", warehouse_db)
    monkeypatch.delenv("CCHC_READER_PASSWORD", raising=False)
    login = logins.new()

    assert main(["grant-reader", "--province", "87", "--province", "48", login]) == 0
    assert visible_units(logins.conninfo(login)) == units_of("87", "48")
    assert main(["grant-reader", "--province", "99", login]) == 1
    assert "unknown province code(s) 99" in capsys.readouterr().err
    assert visible_units(logins.conninfo(login)) == units_of("87", "48")

    assert main(["revoke-reader", login]) == 0
    assert "no longer reads schema mart" in capsys.readouterr().out
    with psycopg.connect(logins.conninfo(login)) as reader, pytest.raises(errors.InsufficientPrivilege):
        reader.execute("select 1 from mart.unit_quarter_indicators")


def test_a_reader_reads_the_par_index_totals_view_of_its_province_only(conn, logins):
    # The view is security_invoker: it reads with the reader's rights, so mart.par_index's policy filters it.
    with conn.transaction():
        ensure_partition(conn, "mart.par_index", "2024Q4")
        conn.execute(
            """insert into mart.par_index (quarter, province_code, unit_code, unit_name, unit_level, year, area,
                                          max_score, self_score)
               values ('2024Q4', '87', '870', 'Huyện Hồng Ngự', 'district', 2024, 'Cải cách TTHC', 10, 8),
                      ('2024Q4', '48', '490', 'Quận Liên Chiểu', 'district', 2024, 'Cải cách TTHC', 10, 9)"""
        )
    login = logins.new()
    grant_reader(conn, login, ["48"])
    with psycopg.connect(logins.conninfo(login)) as reader:
        rows = reader.execute("select province_code, unit_code, self_score from mart.par_index_totals").fetchall()
    assert rows == [("48", "490", 9)]


def test_the_password_reaches_the_server_only_as_a_scram_verifier(conn, logins, monkeypatch):
    login = logins.new()
    password = "mật khẩu 'đọc' số 1"
    sent: list[str] = []
    execute = type(conn).execute

    def spy(self, query, params=None, **kwargs):
        sent.append(query.as_string(self) if hasattr(query, "as_string") else str(query))
        return execute(self, query, params, **kwargs)

    monkeypatch.setattr(type(conn), "execute", spy)
    grant_reader(conn, login, ["87"], password=password)
    monkeypatch.undo()
    # Every statement sent: the role's carries the verifier, none the password (nor a part of it).
    assert any("SCRAM-SHA-256$4096:" in text for text in sent)
    assert not any("khẩu" in text or "đọc" in text for text in sent)
    (stored,) = conn.execute("select rolpassword from pg_authid where rolname = %s", (login,)).fetchone()
    assert stored.startswith("SCRAM-SHA-256$4096:")
    assert password_verifier(conn, login, password).startswith("SCRAM-SHA-256$4096:")
