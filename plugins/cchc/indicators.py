"""The columns of `mart.unit_quarter_indicators`: one registry, the source of their COMMENTs and docs.

Every column of the mart has exactly one entry here. The warehouse's column COMMENTs are rendered
from it (`comment_statements`, applied by migrations and by `cchc docs`), `docs/indicators.md` is
rendered from it, and `docs/data_dictionary.md` is read back from the warehouse's COMMENTs, so the
SQL, the database and the documentation say the same thing.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import psycopg
from psycopg import sql

from cchc.config import PROJECT_ROOT
from cchc.warehouse.sql_files import fetch_all

TABLE = "mart.unit_quarter_indicators"
UNITS = ("code", "text", "count", "percent", "points", "rank", "flag")
DEFAULT_ONLINE_TARGET = Decimal("40")
DOCS_DIR = PROJECT_ROOT / "docs"

II06A = "Thông tư 01/2020/TT-VPCP, Biểu II.06a"
COUNTING = "DESIGN.md counting rules"
NO_EXPORT = "no unit in this subtree sent a dossiers export for the quarter (no data, not zero)"


@dataclass(frozen=True)
class Indicator:
    """One column of the mart: what it means, how it is computed, where the rule comes from."""

    name: str
    label_vi: str
    label_en: str
    formula: str
    unit: str
    source: str
    null_meaning: str

    def comment(self) -> str:
        """The column's COMMENT text: `<vi> / <en>: <formula>; NULL: <meaning>`."""
        return f"{self.label_vi} / {self.label_en}: {self.formula}; NULL: {self.null_meaning}"


def _rate_null(denominator: str) -> str:
    return f"{NO_EXPORT}, or {denominator} is 0"


