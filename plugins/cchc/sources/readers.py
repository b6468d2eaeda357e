"""One entry point for every landing format: the right reader for a file, by format and dataset.

Every reader offers the same shape: `encoding`, `delimiter` and `rows()` yielding
`(line_number, {canonical column: text})`, so the raw loader treats all formats alike.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from cchc.sources.csv_reader import read_csv
from cchc.sources.datasets import DatasetSpec
from cchc.sources.landing import LandingFile


def open_source(item: LandingFile, spec: DatasetSpec) -> Any:
    """Open a landing file with its reader; raises UnreadableFileError naming the file and the reason."""
    if item.file_format == "csv":
        return read_csv(item.path, spec)
    if item.file_format == "xlsx":
        from cchc.sources.excel_reader import read_ii06a, read_table_xlsx

        return read_ii06a(item.path) if spec.name == "one_stop_report" else read_table_xlsx(item.path, spec)
    if item.file_format == "json":
        from cchc.sources.json_reader import read_json

        return read_json(item.path, spec)
    raise ValueError(f"no reader for {item.file_format}")


def source_meta(source: Any) -> dict[str, Any] | None:
    """File-level facts a reader found: for a Biểu II.06a, the form's title, unit and stated period."""
    names = ("title", "reporting_unit", "period_label", "period_start", "period_end", "sheet_name")
    meta = {name: getattr(source, name) for name in names if getattr(source, name, None) is not None}
    return {k: v.isoformat() if isinstance(v, date) else v for k, v in meta.items()} or None
