"""`cchc serve-warehouse`: the embedded warehouse on TCP for reporting tools, readers only, with a
password, on a PostgreSQL of the test's own (restarting the suite's shared server would cut the other
tests off)."""

from __future__ import annotations

import shutil
import socket
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from psycopg import sql

from cchc.cli import main
from cchc.warehouse.connection import connect, embedded_server, postmaster_info
from cchc.warehouse.partitions import ensure_partition
from cchc.warehouse.serve import Listen, ServeError
from tests.support.loopback import likely_free_port

pytestmark = pytest.mark.integration

PASSWORD = "Mật-khẩu đọc 2024"


def _serve_on_a_free_port(capsys) -> tuple[int, str, str]:
    """PostgreSQL cannot be told port 0, so take a free one; if another program takes it before PostgreSQL
    binds, `serve-warehouse` says so (exit 1, warehouse left on its socket) and we try another."""
    for _ in range(3):
        port = likely_free_port()
        code = main(["serve-warehouse", "--listen", f"127.0.0.1:{port}"])
        out, err = capsys.readouterr()
        if code == 0:
            return port, out, err
        assert code == 1 and f"127.0.0.1:{port}" in err, err
    raise AssertionError("no free port for the warehouse after 3 attempts")


@pytest.fixture
def embedded(monkeypatch) -> Iterator[Path]:
    """A fresh embedded warehouse for `cchc` (CCHC_WAREHOUSE_DIR), migrated, stopped afterwards."""
    folder = Path(tempfile.mkdtemp(prefix="cchc-serve-"))
    data = folder / "warehouse"
    monkeypatch.delenv("WAREHOUSE_URL", raising=False)
    monkeypatch.setenv("CCHC_WAREHOUSE_DIR", str(data))
    server = embedded_server(data, keep_running=False)
    assert main(["migrate"]) == 0
    yield data
    server.cleanup()
    shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def readers(embedded, monkeypatch) -> Iterator[tuple[str, str]]:
    """A reader of 87 with a password and one without; roles outlive nothing here but are dropped anyway."""
    with_password, without = (f"cchc_test_bi_{uuid.uuid4().hex[:6]}" for _ in range(2))
    monkeypatch.setenv("CCHC_READER_PASSWORD", PASSWORD)
    assert main(["grant-reader", "--province", "87", with_password]) == 0
    monkeypatch.delenv("CCHC_READER_PASSWORD")
    assert main(["grant-reader", "--province", "87", without]) == 0
    with connect() as conn:
        ensure_partition(conn, "mart.unit_quarter_indicators", "2024Q2")
        for code, name, province in (("87", "Tỉnh Đồng Tháp", "87"), ("48", "Thành phố Đà Nẵng", "48")):
            conn.execute(
                "insert into mart.unit_quarter_indicators (quarter, unit_code, unit_name, unit_level, province_code,"
                " reporting_units, online_target_percent) values ('2024Q2', %s, %s, 'province', %s, 1, 40)",
                (code, name, province),
            )
        conn.commit()
    yield with_password, without
    main(["serve-warehouse", "--stop"])
    with connect() as conn:
        conn.autocommit = True
        for login in (with_password, without):
            conn.execute(sql.SQL("drop owned by {}").format(sql.Identifier(login)))
            conn.execute(sql.SQL("drop role {}").format(sql.Identifier(login)))


def _tcp(port: int, user: str, password: str | None) -> psycopg.Connection:
    return psycopg.connect(
        host="127.0.0.1", port=port, dbname="cchc", user=user, password=password or "", connect_timeout=5
    )