INDICATORS: tuple[Indicator, ...] = (
    Indicator(
        "quarter",
        "Quý dương lịch",
        "calendar quarter",
        "quarter of the refresh, e.g. 2024Q2 (partition key)",
        "code",
        "DESIGN.md stable interfaces",
        "never NULL",
    ),
    Indicator(
        "unit_code",
        "Mã đơn vị hành chính",
        "administrative unit code",
        "GSO code as zero-padded text (province 2, district 3, commune 5 digits), valid on the quarter's last day",
        "code",
        "Quyết định 124/2004/QĐ-TTg; Quyết định 19/2025/QĐ-TTg",
        "never NULL",
    ),
    Indicator(
        "unit_name",
        "Tên đơn vị hành chính",
        "administrative unit name",
        "name valid on the quarter's last day",
        "text",
        "vendored admin-unit reference (include/reference)",
        "never NULL",
    ),
    Indicator(
        "unit_level",
        "Cấp hành chính",
        "administrative level",
        "province, district or commune",
        "code",
        "Quyết định 124/2004/QĐ-TTg",
        "never NULL",
    ),
    Indicator(
        "parent_code",
        "Mã đơn vị cấp trên",
        "parent unit code",
        "unit directly above, valid on the quarter's last day",
        "code",
        "vendored admin-unit reference (include/reference)",
        "the unit is a province (no parent)",
    ),
    Indicator(
        "province_code",
        "Mã tỉnh",
        "province code",
        "province containing the unit (row-level security key)",
        "code",
        "Quyết định 124/2004/QĐ-TTg",
        "never NULL",
    ),
    Indicator(
        "reporting_units",
        "Số đơn vị có tệp hồ sơ",
        "reporting units",
        "units in this subtree (the unit included) with a loaded dossiers export for the quarter",
        "count",
        COUNTING,
        "never NULL (0 when no unit reported)",
    ),
    Indicator(
        "carried_over",
        "Hồ sơ từ kỳ trước chuyển qua",
        "carried over",
        "dossiers received before the quarter and not resolved before its first day",
        "count",
        f"{II06A} column 6",
        NO_EXPORT,
    ),
    Indicator(
        "received",
        "Hồ sơ tiếp nhận mới",
        "received",
        "dossiers received in the quarter (local calendar day)",
        "count",
        f"{II06A} columns 4 + 5; {COUNTING}",
        NO_EXPORT,
    ),
    Indicator(
        "received_online",
        "Tiếp nhận trực tuyến",
        "received online",
        "received with channel online (code 2)",
        "count",
        f"{II06A} column 4",
        NO_EXPORT,
    ),
    Indicator(
        "received_direct",
        "Tiếp nhận trực tiếp",
        "received at the desk",
        "received with channel direct (code 1 or empty)",
        "count",
        f"{II06A} column 5 (direct part)",
        NO_EXPORT,
    ),
    Indicator(
        "received_postal",
        "Tiếp nhận qua bưu chính công ích",
        "received by public postal service",
        "received with channel postal (code 3)",
        "count",
        f"{II06A} column 5 (postal part)",
        NO_EXPORT,
    ),
    Indicator(
        "resolved",
        "Đã giải quyết",
        "resolved",
        "dossiers with a result date in the quarter",
        "count",
        f"{II06A} column 7",
        NO_EXPORT,
    ),
    Indicator(
        "resolved_early",
        "Giải quyết trước hạn",
        "resolved early",
        "resolved, result date before the due date",
        "count",
        f"{II06A} column 8; {COUNTING}",
        NO_EXPORT,
    ),
    Indicator(
        "resolved_on_time",
        "Giải quyết đúng hạn",
        "resolved on time",
        "resolved, result date on the due date",
        "count",
        f"{II06A} column 9; {COUNTING}",
        NO_EXPORT,
    ),
    Indicator(
        "resolved_late",
        "Giải quyết quá hạn",
        "resolved late",
        "resolved, result date after the due date",
        "count",
        f"{II06A} column 10; {COUNTING}",
        NO_EXPORT,
    ),
    Indicator(
        "pending",
        "Đang giải quyết cuối quý",
        "pending at quarter end",
        "received by the quarter's last day and without a result by then",
        "count",
        f"{II06A} column 11",
        NO_EXPORT,
    ),
    Indicator(
        "pending_overdue",
        "Đang giải quyết quá hạn",
        "pending and overdue",
        "pending with a due date on or before the quarter's last day",
        "count",
        f"{II06A} column 13",
        NO_EXPORT,
    ),
    Indicator(
        "on_time_rate",
        "Tỷ lệ giải quyết đúng hạn",
        "on-time rate",
        "100 x (resolved_early + resolved_on_time) / resolved, 2 decimals",
        "percent",
        COUNTING,
        _rate_null("resolved"),
    ),
    Indicator(
        "early_rate",
        "Tỷ lệ giải quyết trước hạn",
        "early rate",
        "100 x resolved_early / resolved, 2 decimals",
        "percent",
        COUNTING,
        _rate_null("resolved"),
    ),
    Indicator(
        "online_rate",
        "Tỷ lệ hồ sơ trực tuyến",
        "online submission rate",
        "100 x received_online / received, 2 decimals",
        "percent",
        COUNTING,
        _rate_null("received"),
    ),
    Indicator(
        "progress_score_766",
        "Điểm tiến độ giải quyết (tối đa 20)",
        "Decision 766 progress score (out of 20)",
        "20 x (resolved early or on time + pending not overdue) / (resolved + pending), "
        "a dossier with more than one supplement request counting as late; 2 decimals",
        "points",
        "Quyết định 766/QĐ-TTg, group Tiến độ, kết quả giải quyết (20 points)",
        _rate_null("resolved + pending"),
    ),
    Indicator(
        "postal_submission_rate",
        "Tỷ lệ hồ sơ nộp qua bưu chính công ích",
        "postal submission rate",
        "100 x received_postal / received, 2 decimals",
        "percent",
        f"{II06A} column 5; DESIGN.md dossiers dataset (channel 3 = bưu chính công ích)",
        _rate_null("received"),
    ),
    Indicator(
        "returned_by_post",
        "Hồ sơ trả kết quả qua bưu chính công ích",
        "results returned by post",
        "resolved dossiers whose result was returned by public postal service (Trả kết quả qua BCCI = Có)",
        "count",
        "DESIGN.md dossiers dataset (returned_by_post); seed article 001 (push postal returns)",
        NO_EXPORT,
    ),
    Indicator(
        "postal_return_rate",
        "Tỷ lệ trả kết quả qua bưu chính công ích",
        "postal return rate",
        "100 x returned_by_post / resolved, 2 decimals",
        "percent",
        "DESIGN.md dossiers dataset (returned_by_post); seed article 001 (push postal returns)",
        _rate_null("resolved"),
    ),
    Indicator(
        "online_target_percent",
        "Chỉ tiêu tỷ lệ hồ sơ trực tuyến",
        "online submission target",
        "provincial target used in the refresh: $CCHC_ONLINE_TARGET, default 40",
        "percent",
        "seed article 001 (provincial plan: 40% of dossiers submitted online)",
        "never NULL",
    ),
    Indicator(
        "meets_online_target",
        "Đạt chỉ tiêu trực tuyến",
        "meets the online target",
        "online_rate >= online_target_percent",
        "flag",
        "seed article 001 (communes below 40% online named for correction)",
        "online_rate is NULL",
    ),
    Indicator(
        "supplement_rate",
        "Tỷ lệ hồ sơ phải bổ sung",
        "supplement request rate",
        "100 x resolved dossiers with at least one supplement request / resolved, 2 decimals",
        "percent",
        "Quyết định 766/QĐ-TTg, group Tiến độ (supplement requests); DESIGN.md dossiers dataset",
        _rate_null("resolved"),
    ),
    Indicator(
        "rank_on_time_in_parent",
        "Xếp hạng tỷ lệ đúng hạn trong đơn vị cấp trên",
        "on-time rank within the parent",
        "dense_rank of on_time_rate, highest first, among units of the same level and parent in the quarter "
        "(1 = best; provinces ranked among the provinces in the quarter)",
        "rank",
        COUNTING,
        "on_time_rate is NULL",
    ),
)

