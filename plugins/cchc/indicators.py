"""The columns of `mart.unit_quarter_indicators` and `mart.scorecard_766`: one registry, the source of
their COMMENTs, their docs and the Decision 766 weights the scorecard SQL is run with.

Every column of the two marts has exactly one entry here. The warehouse's column COMMENTs are rendered
from it (`comment_statements`, applied by migrations and by `cchc docs`), `docs/indicators.md` is
rendered from it, and `docs/data_dictionary.md` is read back from the warehouse's COMMENTs, so the
SQL, the database and the documentation say the same thing.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import psycopg
from psycopg import sql

from cchc import settings
from cchc.config import PROJECT_ROOT
from cchc.warehouse.sql_files import fetch_all

TABLE = "mart.unit_quarter_indicators"
SCORECARD_TABLE = "mart.scorecard_766"
UNITS = ("code", "text", "count", "percent", "points", "rank", "flag")
DOCS_DIR = PROJECT_ROOT / "docs"

II06A = "Thông tư 01/2020/TT-VPCP, Biểu II.06a"
COUNTING = "docs/design.md, Counting rules"
NO_EXPORT = (
    "no unit in this subtree sent a dossiers export for the quarter with a row that passed the checks "
    "(no data, not zero)"
)
D766 = "Quyết định 766/QĐ-TTg"
NO_CATALOGUE = "no procedure catalogue of the unit or a unit above it is in force (no data, not zero)"
NO_SURVEY = (
    "no unit in this subtree sent a surveys file for the quarter with a response that passed the checks "
    "(no data, not zero)"
)


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
        "docs/design.md, Stable interfaces",
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
        "units in this subtree (the unit included) whose dossiers export for the quarter was loaded with at "
        "least one row that passed the checks, or with no row at all (a unit all of whose rows were rejected "
        "does not report)",
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
        f"{II06A} column 5; docs/design.md, Landing contract: dossiers (channel 3 = bưu chính công ích)",
        _rate_null("received"),
    ),
    Indicator(
        "returned_by_post",
        "Hồ sơ trả kết quả qua bưu chính công ích",
        "results returned by post",
        "resolved dossiers whose result was returned by public postal service (Trả kết quả qua BCCI = Có)",
        "count",
        "docs/design.md, Landing contract: dossiers (returned_by_post); seed article 001 (push postal returns)",
        NO_EXPORT,
    ),
    Indicator(
        "postal_return_rate",
        "Tỷ lệ trả kết quả qua bưu chính công ích",
        "postal return rate",
        "100 x returned_by_post / resolved, 2 decimals",
        "percent",
        "docs/design.md, Landing contract: dossiers (returned_by_post); seed article 001 (push postal returns)",
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
        "Quyết định 766/QĐ-TTg, group Tiến độ (supplement requests); docs/design.md, Landing contract: dossiers",
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
    Indicator(
        "procedures_catalogued",
        "Số TTHC cấp của đơn vị trong danh mục",
        "procedures of the unit's level",
        "procedures of the unit's own level in the catalogue in force: the latest one up to the quarter published "
        "by the unit or the nearest unit above it (core.procedure_catalogue_in_force)",
        "count",
        "Nghị định 63/2010/NĐ-CP (national procedure database); province catalogue decisions",
        NO_CATALOGUE,
    ),
    Indicator(
        "procedures_online_full",
        "TTHC cung cấp DVC trực tuyến toàn trình (mức độ 4)",
        "procedures online in full (level 4)",
        "procedures_catalogued with online service toàn trình (mức độ 4 before Nghị định 42/2022/NĐ-CP)",
        "count",
        "Nghị định 42/2022/NĐ-CP (toàn trình = former level 4)",
        NO_CATALOGUE,
    ),
    Indicator(
        "procedures_online_partial",
        "TTHC cung cấp DVC trực tuyến một phần (mức độ 3)",
        "procedures online in part (level 3)",
        "procedures_catalogued with online service một phần (mức độ 3 before Nghị định 42/2022/NĐ-CP)",
        "count",
        "Nghị định 42/2022/NĐ-CP (một phần = former level 3)",
        NO_CATALOGUE,
    ),
    Indicator(
        "procedures_online_share",
        "Tỷ lệ TTHC cung cấp DVC trực tuyến mức độ 3, 4",
        "share of procedures online at level 3/4",
        "100 x (procedures_online_full + procedures_online_partial) / procedures_catalogued, 2 decimals",
        "percent",
        f"{D766}, group Dịch vụ công trực tuyến (procedures offering online service); seed articles 000, 002",
        f"{NO_CATALOGUE}, or procedures_catalogued is 0",
    ),
    Indicator(
        "survey_responses",
        "Số phiếu khảo sát hài lòng",
        "satisfaction survey responses",
        "valid survey responses of the units in this subtree (the unit included) in the quarter",
        "count",
        "SIPAS (Bộ Nội vụ); surveys dataset",
        NO_SURVEY,
    ),
    Indicator(
        "satisfied_share",
        "Tỷ lệ hài lòng",
        "satisfied share",
        "100 x responses answering satisfied / survey_responses, 2 decimals",
        "percent",
        "SIPAS (Bộ Nội vụ): target > 80% (2020), >= 95% (2030)",
        f"{NO_SURVEY}, or survey_responses is 0",
    ),
)

BY_NAME: dict[str, Indicator] = {indicator.name: indicator for indicator in INDICATORS}

# Decision 766 groups and their points (the portal splits online service 12 + online payment 10), the
# thresholds at which a rate earns full points, and the bands of the total. Passed to the scorecard SQL.
SCORECARD_WEIGHTS: dict[str, Decimal] = {
    "transparency": Decimal("18"),
    "progress": Decimal("20"),
    "online_service": Decimal("12"),
    "online_payment": Decimal("10"),
    "satisfaction": Decimal("18"),
    "digitisation": Decimal("22"),
}
DOSSIER_SATISFACTION_POINTS = Decimal("6")
ONLINE_FULL_AT = Decimal("50")
SATISFACTION_FULL_AT = Decimal("90")
BAND_EXCELLENT_FROM = Decimal("90")
BAND_WEAK_BELOW = Decimal("50")
NOT_IN_EXPORTS = "none of the exports carries the data this group is scored on (no data, not zero)"


def scorecard_parameters() -> dict[str, Decimal]:
    """Weights and thresholds of Decision 766 as query parameters of the marts' SQL."""
    # The satisfaction group is scored through its dossier-handling part only (the PAKN parts have no data).
    return {
        **{f"w_{group}": points for group, points in SCORECARD_WEIGHTS.items() if group != "satisfaction"},
        "w_dossier_satisfaction": DOSSIER_SATISFACTION_POINTS,
        "online_full_at": ONLINE_FULL_AT,
        "satisfaction_full_at": SATISFACTION_FULL_AT,
        "band_excellent_from": BAND_EXCELLENT_FROM,
        "band_weak_below": BAND_WEAK_BELOW,
    }


