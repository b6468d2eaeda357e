"""Who has sent what (mart.submission_status, `cchc status`), against a landing zone built here with
file times set by hand, for Đồng Tháp (87) in 2024Q2.

What the province owes that quarter, counted from include/reference/admin_units.csv (units of province
87 valid on 30/06/2024): 1 province, 12 districts, 141 communes; so 153 dossiers exports (communes and
district desks) and 13 Biểu II.06a forms (districts and the province), 166 in all. Due dates with the
default 5 days: dossiers 30/06 + 5 = 05/07/2024; Biểu II.06a 14/06 (Decree 09/2019 cut-off) + 5 = 19/06/2024.

Five communes of thành phố Cao Lãnh (866) send something:
- 29869 Phường 1: a first version on 03/07 09:00, replaced on 08/07: on time (its first arrival), 2 versions;
- 29872 Phường 4: 09/07 08:00, late;
- 29875 Phường 3: 02/07, but not a CSV at all (PNG bytes): refused, to send again;
- 29878 Phường 6: 05/07 23:30 Việt Nam time, after the last refresh: on time, not loaded yet;
- 29881 Phường Mỹ Ngãi: 05/07 23:30 UTC, which is 06/07 06:30 in Việt Nam: late.
"""

from __future__ import annotations

import json
import os
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path

import pytest

from cchc import submissions
from cchc.cli import main
from cchc.pipeline import RefreshFailed
from cchc.quarters import Quarter
from cchc.warehouse.access import grant_reader
from cchc.warehouse.connection import connect
from tests.integration.helpers import refresh, write_dossiers

pytestmark = pytest.mark.integration

QUARTER = Quarter(2024, 2)
VN = timezone(timedelta(hours=7))
CHECK_AFTER = datetime(2024, 7, 10, 12, 0, tzinfo=VN)
CHECK_BEFORE = datetime(2024, 7, 4, 12, 0, tzinfo=VN)


def _rows(unit: str, count: int) -> list[tuple]:
    return [
        (f"{unit}-{n}", unit, "1.000101", "Hộ tịch", "Trực tiếp", "02/04/2024 08:00", "05/04/2024 17:00",
         "05/04/2024 10:00", "Không", "0")
        for n in range(count)
    ]  # fmt: skip


def _sent(landing: Path, unit: str, count: int, at: datetime) -> Path:
    path = write_dossiers(landing, "commune", unit, str(QUARTER), _rows(unit, count))
    os.utime(path, (at.timestamp(), at.timestamp()))
    return path


@pytest.fixture
def landing(warehouse_db: str, tmp_path: Path) -> Path:
    landing = tmp_path / "landing"
    _sent(landing, "29869", 2, datetime(2024, 7, 3, 9, 0, tzinfo=VN))
    refresh(warehouse_db, landing, str(QUARTER), run_id="first")
    _sent(landing, "29869", 3, datetime(2024, 7, 8, 9, 0, tzinfo=VN))
    _sent(landing, "29872", 2, datetime(2024, 7, 9, 8, 0, tzinfo=VN))
    refused = landing / "commune" / "29875" / str(QUARTER) / "dossiers.csv"
    refused.parent.mkdir(parents=True)
    refused.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)))
    os.utime(refused, (datetime(2024, 7, 2, tzinfo=VN).timestamp(),) * 2)
    with pytest.raises(RefreshFailed, match="29875"):
        refresh(warehouse_db, landing, str(QUARTER), run_id="second")
    # Arrived after the last refresh.
    _sent(landing, "29878", 1, datetime(2024, 7, 5, 23, 30, tzinfo=VN))
    _sent(landing, "29881", 1, datetime(2024, 7, 5, 23, 30, tzinfo=UTC))
    return landing


def _by_unit(rows: list[submissions.Submission], dataset: str = "dossiers") -> dict[str, submissions.Submission]:
    return {row["unit_code"]: row for row in rows if row["dataset"] == dataset}


