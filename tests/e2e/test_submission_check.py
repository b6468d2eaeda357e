"""The submission check DAG run by `airflow dags test` on given days, with AIRFLOW_CONN_CCHC_ALERTS on a
webhook on 127.0.0.1: one reminder per due date passed, never two for the same one.

Landing zone: Đồng Tháp (87), one commune (29869, Phường 1) sent its 2024Q2 dossiers on 03/07/2024. The
province owes 166 exports for 2024Q2 (see tests/integration/test_submission_status.py for the count);
the dossiers fall due on 05/07/2024, the Biểu II.06a forms on 19/06/2024.
"""

from __future__ import annotations

import json
import os
from datetime import datetime, timedelta, timezone

import pytest

from tests.e2e.test_airflow_dags_test import airflow_env, dags_test  # noqa: F401 - airflow_env is a fixture
from tests.e2e.test_alert_on_failed_run import alert_env
from tests.integration.helpers import write_dossiers
from tests.support.alert_receivers import WebhookReceiver

pytestmark = pytest.mark.e2e

DAG_ID = "cchc_submission_check"
VN = timezone(timedelta(hours=7))
ROW = ("29869-1", "29869", "1.000101", "Hộ tịch", "Trực tiếp", "02/04/2024 08:00", "05/04/2024 17:00",
       "05/04/2024 10:00", "Không", "0")  # fmt: skip


def test_one_reminder_per_due_date_passed(airflow_env, warehouse_db, tmp_path, conn):  # noqa: F811
    landing = tmp_path / "landing"
    sent = write_dossiers(landing, "commune", "29869", "2024Q2", [ROW])
    os.utime(sent, (datetime(2024, 7, 3, 9, 0, tzinfo=VN).timestamp(),) * 2)
    with WebhookReceiver() as receiver:
        # The province followed by setting: nothing of 2024Q3 has been sent, and its units still owe it.
        env = {**alert_env(airflow_env, warehouse_db, landing, receiver), "CCHC_PROVINCES": "87"}
        # 01/07: only the forms are overdue (13, the province's and its 12 districts').
        first = dags_test(env, "2024-07-01T08:00:00+07:00", dag_id=DAG_ID)
        assert first.returncode == 0, (first.stdout + first.stderr)[-4000:]
        assert len(receiver.posts) == 1
        text = receiver.posts[0].body["text"]
        assert (
            text.splitlines()[0] == "CCHC: 13 báo cáo quý 2024Q2 chưa nhận được / 13 export(s) of 2024Q2 not received"
        )
        assert "dossiers, hạn gửi" not in text

        # 10/07: the dossiers have fallen due too; 165 owed exports lack (all but 29869's).
        second = dags_test(env, "2024-07-10T08:00:00+07:00", dag_id=DAG_ID)
        assert second.returncode == 0, (second.stdout + second.stderr)[-4000:]
        assert len(receiver.posts) == 2
        text = receiver.posts[1].body["text"]
        assert text.splitlines()[0].startswith("CCHC: 165 báo cáo quý 2024Q2")
        assert "  29872 Phường 4 (commune): chưa gửi (quá hạn) / not sent, overdue" in text
        assert "  29869 " not in text

        # 11/07: nothing new has fallen due: no third reminder.
        third = dags_test(env, "2024-07-11T08:00:00+07:00", dag_id=DAG_ID)
        assert third.returncode == 0, (third.stdout + third.stderr)[-4000:]
        assert len(receiver.posts) == 2, [post.body["text"][:80] for post in receiver.posts]

    alerts = conn.execute("select dag_id, run_id, status from audit.alert order by created_at").fetchall()
    assert alerts == [
        (DAG_ID, "2024Q2/one_stop_report@2024-06-19", "sent"),
        (DAG_ID, "2024Q2/dossiers@2024-07-05,one_stop_report@2024-06-19", "sent"),
    ]
    # The last check's view is in the mart, for both quarters it looked at.
    recorded = conn.execute(
        "select quarter, count(*), count(*) filter (where submission = 'missing'), min(as_of) "
        "from mart.submission_status group by quarter order by quarter"
    ).fetchall()
    assert [row[:3] for row in recorded] == [("2024Q2", 166, 165), ("2024Q3", 166, 0)]
    assert recorded[0][3] == datetime(2024, 7, 11, 8, 0, tzinfo=VN)
    summary = json.dumps(receiver.posts[1].body, ensure_ascii=False)
    assert "cchc status --quarter 2024Q2" in summary