BY_NAME: dict[str, Indicator] = {indicator.name: indicator for indicator in INDICATORS}


def online_target() -> Decimal:
    """The online-submission target in percent: $CCHC_ONLINE_TARGET, default 40."""
    text = os.environ.get("CCHC_ONLINE_TARGET", "").strip()
    return Decimal(text) if text else DEFAULT_ONLINE_TARGET


def comment_statement(indicator: Indicator) -> sql.Composed:
    """`COMMENT ON COLUMN mart.unit_quarter_indicators.<name> IS '<comment>'` for one column."""
    schema, table = TABLE.split(".")
    return sql.SQL("COMMENT ON COLUMN {}.{}.{} IS {}").format(
        sql.Identifier(schema), sql.Identifier(table), sql.Identifier(indicator.name), sql.Literal(indicator.comment())
    )


def comment_statements() -> list[str]:
    """Every column's COMMENT statement as SQL text, in registry order."""
    return [comment_statement(indicator).as_string(None) + ";" for indicator in INDICATORS]


def apply_indicator_comments(conn: psycopg.Connection) -> int:
    """Set every column COMMENT of the mart from the registry; returns the number of columns."""
    with conn.transaction():
        for indicator in INDICATORS:
            conn.execute(comment_statement(indicator))
    return len(INDICATORS)


def _cell(text: str) -> str:
    return " ".join(str(text).split()).replace("|", "\\|")


def render_indicators_md() -> str:
    """`docs/indicators.md`: the registry as one Markdown table."""
    lines = [
        "# Indicators of `mart.unit_quarter_indicators`",
        "",
        "Generated from `plugins/cchc/indicators.py` by `cchc docs`; do not edit by hand.",
        "One row per unit (commune, district, province, with the hierarchy valid on the quarter's last day)",
        "and calendar quarter. Percentages have 2 decimals and are NULL where the denominator is 0.",
        "",
        "| name | label (vi) | label (en) | formula | unit | source | NULL means |",
        "|---|---|---|---|---|---|---|",
    ]
    for i in INDICATORS:
        cells = (f"`{i.name}`", i.label_vi, i.label_en, i.formula, i.unit, i.source, i.null_meaning)
        lines.append("| " + " | ".join(_cell(c) for c in cells) + " |")
    return "\n".join(lines) + "\n"


_KINDS = {"r": "table", "p": "partitioned table", "v": "view", "m": "materialized view"}


def render_data_dictionary(conn: psycopg.Connection) -> str:
    """`docs/data_dictionary.md`: every table and view of schema `mart` with the warehouse's COMMENTs."""
    lines = [
        "# Data dictionary: schema `mart`",
        "",
        "Generated by `cchc docs` from the COMMENTs of a migrated warehouse; do not edit by hand.",
        "Column comments of `mart.unit_quarter_indicators` come from `plugins/cchc/indicators.py`.",
    ]
    relations = fetch_all(conn, "docs/mart_relations.sql")
    for oid, name, kind, comment in relations:
        lines += ["", f"## `mart.{name}` ({_KINDS[kind]})", ""]
        if comment:
            lines += [_cell(comment), ""]
        lines += ["| column | type | comment |", "|---|---|---|"]
        for column, data_type, column_comment in fetch_all(conn, "docs/relation_columns.sql", {"oid": oid}):
            lines.append(f"| `{column}` | {_cell(data_type)} | {_cell(column_comment)} |")
    return "\n".join(lines) + "\n"


def render_docs(conn: psycopg.Connection) -> dict[str, str]:
    """File name -> content of every generated document."""
    return {"indicators.md": render_indicators_md(), "data_dictionary.md": render_data_dictionary(conn)}


def stale_docs(rendered: dict[str, str], folder: Path = DOCS_DIR) -> list[str]:
    """Names of the documents in `folder` that differ from `rendered` (or are missing)."""
    stale = []
    for name, content in rendered.items():
        path = folder / name
        if not path.is_file() or path.read_text(encoding="utf-8") != content:
            stale.append(name)
    return stale


def write_docs(rendered: dict[str, str], folder: Path = DOCS_DIR) -> list[Path]:
    """Write the rendered documents into `folder`; returns their paths."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, content in rendered.items():
        path = folder / name
        path.write_text(content, encoding="utf-8")
        paths.append(path)
    return paths