def test_who_sent_on_time_late_refused_or_not_at_all(warehouse_db: str, landing: Path) -> None:
    with connect(warehouse_db) as conn, conn.transaction():
        rows = submissions.status(conn, landing, QUARTER, as_of=CHECK_AFTER)
    assert len(rows) == 166
    assert all(row["expected"] for row in rows)
    assert submissions.counts(rows) == {"on_time": 2, "late": 2, "rejected": 1, "missing": 161, "not_due": 0}

    dossiers = _by_unit(rows)
    first = dossiers["29869"]
    assert (first["submission"], first["versions"], first["file_status"], first["data_rows"]) == (
        "on_time", 2, "loaded", 3)  # fmt: skip
    assert first["received_at"] == datetime(2024, 7, 3, 9, 0, tzinfo=VN)
    assert first["path"] == "commune/29869/2024Q2/dossiers.csv"
    assert (first["unit_name"], first["parent_code"], first["province_code"]) == ("Phường 1", "866", "87")
    assert (first["period_end"], first["due_on"]) == (date(2024, 6, 30), date(2024, 7, 5))
    assert (dossiers["29872"]["submission"], dossiers["29872"]["submission_vi"]) == ("late", "trễ hạn")
    assert (dossiers["29875"]["submission"], dossiers["29875"]["file_status"]) == ("rejected", "rejected")
    assert dossiers["29875"]["data_rows"] is None
    assert (dossiers["29878"]["submission"], dossiers["29878"]["file_status"]) == ("on_time", "not_loaded_yet")
    assert dossiers["29878"]["versions"] == 1
    assert dossiers["29881"]["submission"] == "late"
    for unit in ("29884", "866"):  # a commune and the district's own desk that sent nothing
        assert (dossiers[unit]["submission"], dossiers[unit]["path"], dossiers[unit]["versions"]) == (
            "missing", None, 0)  # fmt: skip
    forms = _by_unit(rows, "one_stop_report")
    assert sorted(forms) == sorted(["87", "866", "867", "868", "869", "870", "871", "872", "873", "874", "875",
                                    "876", "877"])  # fmt: skip
    assert {row["due_on"] for row in forms.values()} == {date(2024, 6, 19)}
    assert {row["submission"] for row in forms.values()} == {"missing"}


def test_before_the_dossiers_fall_due_only_the_forms_are_overdue(warehouse_db: str, landing: Path) -> None:
    with connect(warehouse_db) as conn, conn.transaction():
        rows = submissions.status(conn, landing, QUARTER, as_of=CHECK_BEFORE)
    assert submissions.counts(rows) == {"on_time": 2, "late": 2, "rejected": 1, "missing": 13, "not_due": 148}
    # The refused file is not chased before its due date; the 13 overdue forms are.
    chase = [row for row in rows if row.to_chase]
    assert len(chase) == 13 and {row["dataset"] for row in chase} == {"one_stop_report"}
    assert submissions.chase_key(QUARTER, rows) == "2024Q2/one_stop_report@2024-06-19"


def test_the_reminder_names_every_unit_to_chase(warehouse_db: str, landing: Path) -> None:
    with connect(warehouse_db) as conn, conn.transaction():
        rows = submissions.status(conn, landing, QUARTER, as_of=CHECK_AFTER)
    text = submissions.reminder_text(QUARTER, rows)
    assert text is not None
    assert text.splitlines()[0] == (
        "CCHC: 162 báo cáo quý 2024Q2 chưa nhận được / 162 export(s) of 2024Q2 not received"
    )
    assert "dossiers, hạn gửi / due 05/07/2024:" in text
    assert "one_stop_report, hạn gửi / due 19/06/2024:" in text
    assert "  29875 Phường 3 (commune): bị từ chối / refused, send again" in text
    assert "  29884 Xã Mỹ Tân (commune): chưa gửi (quá hạn) / not sent, overdue" in text
    assert "  87 Tỉnh Đồng Tháp (province): chưa gửi (quá hạn) / not sent, overdue" in text
    for sent in ("29869", "29872", "29878", "29881"):
        assert f"  {sent} " not in text
    assert submissions.chase_key(QUARTER, rows) == "2024Q2/dossiers@2024-07-05,one_stop_report@2024-06-19"


def test_each_refresh_records_the_status_it_found(warehouse_db: str, landing: Path) -> None:
    with connect(warehouse_db) as conn:
        recorded = dict(
            conn.execute(
                "select unit_code, submission from mart.submission_status where quarter = %s and dataset = 'dossiers' "
                "and path is not null",
                (str(QUARTER),),
            ).fetchall()
        )
    # The second refresh's view: 29878 and 29881 came after it; it ran long after every due date.
    assert recorded == {"29869": "on_time", "29872": "late", "29875": "rejected"}


