"""The Great Expectations Data Docs a refresh builds: read as files, and opened in headless Chromium
from a real HTTP server on 127.0.0.1 with every other host unreachable (provincial networks are
often closed, and GX's own index draws its tables with scripts from public CDNs).

One refresh of `tests/fixtures/landing_quality` (see test_validation_audit.py for what it holds) into a
database and a Data Docs folder of this module's own.
"""

from __future__ import annotations

import functools
import http.server
import os
import re
import shutil
import subprocess
import threading
from collections.abc import Iterator
from datetime import timedelta
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import quote

import pytest

from cchc.pipeline import RefreshFailed
from cchc.quality.data_docs import build_data_docs, suite_names
from cchc.warehouse.connection import connect
from tests.conftest import FIXTURES
from tests.integration.helpers import refresh
from tests.support.databases import copy_template, drop_database

pytestmark = pytest.mark.integration

RUN_ID = "docs_run"


class _Page(HTMLParser):
    """Visible text (scripts and styles left out) and link targets of an HTML document."""

    def __init__(self, markup: str) -> None:
        super().__init__()
        self.links: list[str] = []
        self._chunks: list[str] = []
        self._skip = 0
        self.feed(markup)
        self.text = re.sub(r"\s+", " ", " ".join(self._chunks))

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self._skip += 1
        if tag == "a" and dict(attrs).get("href"):
            self.links.append(dict(attrs)["href"])

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip:
            self._chunks.append(data)


@pytest.fixture(scope="module")
def site(server_url: str, template_db: str, tmp_path_factory) -> Iterator[dict]:

    name, url = copy_template(server_url, template_db, "cchc_docs")
    folder = tmp_path_factory.mktemp("data_docs") / "site"
    landing = tmp_path_factory.mktemp("landing_docs") / "landing"
    shutil.copytree(FIXTURES / "landing_quality", landing)
    previous = os.environ.get("CCHC_DATA_DOCS")
    os.environ["CCHC_DATA_DOCS"] = str(folder)
    try:
        with pytest.raises(RefreshFailed) as failure:
            refresh(url, landing, "2024Q2", run_id=RUN_ID)
        from cchc.warehouse.connection import connect

        with connect(url) as conn:
            summary = conn.execute(
                "select summary from audit.task_run where run_id = %s and task_id = 'build_quality_report'", (RUN_ID,)
            ).fetchone()[0]
        yield {"url": url, "name": name, "folder": folder, "summary": summary, "failure": str(failure.value)}
    finally:
        if previous is None:
            os.environ.pop("CCHC_DATA_DOCS", None)
        else:
            os.environ["CCHC_DATA_DOCS"] = previous
        drop_database(server_url, name)


@pytest.fixture(scope="module")
def http_site(site) -> Iterator[str]:
    handler = functools.partial(_QuietHandler, directory=str(site["folder"]))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):
        pass


