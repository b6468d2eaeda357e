"""A refreshed warehouse for the report tests, built once per session: sample data of two districts
of Đồng Tháp (87) and, to be refused to a reader of 87, the dossiers of one district of Tiền Giang (82),
2023Q4-2024Q2 (2023Q4 because the 2024Q1 form's period starts on 15/12/2023), and a reader login of
province 87. The figures the tests check come from the marts, read separately, or are
counted by hand from the fixtures the tests write themselves."""

from __future__ import annotations

import shutil
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from cchc_sample.province import generate_province
from psycopg import sql

from cchc.quarters import Quarter
from cchc.warehouse.access import grant_reader
from cchc.warehouse.connection import connect, warehouse_url_as
from tests.integration.helpers import refresh
from tests.support.databases import copy_template, drop_database

PROVINCE = "87"
DISTRICTS = ["866", "870"]  # Thành phố Cao Lãnh and Huyện Hồng Ngự with their communes
OTHER_PROVINCE, OTHER_DISTRICT = "82", "816"  # Tiền Giang, Thành phố Gò Công
QUARTERS = [Quarter(2023, 4), Quarter(2024, 1), Quarter(2024, 2)]
QUARTER = "2024Q2"


@pytest.fixture(scope="session")
def report_landing() -> Iterator[Path]:
    folder = Path(tempfile.mkdtemp(prefix="cchc-report-landing-"))
    generate_province(folder, PROVINCE, QUARTERS, per_unit_quarter=12, districts=DISTRICTS, formats="mixed")
    generate_province(
        folder, OTHER_PROVINCE, QUARTERS, per_unit_quarter=3, districts=[OTHER_DISTRICT], datasets=("dossiers",)
    )
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="session")
def report_db(server_url: str, template_db: str, report_landing: Path) -> Iterator[str]:
    """URL of a warehouse holding the refreshed quarters (owner login: sees every row)."""
    name, url = copy_template(server_url, template_db, "cchc_report")
    for quarter in QUARTERS:
        refresh(url, report_landing, str(quarter), run_id=f"test__report__{quarter}")
    yield url
    drop_database(server_url, name)


@pytest.fixture(scope="session")
def reader_87(report_db: str) -> Iterator[str]:
    """URL of the same warehouse signed in as a reader of province 87 only."""
    login = f"cchc_test_report_reader_{uuid.uuid4().hex[:8]}"
    with connect(report_db) as conn:
        grant_reader(conn, login, [PROVINCE])
    yield warehouse_url_as(login, report_db)
    with psycopg.connect(report_db, autocommit=True) as admin:
        admin.execute(sql.SQL("drop owned by {}").format(sql.Identifier(login)))
        admin.execute(sql.SQL("drop role {}").format(sql.Identifier(login)))