def test_cchc_status_lists_the_units_to_chase(warehouse_db: str, landing: Path, monkeypatch, capsys) -> None:
    monkeypatch.setenv("WAREHOUSE_URL", warehouse_db)
    assert main(["status", "--quarter", "2024Q2", "--landing", str(landing), "--chase", "--format", "json"]) == 0
    chased = json.loads(capsys.readouterr().out)
    # Checked now, long after 2024: every owed export not on time or late is to chase.
    assert len(chased) == 162
    assert {row["submission"] for row in chased} == {"missing", "rejected"}

    assert main(["status", "--quarter", "2024Q2", "--landing", str(landing), "--province", "87", "--record"]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0] == "Tình hình gửi báo cáo quý 2024Q2 / who has sent the exports of 2024Q2"
    [late] = [line.split() for line in out.splitlines() if line.startswith("29872 ")]
    assert late == ["29872", "Phường", "4", "dossiers", "trễ", "hạn", "/", "late", "09/07/2024", "08:00",
                    "05/07/2024", "2"]  # fmt: skip
    assert out.rstrip().splitlines()[-1] == (
        "166 báo cáo phải gửi / exports owed; đúng hạn / on time: 2; trễ hạn / late: 2; "
        "bị từ chối / refused, send again: 1; chưa gửi, quá hạn / not sent, overdue: 161; "
        "chưa đến hạn / not sent, not due yet: 0"
    )
    with connect(warehouse_db) as conn:
        assert conn.execute(
            "select count(*), count(*) filter (where submission = 'missing') from mart.submission_status"
        ).fetchone() == (166, 161)


def test_a_province_without_any_file_is_followed_when_named(warehouse_db: str, landing: Path, monkeypatch) -> None:
    # Nobody in Tiền Giang (82) has sent anything: it is not followed unless named.
    with connect(warehouse_db) as conn, conn.transaction():
        assert {row["province_code"] for row in submissions.status(conn, landing, QUARTER)} == {"87"}
    monkeypatch.setenv("CCHC_PROVINCES", "82")
    with connect(warehouse_db) as conn, conn.transaction():
        rows = submissions.status(conn, landing, QUARTER, as_of=CHECK_AFTER)
    assert {row["province_code"] for row in rows} == {"82"}
    assert {row["submission"] for row in rows} == {"missing"}


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("CCHC_SUBMISSION_GRACE_DAYS", "five", "CCHC_SUBMISSION_GRACE_DAYS must be a whole number"),
        ("CCHC_SUBMISSION_GRACE_DAYS", "93", "from 0 to 92"),
        ("CCHC_PROVINCES", "87,8", "CCHC_PROVINCES must list two-digit province codes"),
    ],
)
def test_a_bad_setting_is_refused_by_name(monkeypatch, name: str, value: str, message: str) -> None:
    monkeypatch.setenv(name, value)
    with pytest.raises(ValueError, match=message):
        submissions.grace_days() if name == "CCHC_SUBMISSION_GRACE_DAYS" else submissions.provinces_setting()


def test_cchc_quality_under_a_reader_login_shows_what_the_login_may_read(
    warehouse_db: str, landing: Path, monkeypatch, capsys
) -> None:
    from tests.integration.test_access import Logins

    logins = Logins(warehouse_db)
    try:
        with connect(warehouse_db) as conn:
            with conn.transaction():
                submissions.take(conn, landing, QUARTER, as_of=CHECK_AFTER)
            own, other = logins.new(), logins.new()
            grant_reader(conn, own, ["87"])
            grant_reader(conn, other, ["48"])
        monkeypatch.setenv("WAREHOUSE_URL", logins.conninfo(own))
        assert main(["quality", "--quarter", "2024Q2"]) == 0
        out = capsys.readouterr().out
        assert "This login reads the marts of its provinces only" in out
        assert "Submissions (mart.submission_status, as of 2024-07-10 12:00:00)" in out
        assert "166 báo cáo phải gửi / exports owed; đúng hạn / on time: 2; trễ hạn / late: 2" in out
        # The 162 to chase, ten shown: the province's form first.
        [province] = [line.split() for line in out.splitlines() if line.startswith("87 ")]
        assert province == ["87", "Tỉnh", "Đồng", "Tháp", "one_stop_report", "chưa", "gửi", "(quá", "hạn)", "/", "not",
                            "sent,", "overdue"]  # fmt: skip
        assert "… and 152 more" in out
        assert "Last run:" not in out and "Files:" not in out

        monkeypatch.setenv("WAREHOUSE_URL", logins.conninfo(other))
        assert main(["quality", "--quarter", "2024Q2"]) == 0
        out = capsys.readouterr().out
        assert "Submissions: nothing recorded for 2024Q2" in out
    finally:
        logins.drop_all()