def _group(name: str, label_vi: str, label_en: str, rule: str, null_meaning: str) -> Indicator:
    points = SCORECARD_WEIGHTS[name]
    return Indicator(f"{name}_score", label_vi, f"{label_en} (out of {points})", rule, "points", D766, null_meaning)


SCORECARD_766: tuple[Indicator, ...] = (
    *(BY_NAME[name] for name in ("quarter", "unit_code", "unit_name", "unit_level", "parent_code", "province_code")),
    _group(
        "transparency",
        "Công khai, minh bạch",
        "transparency",
        "procedures published and updated on time, with full content, dossiers synced to the national portal",
        NOT_IN_EXPORTS,
    ),
    _group(
        "progress",
        "Tiến độ, kết quả giải quyết",
        "progress of resolution",
        "progress_score_766 of mart.unit_quarter_indicators: 20 x (resolved early or on time + pending not "
        "overdue) / (resolved + pending), more than one supplement request counting as late",
        _rate_null("resolved + pending"),
    ),
    Indicator(
        "online_full_eligible",
        "Hồ sơ của TTHC đủ điều kiện toàn trình",
        "dossiers of procedures eligible for full online service",
        "dossiers received in the quarter whose procedure is toàn trình in the catalogue in force for their unit",
        "count",
        D766,
        f"{NO_EXPORT}, or {NO_CATALOGUE}",
    ),
    Indicator(
        "online_full_received_online",
        "Hồ sơ DVC trực tuyến toàn trình",
        "full-online dossiers",
        "online_full_eligible received online (channel 2)",
        "count",
        D766,
        f"{NO_EXPORT}, or {NO_CATALOGUE}",
    ),
    Indicator(
        "online_full_rate",
        "Tỷ lệ hồ sơ trực tuyến toàn trình",
        "full-online dossier rate",
        "100 x online_full_received_online / online_full_eligible, 2 decimals",
        "percent",
        D766,
        "online_full_eligible is NULL or 0",
    ),
    _group(
        "online_service",
        "Cung cấp dịch vụ trực tuyến",
        "online service",
        f"min(12, 12 x online_full_rate / {ONLINE_FULL_AT}): full points at {ONLINE_FULL_AT}% and above "
        "(the portal's full-online dossier indicator; threshold as in the VPCP description of the online "
        "submission rate, its use here inferred)",
        "online_full_rate is NULL",
    ),
    _group(
        "online_payment",
        "Thanh toán trực tuyến",
        "online payment",
        "dossiers paid online / dossiers with fees, fee-bearing procedures on the portal",
        NOT_IN_EXPORTS,
    ),
    Indicator(
        "overdue_share",
        "Tỷ lệ hồ sơ quá hạn",
        "overdue share",
        "100 x (resolved_late + pending_overdue) / (resolved + pending), 2 decimals",
        "percent",
        D766,
        _rate_null("resolved + pending"),
    ),
    Indicator(
        "dissatisfied_share",
        "Tỷ lệ không hài lòng",
        "dissatisfied share",
        "100 - satisfied_share of mart.unit_quarter_indicators (survey responses stand in for the portal's ratings)",
        "percent",
        f"{D766}; SIPAS",
        f"{NO_SURVEY}, or survey_responses is 0",
    ),
    Indicator(
        "dossier_satisfaction_rate",
        "Tỷ lệ hài lòng trong tiếp nhận, giải quyết TTHC",
        "satisfaction with dossier handling",
        "max(0, 100 - (overdue_share + dissatisfied_share)), 2 decimals",
        "percent",
        D766,
        "overdue_share or dissatisfied_share is NULL",
    ),
    _group(
        "satisfaction",
        "Mức độ hài lòng",
        "satisfaction",
        f"the dossier-handling part only (6 of 18 points): min(6, 6 x dossier_satisfaction_rate / "
        f"{SATISFACTION_FULL_AT}); the two parts on complaints and petitions (PAKN) are not in the exports",
        "dossier_satisfaction_rate is NULL",
    ),
    _group(
        "digitisation",
        "Số hoá hồ sơ",
        "digitisation",
        "electronic results, digitised dossiers, certified copies, reuse of data, population database links",
        NOT_IN_EXPORTS,
    ),
    Indicator(
        "points_covered",
        "Số điểm có số liệu",
        "points covered by data",
        "sum of the maximum points of the groups (or, for satisfaction, the part) that have a score",
        "points",
        D766,
        "never NULL (0 when nothing can be scored)",
    ),
    Indicator(
        "total_score",
        "Tổng điểm",
        "total score",
        "sum of the group scores that are not NULL, out of points_covered",
        "points",
        D766,
        "no group has a score",
    ),
    Indicator(
        "score_of_covered_percent",
        "Tỷ lệ điểm trên phần có số liệu",
        "score as a share of the points covered",
        "100 x total_score / points_covered, 2 decimals",
        "percent",
        D766,
        "points_covered is 0",
    ),
    Indicator(
        "complete",
        "Đủ số liệu",
        "complete",
        "points_covered = 100: every group scored",
        "flag",
        D766,
        "never NULL",
    ),
    Indicator(
        "band",
        "Xếp loại",
        "band",
        f"xuất sắc from {BAND_EXCELLENT_FROM}, yếu below {BAND_WEAK_BELOW}, "
        "'từ 50 đến dưới 90' between, on total_score",
        "text",
        f"{D766}; bands as published by the national portal",
        "the scorecard is not complete (a total over part of the groups is not banded)",
    ),
)

