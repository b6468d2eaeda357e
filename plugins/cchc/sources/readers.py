"""One entry point for every landing format: the right reader for a file, by what its bytes are and
its dataset (the file's name does not decide: a web app's "Xuất Excel" writes an HTML table as .xls).

Every reader offers the same shape: `encoding`, `delimiter`, `file_format` (the form read: csv, xlsx,
xls, html, json), `rows()` yielding `(line_number, {canonical column: text})`, and, once the rows
have been read, `skipped` (summary rows left out) and `warnings` (file-level), so the raw loader
treats all formats alike.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from cchc.sources.csv_reader import read_csv
from cchc.sources.datasets import DatasetSpec
from cchc.sources.file_forms import detect_form
from cchc.sources.landing import LandingFile


def open_source(item: LandingFile, spec: DatasetSpec) -> Any:
    """Open a landing file with its reader; raises UnreadableFileError naming the file and the reason."""
    form = detect_form(item.path)
    if form == "text":
        return read_csv(item.path, spec)
    if form == "json":
        from cchc.sources.json_reader import read_json

        return read_json(item.path, spec)
    from cchc.sources.excel_tables import read_table_xlsx
    from cchc.sources.ii06a_reader import read_ii06a

    return read_ii06a(item.path) if spec.name == "one_stop_report" else read_table_xlsx(item.path, spec)


def source_meta(source: Any) -> dict[str, Any] | None:
    """File-level facts a reader found: for a Biểu II.06a, the form's title, unit and stated period; for a
    table, the title rows above its header and the summary rows it skipped."""
    names = ("title", "reporting_unit", "period_label", "period_start", "period_end", "sheet_name")
    meta = {name: getattr(source, name) for name in names if getattr(source, name, None) is not None}
    if getattr(source, "not_loaded_headers", None):
        meta["columns_not_loaded"] = list(source.not_loaded_headers)
    if getattr(source, "title_rows", None):
        meta["title_rows"] = [{"line": line, "text": text} for line, text in source.title_rows]
    if getattr(source, "skipped", None):
        meta["summary_rows"] = [
            {"line": row.line, "text": row.text, "stated_count": row.stated_count} for row in source.skipped
        ]
    return {k: v.isoformat() if isinstance(v, date) else v for k, v in meta.items()} or None
