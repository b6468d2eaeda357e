"""Great Expectations Data Docs: a static site of every expectation suite and the latest runs' results.

Each dataset is validated once, in `validate_and_stage`, and its result document is kept in
`audit.validation_suite_result`; the site is rendered from there, so any process can build it
without validating again. GX is imported inside `build_data_docs` only. Builds into one folder take
turns (a file lock), and GX removes the pages of results that left the site.
"""

from __future__ import annotations

import fcntl
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import psycopg

from cchc.config import data_docs_dir, expectations_dir
from cchc.warehouse.sql_files import fetch_all

SITE_NAME = "cchc"
RUNS_SHOWN = 10  # the latest runs whose validation results the site keeps


def index_path() -> Path:
    return data_docs_dir() / "index.html"


STAMP_FILE = ".built-from"  # the validation results the site was last built from


def is_current(conn: psycopg.Connection) -> bool:
    """Whether the site shows every validation result recorded, including those of a run that died
    before building it."""
    stamp = data_docs_dir() / STAMP_FILE
    if not index_path().exists() or not stamp.exists():
        return False
    with conn.transaction():
        current = fetch_all(conn, "audit/validation_results_stamp.sql")[0][0]
    return stamp.read_text(encoding="utf-8") == current


def suite_names() -> list[str]:
    return sorted(path.stem for path in expectations_dir().glob("*.json"))


def validation_page(suite: str, run_name: str, run_time: str, batch: str) -> Path:
    """Where GX writes a validation result's page, relative to the site (run_time as GX formats it)."""
    return Path("validations", *suite.split("."), run_name, run_time, f"{batch}.html")


def build_data_docs(conn: psycopg.Connection, run_id: str, runs: int = RUNS_SHOWN) -> dict[str, Any]:
    """Render every suite and the validation results of the latest `runs` runs (and of `run_id`) into
    `data_docs_dir()`; pages already there are kept, this run's are always rendered."""
    with conn.transaction():
        stamp = fetch_all(conn, "audit/validation_results_stamp.sql")[0][0]
        documents = fetch_all(conn, "audit/validation_documents.sql", {"run_id": run_id, "runs": runs})
    folder = data_docs_dir()
    folder.mkdir(parents=True, exist_ok=True)
    with _exclusive(folder / ".build.lock"):
        pages = _render(folder, documents, run_id)
        (folder / STAMP_FILE).write_text(stamp, encoding="utf-8")
    return {
        "data_docs": str(folder / "index.html"),
        "suites": len(suite_names()),
        "validation_pages": [page.as_posix() for page in pages],
        "runs_shown": len({document[0] for document in documents}),
    }


DOCS_PORT = 8081  # beside Airflow's UI on 8080


def serve(
    port: int = DOCS_PORT,
    folder: Path | None = None,
    host: str = "127.0.0.1",
    on_ready: Callable[[str], None] | None = None,
) -> None:
    """Serve the site on http://<host>:<port>/ until interrupted: this machine only by default; a
    container serving it to its host binds 0.0.0.0. Port 0 takes a free port; `on_ready` gets the
    site's URL once the port is bound."""
    import functools
    import http.server

    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(folder or data_docs_dir()))
    with http.server.ThreadingHTTPServer((host, port), handler) as server:
        if on_ready is not None:
            on_ready(f"http://{host}:{server.server_address[1]}/index.html")
        server.serve_forever()


@contextmanager
def _exclusive(lock_file: Path) -> Iterator[None]:
    with lock_file.open("w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _render(folder: Path, documents: list[tuple], run_id: str) -> list[Path]:
    from cchc.quality.expectations import import_great_expectations, load_suite

    gx = import_great_expectations()
    from great_expectations.core import ExpectationSuite
    from great_expectations.core.expectation_validation_result import ExpectationSuiteValidationResultSchema
    from great_expectations.core.run_identifier import RunIdentifier
    from great_expectations.data_context.types.resource_identifiers import (
        ExpectationSuiteIdentifier,
        ValidationResultIdentifier,
    )

    context = gx.get_context(mode="ephemeral")
    context.add_data_docs_site(
        SITE_NAME,
        {
            "class_name": "SiteBuilder",
            "show_how_to_buttons": False,
            "store_backend": {"class_name": "TupleFilesystemStoreBackend", "base_directory": str(folder)},
            "site_index_builder": {
                "class_name": "DefaultSiteIndexBuilder",
                "view": {"module_name": "cchc.quality.data_docs_view", "class_name": "OfflineIndexPageView"},
            },
        },
    )
    to_render: list[Any] = []
    for name in suite_names():
        suite = load_suite(name)
        # The suite page shows each expectation's severity and reason as its notes.
        expectations = [
            {**item, "notes": f"{item['meta']['severity']}: {item['meta']['reason']}"} for item in suite["expectations"]
        ]
        context.suites.add(ExpectationSuite(name=name, expectations=expectations, meta=suite.get("meta")))
        to_render.append(ExpectationSuiteIdentifier(name=name))

    schema = ExpectationSuiteValidationResultSchema()
    this_run = []
    for run_name, _dataset, quarter, suite_name, validated_at, document in documents:
        key = ValidationResultIdentifier(
            expectation_suite_identifier=ExpectationSuiteIdentifier(name=suite_name),
            run_id=RunIdentifier(run_name=run_name, run_time=validated_at),
            batch_identifier=quarter,
        )
        context.validation_results_store.set(key, schema.load(document))
        page = validation_page(suite_name, *key.run_id.to_tuple(), quarter)
        if run_name == run_id:
            this_run.append(page)
        if run_name == run_id or not (folder / page).exists():
            to_render.append(key)
    context.build_data_docs(site_names=[SITE_NAME], resource_identifiers=to_render)
    return this_run