REGISTRY: dict[str, tuple[Indicator, ...]] = {TABLE: INDICATORS, SCORECARD_TABLE: SCORECARD_766}


def online_target() -> Decimal:
    """The online-submission target in percent: $CCHC_ONLINE_TARGET, default 40."""
    target = settings.non_negative_decimal("CCHC_ONLINE_TARGET")
    if target > 100:
        raise ValueError(f"CCHC_ONLINE_TARGET must be a percentage from 0 to 100, got {str(target)!r}")
    return target


def comment_statement(indicator: Indicator, table: str = TABLE) -> sql.Composed:
    """`COMMENT ON COLUMN <table>.<name> IS '<comment>'` for one column."""
    schema, name = table.split(".")
    return sql.SQL("COMMENT ON COLUMN {}.{}.{} IS {}").format(
        sql.Identifier(schema), sql.Identifier(name), sql.Identifier(indicator.name), sql.Literal(indicator.comment())
    )


def comment_statements(table: str = TABLE) -> list[str]:
    """Every column's COMMENT statement of one registered mart as SQL text, in registry order."""
    return [comment_statement(indicator, table).as_string(None) + ";" for indicator in REGISTRY[table]]


def apply_indicator_comments(conn: psycopg.Connection) -> int:
    """Set every column COMMENT of the registered marts from the registry; returns the number of columns."""
    with conn.transaction():
        for table, indicators in REGISTRY.items():
            for indicator in indicators:
                conn.execute(comment_statement(indicator, table))
    return sum(len(indicators) for indicators in REGISTRY.values())