def test_readers_sign_in_over_tcp_with_their_password_and_see_their_province(embedded, readers, capsys):
    reader, passwordless = readers
    with connect() as conn:
        before = conn.execute("select count(*) from pg_stat_activity where backend_type = 'client backend'")
        assert before.fetchone()[0] >= 1  # the socket answers; nothing listens on TCP yet (postmaster.pid)
    assert postmaster_info(embedded_server(embedded)).hostname in (None, "")

    port, out, err = _serve_on_a_free_port(capsys)
    assert f"127.0.0.1:{port}" in out
    assert passwordless in err and reader not in err

    with _tcp(port, reader, PASSWORD) as conn:
        rows = conn.execute('select "Mã đơn vị", "Tên đơn vị" from bao_cao.chi_so_don_vi').fetchall()
        assert rows == [("87", "Tỉnh Đồng Tháp")]
        assert conn.execute("select count(*) from mart.unit_quarter_indicators").fetchone() == (1,)
    for user, password, refusal in (
        (reader, "sai mật khẩu", "password authentication failed"),
        (passwordless, None, "password"),
        ("postgres", None, "rejects connection"),  # the owner, a superuser, never over TCP
    ):
        with pytest.raises(psycopg.OperationalError, match=refusal):
            _tcp(port, user, password)
    # The pipeline's own way in, the socket, still works.
    with connect() as conn:
        assert conn.execute("select count(*) from mart.unit_quarter_indicators").fetchone() == (2,)

    assert main(["serve-warehouse", "--stop"]) == 0
    with pytest.raises(psycopg.OperationalError):
        _tcp(port, reader, PASSWORD)
    with connect() as conn:
        assert conn.execute("select 1").fetchone() == (1,)


def test_serving_needs_an_address_and_the_embedded_warehouse(monkeypatch, capsys):
    monkeypatch.delenv("CCHC_WAREHOUSE_LISTEN", raising=False)
    assert main(["serve-warehouse"]) == 2
    assert "--listen 0.0.0.0:5433" in capsys.readouterr().err
    monkeypatch.setenv("WAREHOUSE_URL", "postgresql://someone@db.example/cchc")
    assert main(["serve-warehouse", "--listen", "0.0.0.0:5433"]) == 2
    assert "WAREHOUSE_URL names a server of its own" in capsys.readouterr().err


@pytest.mark.parametrize("text", ["5433", "0.0.0.0", "0.0.0.0:0", "0.0.0.0:70000", "host name:5433", ""])
def test_malformed_addresses_are_refused(text):
    with pytest.raises(ServeError):
        Listen.parse(text)


def test_addresses_parse():
    assert Listen.parse("0.0.0.0:5433") == Listen("0.0.0.0", 5433)
    assert Listen.parse("[::]:6000") == Listen("::", 6000)


def _held_port() -> socket.socket:
    holder = socket.socket()
    holder.bind(("127.0.0.1", 0))
    holder.listen()
    return holder


def test_a_taken_address_is_named_and_the_warehouse_keeps_its_socket(embedded, capsys):
    with _held_port() as holder:
        taken = holder.getsockname()[1]
        assert main(["serve-warehouse", "--listen", f"127.0.0.1:{taken}"]) == 1
        err = capsys.readouterr().err
        assert f"cannot listen on 127.0.0.1:{taken}" in err and "left as it was" in err
        with connect() as conn:
            assert conn.execute("select 1").fetchone() == (1,)
        assert postmaster_info(embedded_server(embedded)).hostname in (None, "")


def test_an_address_taken_while_postgresql_restarts_brings_it_back_on_its_socket(embedded, capsys, monkeypatch):
    """The race the check cannot close: the address is free when asked and taken when PostgreSQL binds.
    Skipping the check makes PostgreSQL itself meet the taken port."""
    monkeypatch.setattr("cchc.warehouse.serve._refuse_taken", lambda listen: None)
    with _held_port() as holder:
        taken = holder.getsockname()[1]
        assert main(["serve-warehouse", "--listen", f"127.0.0.1:{taken}"]) == 1
        err = capsys.readouterr().err
        assert f"PostgreSQL could not listen on 127.0.0.1:{taken}" in err
        assert "Address already in use" in err and "back on its socket alone" in err
    with connect() as conn:
        assert conn.execute("select 1").fetchone() == (1,)
    info = postmaster_info(embedded_server(embedded))
    assert info.hostname in (None, "") and info.port == 5432