def _chromium_dom(url: str, profile: Path) -> str:
    binary = shutil.which("chromium")
    if not binary:
        pytest.fail("chromium is not installed: `make chromium` installs it (Debian's package)")
    result = subprocess.run(
        [
            binary,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            f"--user-data-dir={profile}",
            # Nothing but this machine resolves: the page must work without the CDNs GX links to.
            "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
            "--dump-dom",
            url,
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout


def test_the_run_names_its_data_docs(site):
    index = site["folder"] / "index.html"
    assert site["summary"]["data_docs"] == str(index)
    assert index.is_file()
    assert f"Validation results (Great Expectations Data Docs): {index}" in site["failure"]


def test_index_links_every_suite_and_this_runs_validation_pages(site):
    pages = site["summary"]["validation_pages"]
    assert sorted(Path(p).parts[2] for p in pages) == ["dossiers", "surveys"]  # the datasets that had rows
    index = _Page((site["folder"] / "index.html").read_text(encoding="utf-8"))
    for page in pages:
        assert (site["folder"] / page).is_file(), page
        assert quote(page) in index.links, page
    for suite in suite_names():
        target = f"expectations/{suite.replace('.', '/')}.html"
        assert target in index.links and (site["folder"] / target).is_file(), suite


def test_chromium_shows_every_suite_and_the_runs_results_on_the_index(site, http_site, tmp_path):
    page = _Page(_chromium_dom(f"{http_site}/index.html", tmp_path / "profile"))
    for suite in suite_names():
        assert suite in page.text, suite
    assert page.text.count(RUN_ID) == 2  # dossiers and surveys, each failed
    assert "Failed" in page.text
    shown = sorted(link for link in page.links if link.startswith("validations/"))
    assert shown == sorted(quote(p) for p in site["summary"]["validation_pages"])


def test_chromium_shows_the_failed_expectation_with_its_unexpected_count(site, http_site, tmp_path):
    dossiers = next(p for p in site["summary"]["validation_pages"] if "/dossiers/" in p)
    text = _Page(_chromium_dom(f"{http_site}/{quote(dossiers)}", tmp_path / "profile")).text
    assert "staging.dossiers" in text and RUN_ID in text
    # The warning: more than 5 supplement requests on lines 3 and 5 of 20194 and line 3 of 20195.
    assert re.search(
        r"values must be less than or equal to 5\.0 \. 3 unexpected values found\. 20% of 15 total rows", text
    )
    for located in ("commune/20194/2024Q2/dossiers.csv:3", "commune/20195/2024Q2/dossiers.csv:3"):
        assert located in text
    # The error: a channel that cannot be read is missing once typed.
    assert re.search(r"channel Status Expectation Observed Value values must never be null\. 3 unexpected values", text)


def test_suite_pages_show_each_expectations_severity_and_reason(site):
    page = _Page((site["folder"] / "expectations" / "staging" / "dossiers.html").read_text(encoding="utf-8"))
    assert "warning: hơn 5 lần yêu cầu bổ sung / more than 5 supplement requests" in page.text
    assert "error: thiếu Mã hồ sơ / dossier id is missing" in page.text


@pytest.fixture
def own_site(site, server_url: str, tmp_path, monkeypatch) -> Iterator[dict]:
    """A copy of the module's site and database for a test that changes them, so the other tests see
    the module's run whatever order they run in."""
    name, url = copy_template(server_url, site["name"], "cchc_docs")
    folder = tmp_path / "site"
    shutil.copytree(site["folder"], folder)
    monkeypatch.setenv("CCHC_DATA_DOCS", str(folder))
    yield {**site, "url": url, "folder": folder}
    drop_database(server_url, name)


def test_the_site_keeps_the_latest_runs_and_drops_older_pages(own_site):
    from cchc.warehouse.connection import connect

    site = own_site
    folder = site["folder"]
    first_pages = site["summary"]["validation_pages"]
    with connect(site["url"]) as conn:
        # A later run with the same results, recorded as validate_and_stage would have.
        with conn.transaction():
            conn.execute(
                "insert into audit.pipeline_run (run_id, quarter, trigger) values ('later_run', '2024Q2', 'test')"
            )
            conn.execute(
                """insert into audit.validation_suite_result
                   select 'later_run', dataset, quarter, suite, validated_at + %s, success, row_count, evaluated,
                          unsuccessful, document
                   from audit.validation_suite_result where run_id = %s""",
                (timedelta(minutes=5), RUN_ID),
            )
        kept = build_data_docs(conn, "later_run", runs=2)
        assert kept["runs_shown"] == 2
        assert all((folder / p).is_file() for p in [*first_pages, *kept["validation_pages"]])
        latest_only = build_data_docs(conn, "later_run", runs=1)
    assert latest_only["runs_shown"] == 1
    index = (folder / "index.html").read_text(encoding="utf-8")
    assert all(not (folder / p).exists() and quote(p) not in index for p in first_pages)
    assert all((folder / p).is_file() and quote(p) in index for p in latest_only["validation_pages"])


def test_the_run_writes_a_self_contained_quality_report(site):
    report = site["folder"] / "quality-report-2024Q2.html"
    assert site["summary"]["quality_report"] == str(report)
    page = report.read_text(encoding="utf-8")
    # One file: inline style, no scripts, nothing to fetch from another host or file.
    assert "<script" not in page.lower() and "<link" not in page.lower()
    assert not re.search(r"""(?:src|href)\s*=\s*["']?(?:https?:|//)""", page, re.I)
    assert "<table>" in page and "CCHC data quality, 2024Q2" in page
    # Rewritten once the run ended: it shows the run as failed, not as running as when it was built.
    assert f"Last run: {RUN_ID} (test), failed" in page and f"{RUN_ID} (test), running" not in page


def test_chromium_shows_the_quality_report_offline(site, http_site, tmp_path):
    text = _Page(_chromium_dom(f"{http_site}/quality-report-2024Q2.html", tmp_path / "profile")).text
    for heading in (
        "CCHC data quality, 2024Q2",
        "Rows per dataset (read = loaded + quarantined + skipped)",
        "Rejected rows by reason (quarantine.rejected_row)",
    ):
        assert heading in text, heading
    # The quarantined rows' reason and an example location are on the page, as `cchc quality` prints them.
    with connect(site["url"]) as conn:
        reason, dataset = conn.execute(
            "select r.reasons[1], r.dataset from quarantine.rejected_row as r order by dataset, file_id, line_number"
        ).fetchone()
    assert reason[:60] in text and dataset in text