def _cell(text: str) -> str:
    return " ".join(str(text).split()).replace("|", "\\|")


def render_indicators_md() -> str:
    """`docs/indicators.md`: the registry as one Markdown table per mart."""
    lines = [
        "# Indicators",
        "",
        "Generated from `plugins/cchc/indicators.py` by `cchc docs`; do not edit by hand.",
        "One row per unit (commune, district, province, with the hierarchy valid on the quarter's last day)",
        "and calendar quarter. Percentages have 2 decimals and are NULL where the denominator is 0.",
    ]
    for table, indicators in REGISTRY.items():
        lines += [
            "",
            f"## `{table}`",
            "",
            "| name | label (vi) | label (en) | formula | unit | source | NULL means |",
            "|---|---|---|---|---|---|---|",
        ]
        for i in indicators:
            cells = (f"`{i.name}`", i.label_vi, i.label_en, i.formula, i.unit, i.source, i.null_meaning)
            lines.append("| " + " | ".join(_cell(c) for c in cells) + " |")
    return "\n".join(lines) + "\n"


_KINDS = {"r": "table", "p": "partitioned table", "v": "view", "m": "materialized view"}


def render_data_dictionary(conn: psycopg.Connection) -> str:
    """`docs/data_dictionary.md`: every table and view of schemas `mart` and `bao_cao` with the warehouse's
    COMMENTs."""
    lines = [
        "# Data dictionary: schemas `mart` and `bao_cao`",
        "",
        "Generated by `cchc docs` from the COMMENTs of a migrated warehouse; do not edit by hand.",
        "Column comments of `mart.unit_quarter_indicators` and `mart.scorecard_766` come from "
        "`plugins/cchc/indicators.py`. The views of `bao_cao` carry Vietnamese column labels for staff and "
        "reporting tools; each names the mart it reads in its comment.",
    ]
    relations = fetch_all(conn, "docs/mart_relations.sql")
    for oid, schema, name, kind, comment in relations:
        lines += ["", f"## `{schema}.{name}` ({_KINDS[kind]})", ""]
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
