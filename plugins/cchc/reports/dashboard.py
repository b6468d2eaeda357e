"""The dashboard of one unit and quarter: a single HTML file that opens offline.

Provincial networks are often closed and the page is mailed around, so it fetches nothing: no
scripts, no web fonts, no images; its charts are inline SVG drawn here, and a Content-Security-Policy
forbids the browser to load anything at all. Text from the data (unit names come from exports and
reference data) is escaped everywhere it is written.

Every chart mark is an SVG element with class "mark", `data-chart` (on_time, online, scorecard,
series_on_time, series_online), `data-unit`, `data-quarter` or `data-group`, and `data-value` (the
mart's number as stored), so a test can count the marks against the marts.
"""

from __future__ import annotations

import html
import math
import os
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from cchc.config import LOCAL_TZ
from cchc.quarters import Quarter
from cchc.reports.data import Report
from cchc.reports.formats import LEVEL_SHEET_VI, LEVEL_VI, NO_DATA, vn_decimal, vn_integer, vn_percent

Row = dict[str, Any]

REFORM_QUARTER = Quarter(2025, 3)  # the first quarter after the 01/07/2025 reorganisation
RANKING_EDGE = 10  # a long ranking shows this many communes at the top and at the bottom
SOURCE_MARTS = ("mart.unit_quarter_indicators", "mart.scorecard_766", "mart.unit_quarter_comparable")


@dataclass(frozen=True)
class Group:
    key: str
    column: str
    max_points: int
    label: str


# Decision 766/QĐ-TTg: the six groups of the service index and their points (100 in all).
GROUPS = (
    Group("transparency", "transparency_score", 18, "Công khai, minh bạch"),
    Group("progress", "progress_score", 20, "Tiến độ, kết quả giải quyết"),
    Group("online_service", "online_service_score", 12, "Cung cấp dịch vụ trực tuyến"),
    Group("online_payment", "online_payment_score", 10, "Thanh toán trực tuyến"),
    Group("satisfaction", "satisfaction_score", 18, "Mức độ hài lòng"),
    Group("digitisation", "digitisation_score", 22, "Số hoá hồ sơ"),
)

# Chart geometry in SVG user units. Charts are 480 wide and scale to their box, so 14-unit text is
# about 10 px on a 390 px phone and 16 px on a desktop half-column.
WIDTH = 480
BAR_ROW = 38
NAME_CHARS = 34

CSS = """
:root { --ink: #1a202c; --muted: #5a6577; --line: #d8dee8; --blue: #2b6cb0; --green: #2f855a;
  --orange: #c05621; --red: #c53030; --track: #e6ebf2; --card: #f7f9fc; }
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; }
body { margin: 0; color: var(--ink); background: #fff; line-height: 1.45;
  font-family: system-ui, "Segoe UI", Roboto, "Noto Sans", "DejaVu Sans", Arial, sans-serif; }
main { max-width: 1200px; margin: 0 auto; padding: 16px 20px 24px; }
h1 { font-size: 1.7rem; margin: 0 0 4px; }
h2 { font-size: 1.15rem; margin: 0 0 6px; }
h3 { font-size: 1rem; margin: 12px 0 4px; }
.en { color: var(--muted); font-size: 0.78em; font-weight: normal; }
.meta { display: flex; flex-wrap: wrap; gap: 4px 18px; margin: 6px 0 0; padding: 0; list-style: none;
  color: var(--muted); font-size: 0.92rem; }
.meta b { color: var(--ink); font-weight: 600; }
header { border-bottom: 3px solid var(--blue); padding-bottom: 10px; margin-bottom: 16px; }
.cards { display: grid; grid-template-columns: repeat(auto-fit, minmax(165px, 1fr)); gap: 10px; margin: 0 0 16px; }
.card { background: var(--card); border: 1px solid var(--line); border-radius: 6px; padding: 10px 12px; }
.card .label { font-size: 0.85rem; color: var(--muted); }
.card .value { font-size: 1.45rem; font-weight: 700; margin-top: 2px; overflow-wrap: anywhere; }
.card .note { font-size: 0.8rem; color: var(--muted); }
.ok { color: var(--green); }
.below { color: var(--orange); }
.grid { display: grid; grid-template-columns: minmax(0, 1fr); gap: 16px; }
section.panel { border: 1px solid var(--line); border-radius: 6px; padding: 12px 14px; min-width: 0; }
.wide { grid-column: 1 / -1; }
svg.chart { display: block; width: 100%; height: auto; max-width: 640px; }
svg.chart text { font-size: 14px; fill: var(--ink); paint-order: stroke; stroke: #fff; stroke-width: 3px;
  stroke-linejoin: round; }
svg.chart text.tick { font-size: 12px; fill: var(--muted); }
svg.chart text.nodata { fill: var(--muted); font-style: italic; }
svg.chart .grid-line { stroke: var(--line); stroke-width: 1; }
svg.chart .track { fill: var(--track); }
svg.chart .bar { fill: var(--blue); }
svg.chart .bar.online { fill: var(--green); }
svg.chart .bar.below-target { fill: var(--orange); }
svg.chart .target { stroke: var(--red); stroke-width: 2; stroke-dasharray: 6 4; }
svg.chart text.target-label { fill: var(--red); font-size: 12px; }
svg.chart .reform { stroke: var(--muted); stroke-width: 1.5; stroke-dasharray: 3 3; }
svg.chart .segment { stroke-width: 2.5; fill: none; }
svg.chart .segment.approximate { stroke-dasharray: 5 4; }
svg.chart .point { stroke-width: 2.5; }
svg.chart .point.derived { fill: #fff; }
svg.chart .point.approximate { stroke-dasharray: 2.5 2; }
.series-on_time { stroke: var(--blue); fill: var(--blue); }
.series-online { stroke: var(--green); fill: var(--green); }
.legend { display: flex; flex-wrap: wrap; gap: 4px 16px; margin: 6px 0 0; padding: 0; list-style: none;
  font-size: 0.85rem; color: var(--muted); }
.legend svg { width: 26px; height: 14px; vertical-align: -2px; margin-right: 4px; }
.swatch { display: inline-block; width: 12px; height: 12px; border-radius: 2px; margin-right: 4px;
  vertical-align: -1px; }
.small { font-size: 0.85rem; color: var(--muted); margin: 6px 0 0; }
.table-wrap { overflow-x: auto; -webkit-overflow-scrolling: touch; }
table { border-collapse: collapse; width: 100%; font-size: 0.9rem; }
th, td { border-bottom: 1px solid var(--line); padding: 5px 8px; text-align: left; vertical-align: top; }
th { background: var(--card); font-weight: 600; }
td.name { min-width: 9em; }
td.num, th.num { text-align: right; }
td.num, td.flag { white-space: nowrap; }
tr.gap td { text-align: center; color: var(--muted); font-style: italic; }
.total { margin: 8px 0 0; }
footer { margin-top: 20px; padding-top: 10px; border-top: 1px solid var(--line); font-size: 0.85rem;
  color: var(--muted); }
code { font-size: 0.95em; }
@media (min-width: 900px) {
  .grid { grid-template-columns: repeat(2, minmax(0, 1fr)); }
}
@media (max-width: 600px) {
  main { padding: 10px 10px 16px; }
  h1 { font-size: 1.35rem; }
  section.panel { padding: 10px; }
  .card .value { font-size: 1.2rem; }
  /* Charts shrink to about 0.7 of their user units on a phone: larger text keeps them legible. */
  svg.chart text { font-size: 19px; }
  svg.chart text.tick, svg.chart text.target-label { font-size: 15px; }
  /* The ranking as one block per commune rather than a table wider than the screen. */
  #ranking thead { display: none; }
  #ranking table, #ranking tbody, #ranking td { display: block; }
  #ranking tr { display: grid; grid-template-columns: 1fr 1fr; gap: 0 10px; padding: 6px 0;
    border-bottom: 1px solid var(--line); }
  #ranking td { border: 0; padding: 1px 0; text-align: left; white-space: normal; min-width: 0; }
  #ranking td::before { content: attr(data-label) ": "; color: var(--muted); font-size: 0.8rem; }
  #ranking td.commune, #ranking td.parent { grid-column: 1 / -1; order: -1; }
  #ranking td.commune { font-weight: 600; }
  #ranking td.commune::before, #ranking tr.gap td::before { content: none; }
  #ranking tr.gap td { grid-column: 1 / -1; text-align: center; }
}
@page { size: A4 portrait; margin: 12mm; }
@media print {
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  main { max-width: none; padding: 0; }
  body { font-size: 10pt; }
  /* Two charts a row, as on a desktop: about three A4 pages instead of seven. */
  .grid { grid-template-columns: repeat(2, minmax(0, 1fr)); gap: 10px; }
  section.panel, .card, tr { break-inside: avoid; }
  header { break-after: avoid; }
  .table-wrap { overflow: visible; }
}
"""

# Nothing may be loaded: the page is one file, and a stray reference must fail rather than reach out.
CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"


def _e(value: object) -> str:
    return html.escape(str(value), quote=True)


def _raw(value: Any) -> str:
    """A number as the mart holds it, for data-value (97.78, not 97,78%)."""
    return format(value, "f") if isinstance(value, Decimal) else str(value)


def _f(value: float) -> str:
    """An SVG coordinate."""
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _day(day: date) -> str:
    return day.strftime("%d/%m/%Y")


def _short(name: str) -> str:
    return name if len(name) <= NAME_CHARS else name[: NAME_CHARS - 1] + "…"


def _level_group(level: str) -> str:
    """'đơn vị cấp huyện': the words for units of a level (a district may be a city or a town)."""
    return f"đơn vị {LEVEL_SHEET_VI.get(level, level).lower()}"


def _yes_no(value: bool | None) -> str:
    if value is None:
        return NO_DATA
    return "Đạt" if value else "Chưa đạt"


def _quarter_short(quarter: str) -> str:
    parsed = Quarter.parse(quarter)
    return f"Q{parsed.number}/{parsed.year}"


def _text(x: float, y: float, content: str, css: str = "", anchor: str = "start") -> str:
    cls = f' class="{css}"' if css else ""
    return f'<text x="{_f(x)}" y="{_f(y)}" text-anchor="{anchor}"{cls}>{_e(content)}</text>'


def _svg(chart_id: str, label: str, height: float, body: Iterable[str]) -> str:
    return (
        f'<svg class="chart" id="chart-{chart_id}" data-chart-id="{chart_id}" viewBox="0 0 {WIDTH} {_f(height)}" '
        f'role="img" aria-label="{_e(label)}" preserveAspectRatio="xMinYMin meet">' + "".join(body) + "</svg>"
    )


# Bar charts of the units directly under the report's unit.


def _unit_bars(chart_id: str, label: str, rows: Sequence[Row], column: str, target: Decimal | None = None) -> str:
    """Horizontal bars on a 0-100% axis, one per unit, best first; names above their bars so long
    Vietnamese names stay readable on a phone. With a target, a line at it and bars below it coloured."""
    top = 22 if target is not None else 6
    x0, x1 = 4.0, WIDTH - 4.0
    plot_bottom = top + BAR_ROW * len(rows)
    scale = (x1 - x0) / 100
    body = [_percent_grid(x0, scale, top, plot_bottom)]
    for index, row in enumerate(rows):
        y = top + index * BAR_ROW
        value = row[column]
        below = target is not None and value < target
        css = "mark bar" + (" online" if target is not None else "") + (" below-target" if below else "")
        tip = f"{row['unit_name']} ({row['unit_code']}): {vn_percent(value)}"
        body.append(_text(x0, y + 14, _short(row["unit_name"])))
        body.append(_text(x1, y + 14, vn_percent(value), anchor="end"))
        body.append(
            f'<rect class="{css}" data-chart="{chart_id}" data-unit="{_e(row["unit_code"])}" '
            f'data-value="{_raw(value)}" x="{_f(x0)}" y="{_f(y + 19)}" width="{_f(min(float(value), 100) * scale)}" '
            f'height="13"><title>{_e(tip)}</title></rect>'
        )
    if target is not None:
        x = x0 + float(target) * scale
        body.append(
            f'<line class="target" data-target="{_raw(target)}" x1="{_f(x)}" x2="{_f(x)}" y1="{_f(top - 4)}" '
            f'y2="{_f(plot_bottom)}"><title>{_e("Chỉ tiêu " + vn_percent(target))}</title></line>'
        )
        body.append(_text(x, 12, f"Chỉ tiêu {vn_percent(target)}", "target-label", "middle"))
    return _svg(chart_id, label, plot_bottom + 24, body)


def _percent_grid(x0: float, scale: float, top: float, bottom: float) -> str:
    parts = []
    for tick in range(0, 101, 20):
        x = x0 + tick * scale
        anchor = "start" if tick == 0 else "end" if tick == 100 else "middle"
        parts.append(f'<line class="grid-line" x1="{_f(x)}" x2="{_f(x)}" y1="{_f(top)}" y2="{_f(bottom)}"/>')
        parts.append(_text(x, bottom + 16, f"{tick}%", "tick", anchor))
    return "".join(parts)


def _children(report: Report) -> list[Row]:
    return [row for row in report.indicators if row["parent_code"] == report.unit.code]


def _rate_panel(report: Report, chart_id: str, column: str, target: Decimal | None) -> str:
    children = _children(report)
    with_rate = sorted((row for row in children if row[column] is not None), key=lambda r: (-r[column], r["unit_code"]))
    without = [row for row in children if row[column] is None]
    if chart_id == "on_time":
        title = 'Tỷ lệ giải quyết đúng hạn <span class="en">on-time resolution rate</span>'
    else:
        title = 'Tỷ lệ hồ sơ trực tuyến <span class="en">online submission rate</span>'
    parts = [f"<h2>{title}</h2>"]
    if not children:
        parts.append(f'<p class="small">{_e(report.unit.name)} không có đơn vị trực thuộc.</p>')
        return _panel(chart_id, parts)
    group = _level_group(children[0]["unit_level"])
    parts.append(f'<p class="small">{len(with_rate)} {group} trực thuộc, xếp từ cao xuống thấp; thang 0–100%.</p>')
    if with_rate:
        what = "giải quyết đúng hạn" if chart_id == "on_time" else "hồ sơ trực tuyến"
        label = f"Biểu đồ thanh: tỷ lệ {what} của {len(with_rate)} {group}, {report.quarter.label_vi}"
        parts.append(_unit_bars(chart_id, label, with_rate, column, target))
    if target is not None and with_rate:
        parts.append(
            '<ul class="legend"><li><span class="swatch" style="background:var(--green)"></span>đạt chỉ tiêu</li>'
            '<li><span class="swatch" style="background:var(--orange)"></span>dưới chỉ tiêu</li>'
            f"<li>chỉ tiêu {vn_percent(target)} (đường đứt nét đỏ)</li></ul>"
        )
    if without:
        names = ", ".join(_e(row["unit_name"]) for row in without)
        parts.append(f'<p class="small">{NO_DATA.capitalize()}: {names}.</p>')
    return _panel(chart_id, parts)


def _panel(name: str, parts: Iterable[str], wide: bool = False) -> str:
    css = "panel wide" if wide else "panel"
    return f'<section class="{css}" id="{name}">' + "".join(parts) + "</section>"


# Header and key figures.


def _header(report: Report, own: Row, generated_at: datetime) -> str:
    # The indicators count the calendar quarter; only Biểu II.06a counts the Decree 09/2019 period.
    start, end = report.quarter.first_day, report.quarter.last_day
    form_start, form_end = report.report_period
    level = LEVEL_VI.get(report.unit.level, report.unit.level)
    items = [
        f"<li>Cấp <b>{_e(level)}</b></li>",
        f"<li>Mã đơn vị <b>{_e(report.unit.code)}</b></li>",
    ]
    if own.get("parent_name"):
        items.append(f"<li>Trực thuộc <b>{_e(own['parent_name'])}</b></li>")
    items += [
        f"<li>Số liệu từ <b>{_day(start)} – {_day(end)}</b></li>",
        f"<li>Kỳ Biểu II.06a <b>{_day(form_start)} – {_day(form_end)}</b></li>",
        f"<li>Lập lúc <b>{generated_at.strftime('%d/%m/%Y %H:%M')}</b></li>",
    ]
    return (
        "<header>"
        f"<h1>{_e(report.unit.name)}</h1>"
        f"<div>Chỉ số cải cách hành chính, <b>{_e(report.quarter.label_vi)}</b> "
        f'<span class="en">administrative reform indicators, {report.quarter}</span></div>'
        f'<ul class="meta">{"".join(items)}</ul>'
        "</header>"
    )


def _card(label: str, english: str, value: str, note: str = "", css: str = "") -> str:
    cls = f"value {css}".strip()
    note_html = f'<div class="note">{note}</div>' if note else ""
    return (
        f'<div class="card"><div class="label">{label} <span class="en">{english}</span></div>'
        f'<div class="{cls}">{value}</div>{note_html}</div>'
    )


def _key_figures(own: Row, score: Row | None) -> str:
    target = own.get("online_target_percent")
    meets = own.get("meets_online_target")
    total = score.get("total_score") if score else None
    total_note = f"trên {vn_decimal(score['points_covered'])} điểm có số liệu (tối đa 100)" if score else ""
    cards = [
        _card("Hồ sơ tiếp nhận", "received", vn_integer(own.get("received"))),
        _card("Đã giải quyết", "resolved", vn_integer(own.get("resolved"))),
        _card("Tỷ lệ đúng hạn", "on time", vn_percent(own.get("on_time_rate"))),
        _card(
            "Tỷ lệ trực tuyến",
            "online",
            vn_percent(own.get("online_rate")),
            f"chỉ tiêu {vn_percent(target)}" if target is not None else "",
        ),
        _card(
            "Đạt chỉ tiêu trực tuyến",
            "meets target",
            _yes_no(meets),
            css="" if meets is None else "ok" if meets else "below",
        ),
        _card("Điểm QĐ 766", "Decision 766 score", vn_decimal(total), total_note),
    ]
    return f'<div class="cards" id="key-figures">{"".join(cards)}</div>'


# Ranking of the communes.


def _rank_key(row: Row) -> tuple[int, int, str]:
    rank = row.get("rank_on_time_in_province")
    return (rank is None, rank or 0, row["unit_code"])


def _rank(value: int | None) -> str:
    return NO_DATA if value is None else str(value)


RANKING_COLUMNS = (
    # (css class, Vietnamese header, English header, short label for the phone layout)
    ("num", "Hạng trong tỉnh", "on-time rank, province", "Hạng tỉnh"),
    ("name commune", "Xã", "commune", "Xã"),
    ("name parent", "Trực thuộc", "parent", "Trực thuộc"),
    ("num", "Tỷ lệ đúng hạn", "on-time rate", "Đúng hạn"),
    ("num", "Hạng trong {parent}", "on-time rank, parent", "Hạng trong {parent}"),
    ("num", "Tỷ lệ trực tuyến", "online rate", "Trực tuyến"),
    ("num", "Hạng trực tuyến trong tỉnh", "online rank, province", "Hạng trực tuyến"),
    ("flag", "Đạt chỉ tiêu trực tuyến", "meets target", "Chỉ tiêu"),
)


def _ranking_row(row: Row, parent_word: str) -> str:
    values = (
        _rank(row.get("rank_on_time_in_province")),
        _e(row["unit_name"]),
        _e(row.get("parent_name") or ""),
        vn_percent(row["on_time_rate"]),
        _rank(row.get("rank_on_time_in_district")),
        vn_percent(row["online_rate"]),
        _rank(row.get("rank_online_in_province")),
        _yes_no(row.get("meets_online_target")),
    )
    cells = (
        f'<td class="{css}" data-label="{_e(short.format(parent=parent_word))}">{value}</td>'
        for (css, _, _, short), value in zip(RANKING_COLUMNS, values, strict=True)
    )
    return f'<tr data-unit="{_e(row["unit_code"])}">{"".join(cells)}</tr>'


def _ranking(report: Report) -> str:
    communes = sorted(report.level_rows("commune"), key=_rank_key)
    if not communes:
        return ""
    parent_word = "huyện" if report.level_rows("district") else "đơn vị cấp trên"
    head = "".join(
        f'<th class="{css}">{vi.format(parent=parent_word)}<br><span class="en">{en}</span></th>'
        for css, vi, en, _ in RANKING_COLUMNS
    )
    if len(communes) > 2 * RANKING_EDGE:
        hidden = len(communes) - 2 * RANKING_EDGE
        body = [_ranking_row(r, parent_word) for r in communes[:RANKING_EDGE]]
        body.append(
            f'<tr class="gap"><td colspan="{len(RANKING_COLUMNS)}">… {hidden} xã ở giữa bảng không hiển thị …</td></tr>'
        )
        body += [_ranking_row(r, parent_word) for r in communes[-RANKING_EDGE:]]
        shown = f"Hiển thị {RANKING_EDGE} xã đứng đầu và {RANKING_EDGE} xã cuối bảng trong tổng số {len(communes)} xã"
    else:
        body = [_ranking_row(r, parent_word) for r in communes]
        shown = f"Hiển thị tất cả {len(communes)} xã"
    note = (
        f"{shown}, xếp theo hạng tỷ lệ giải quyết đúng hạn trong tỉnh (1 = cao nhất; cùng tỷ lệ, cùng hạng); "
        f"xã {NO_DATA} xếp cuối."
    )
    return _panel(
        "ranking",
        [
            '<h2>Xếp hạng các xã <span class="en">commune ranking</span></h2>',
            f'<p class="small">{note}</p>',
            f'<div class="table-wrap"><table><thead><tr>{head}</tr></thead>'
            f"<tbody>{''.join(body)}</tbody></table></div>",
        ],
        wide=True,
    )


# Decision 766 scorecard.


def _scorecard_chart(score: Row, label: str) -> str:
    x0, x1 = 4.0, WIDTH - 4.0
    scale = (x1 - x0) / max(group.max_points for group in GROUPS)  # one points scale: a group's bar shows its weight
    body = []
    for index, group in enumerate(GROUPS):
        y = index * BAR_ROW + 4
        value = score.get(group.column)
        body.append(_text(x0, y + 14, group.label))
        if value is None:
            body.append(_text(x1, y + 14, NO_DATA, "nodata", "end"))
            continue
        body.append(_text(x1, y + 14, f"{vn_decimal(value)} / {group.max_points}", anchor="end"))
        tip = f"{group.label}: {vn_decimal(value)} / {group.max_points} điểm"
        body.append(
            f'<rect class="track" x="{_f(x0)}" y="{_f(y + 19)}" width="{_f(group.max_points * scale)}" height="13"/>'
        )
        body.append(
            f'<rect class="mark bar" data-chart="scorecard" data-group="{group.key}" data-value="{_raw(value)}" '
            f'data-max="{group.max_points}" x="{_f(x0)}" y="{_f(y + 19)}" width="{_f(float(value) * scale)}" '
            f'height="13"><title>{_e(tip)}</title></rect>'
        )
    return _svg("scorecard", label, len(GROUPS) * BAR_ROW + 8, body)


def _band_text(score: Row) -> str:
    if score.get("band"):
        return f"Xếp loại: <b>{_e(score['band'])}</b>"
    return (
        f"Chưa xếp loại: bộ chỉ số chưa đủ số liệu ({vn_decimal(score['points_covered'])}/100 điểm có số liệu); "
        "chỉ xếp loại khi cả sáu nhóm đều chấm được."
    )


def _scorecard(report: Report, score: Row | None) -> str:
    parts = ['<h2>Bộ chỉ số phục vụ người dân, doanh nghiệp (QĐ 766) <span class="en">Decision 766</span></h2>']
    if score is None:
        parts.append(f'<p class="small">{NO_DATA}</p>')
        return _panel("scorecard", parts)
    scored = sum(1 for group in GROUPS if score.get(group.column) is not None)
    label = f"Biểu đồ thanh: điểm sáu nhóm chỉ số QĐ 766 của {report.unit.name}, {scored} nhóm có số liệu"
    parts.append(_scorecard_chart(score, label))
    total = score.get("total_score")
    share = score.get("score_of_covered_percent")
    parts.append(
        f'<p class="total">Tổng điểm <b>{vn_decimal(total)}</b> trên {vn_decimal(score["points_covered"])} '
        f"điểm có số liệu (tối đa 100)"
        + (f", đạt {vn_percent(share)} số điểm có số liệu" if share is not None else "")
        + f". {_band_text(score)}</p>"
    )
    parts.append(
        '<p class="small">Thanh xám: số điểm tối đa của nhóm. Nhóm "mức độ hài lòng" chỉ chấm được phần 6 điểm về '
        "tiếp nhận, giải quyết hồ sơ; phần phản ánh, kiến nghị không có trong dữ liệu.</p>"
    )
    return _panel("scorecard", parts)


# The unit's series across the 2025 reform.


def _y_axis(values: Sequence[float]) -> tuple[float, float, float]:
    """Bounds and tick step of a percent axis holding `values`, within 0-100 and at least 10 points tall."""
    low = max(0.0, math.floor((min(values) - 1) / 5) * 5)
    high = min(100.0, math.ceil((max(values) + 1) / 5) * 5)
    if high - low < 10:
        low = max(0.0, high - 10)
        high = low + 10
    step = next(s for s in (1, 2, 5, 10, 20, 25) if (high - low) / s <= 5)
    return low, high, step


def _series_chart(chart_id: str, label: str, series: Sequence[Row], column: str, target: Decimal | None) -> str:
    left, right, top, bottom, height = 46.0, WIDTH - 12.0, 16.0, 196.0, 226.0
    values = [float(row[column]) for row in series if row[column] is not None]
    low, high, step = _y_axis(values + ([float(target)] if target is not None else []))
    gap = (right - left) / max(len(series), 1)

    def x_at(index: int) -> float:
        return left + gap * (index + 0.5)

    def y_at(value: float) -> float:
        return bottom - (value - low) / (high - low) * (bottom - top)

    body = []
    tick = low
    while tick <= high + 1e-9:
        y = y_at(tick)
        body.append(f'<line class="grid-line" x1="{_f(left)}" x2="{_f(right)}" y1="{_f(y)}" y2="{_f(y)}"/>')
        body.append(_text(left - 6, y + 4, f"{tick:g}%", "tick", "end"))
        tick += step
    every = math.ceil(len(series) / 8)  # at most eight quarter labels, so they never overlap
    for index, row in enumerate(series):
        if index % every == 0 or index == len(series) - 1:
            body.append(_text(x_at(index), bottom + 20, _quarter_short(row["quarter"]), "tick", "middle"))
    body += _reform_line(series, x_at, top, bottom)
    if target is not None:
        y = y_at(float(target))
        body.append(
            f'<line class="target" data-target="{_raw(target)}" x1="{_f(left)}" x2="{_f(right)}" y1="{_f(y)}" '
            f'y2="{_f(y)}"><title>{_e("Chỉ tiêu " + vn_percent(target))}</title></line>'
        )
    body += _segments(chart_id, series, column, x_at, y_at)
    body += _points(chart_id, series, column, x_at, y_at, labels=len(series) <= 8)
    return _svg(chart_id, label, height, body)


def _first_after_reform(series: Sequence[Row]) -> int | None:
    """Index of the series' first quarter after the 01/07/2025 reform, if quarters before it precede it."""
    after = [i for i, row in enumerate(series) if Quarter.parse(row["quarter"]) >= REFORM_QUARTER]
    return after[0] if after and after[0] > 0 else None


def _reform_line(series: Sequence[Row], x_at: Any, top: float, bottom: float) -> list[str]:
    first = _first_after_reform(series)
    if first is None:
        return []
    x = (x_at(first - 1) + x_at(first)) / 2
    return [
        f'<line class="reform" data-date="2025-07-01" x1="{_f(x)}" x2="{_f(x)}" y1="{_f(top - 8)}" '
        f'y2="{_f(bottom)}"><title>Sắp xếp đơn vị hành chính 01/07/2025</title></line>',
        _text(x + 4, top - 4, "01/07/2025", "tick"),
    ]


def _segments(chart_id: str, series: Sequence[Row], column: str, x_at: Any, y_at: Any) -> list[str]:
    """Lines between neighbouring quarters that both have a value; dashed if either end is approximate."""
    out = []
    for index in range(1, len(series)):
        before, after = series[index - 1], series[index]
        if before[column] is None or after[column] is None:
            continue
        css = f"segment series-{chart_id.removeprefix('series_')}"
        if before["approximate"] or after["approximate"]:
            css += " approximate"
        out.append(
            f'<line class="{css}" x1="{_f(x_at(index - 1))}" y1="{_f(y_at(float(before[column])))}" '
            f'x2="{_f(x_at(index))}" y2="{_f(y_at(float(after[column])))}"/>'
        )
    return out


def _point_note(row: Row) -> str:
    notes = []
    if row["derived"]:
        notes.append("số liệu suy ra")
    if row["approximate"]:
        notes.append("gần đúng")
    return f" ({', '.join(notes)})" if notes else ""


def _points(chart_id: str, series: Sequence[Row], column: str, x_at: Any, y_at: Any, labels: bool) -> list[str]:
    out = []
    for index, row in enumerate(series):
        value = row[column]
        if value is None:
            continue
        css = f"mark point series-{chart_id.removeprefix('series_')}"
        css += " derived" if row["derived"] else " reported"
        css += " approximate" if row["approximate"] else ""
        x, y = x_at(index), y_at(float(value))
        tip = f"{Quarter.parse(row['quarter']).label_vi}: {vn_percent(value)}{_point_note(row)}"
        out.append(
            f'<circle class="{css}" data-chart="{chart_id}" data-quarter="{_e(row["quarter"])}" '
            f'data-unit="{_e(row["unit_code"])}" data-value="{_raw(value)}" data-basis="{_e(row["basis"])}" '
            f'cx="{_f(x)}" cy="{_f(y)}" r="5"><title>{_e(tip)}</title></circle>'
        )
        if labels:
            out.append(_text(x, y - 10, vn_percent(value, 1), "tick", "middle"))
    return out


def _legend_icon(shape: str) -> str:
    return f'<svg viewBox="0 0 26 14" aria-hidden="true">{shape}</svg>'


def _legend_line(vertical: bool, colour: str, dash: str) -> str:
    ends = 'x1="13" y1="0" x2="13" y2="14"' if vertical else 'x1="1" y1="7" x2="25" y2="7"'
    return _legend_icon(f'<line {ends} stroke="{colour}" stroke-width="2" stroke-dasharray="{dash}"/>')


def _series_legend(crosses_reform: bool, target: Decimal | None) -> str:
    items = [
        _legend_icon('<circle cx="13" cy="7" r="4.5" fill="#5a6577"/>')
        + 'số liệu báo cáo <span class="en">reported</span>',
        _legend_icon('<circle cx="13" cy="7" r="4.5" fill="#fff" stroke="#5a6577" stroke-width="2"/>')
        + 'số liệu suy ra <span class="en">derived from predecessors or successors</span>',
        _legend_icon(
            '<circle cx="13" cy="7" r="4.5" fill="#fff" stroke="#5a6577" stroke-width="2" stroke-dasharray="2.5 2"/>'
        )
        + _legend_line(False, "#5a6577", "5 4")
        + 'gần đúng <span class="en">approximate: boundaries do not match or a source unit sent no data</span>',
    ]
    if crosses_reform:
        items.append(
            _legend_line(True, "#5a6577", "3 3")
            + 'sắp xếp đơn vị hành chính 01/07/2025 <span class="en">2025 reform</span>'
        )
    if target is not None:
        items.append(
            _legend_line(False, "#c53030", "6 4")
            + f'chỉ tiêu trực tuyến {vn_percent(target)} <span class="en">online target</span>'
        )
    return '<ul class="legend">' + "".join(f"<li>{item}</li>" for item in items) + "</ul>"


def _own_series(report: Report) -> tuple[list[Row], list[Row]]:
    """The series rows of the report's unit, and rows of any other unit: codes are reused across the
    reform, and another unit's figures must not be drawn as this one's."""
    unit = report.unit
    own = [r for r in report.series if (r["unit_name"], r["unit_level"]) == (unit.name, unit.level)]
    return own, [r for r in report.series if r not in own]


def _series(report: Report, target: Decimal | None) -> str:
    series, others = _own_series(report)
    parts = [
        '<h2>Diễn biến qua các quý <span class="en">series across the 01/07/2025 reform</span></h2>',
        '<p class="small">Chuỗi so sánh được qua sắp xếp đơn vị hành chính: quý đơn vị chưa có (hoặc không còn) '
        "được tính từ các đơn vị tiền thân (hoặc kế thừa).</p>",
    ]
    if others:
        names = ", ".join(sorted({_e(row["unit_name"]) for row in others}))
        parts.append(
            f'<p class="small">Không vẽ {len(others)} quý của đơn vị khác cùng mã {_e(report.unit.code)} ({names}).</p>'
        )
    charts = (
        ("series_on_time", "on_time_rate", "Tỷ lệ giải quyết đúng hạn", None),
        ("series_online", "online_rate", "Tỷ lệ hồ sơ trực tuyến", target),
    )
    for chart_id, column, title, line in charts:
        parts.append(f"<h3>{title}</h3>")
        with_value = [row for row in series if row[column] is not None]
        if not with_value:
            parts.append(f'<p class="small">{NO_DATA}</p>')
            continue
        label = f"Biểu đồ đường: {title.lower()} của {report.unit.name} qua {len(with_value)} quý"
        parts.append(_series_chart(chart_id, label, series, column, line))
    parts.append(_series_legend(_first_after_reform(series) is not None, target))
    return _panel("series", parts)


def _footer(report: Report) -> str:
    marts = ", ".join(f"<code>{name}</code>" for name in SOURCE_MARTS)
    return (
        "<footer>"
        f"<p>Nguồn số liệu: kho dữ liệu CCHC, các bảng {marts}, quý {report.quarter}. "
        '<span class="en">Source: the CCHC warehouse marts above.</span></p>'
        "<p>Số liệu được đọc bằng tài khoản đăng nhập của người xem báo cáo: phân quyền theo tỉnh của tài khoản "
        "quyết định những đơn vị có trong trang này. "
        '<span class="en">Figures are read under the viewer\'s login; row-level security decides which units '
        "it holds.</span></p>"
        "<p>Không có dữ liệu: đơn vị không gửi tệp hồ sơ trong quý, hoặc mẫu số bằng 0 — không phải bằng 0. "
        '<span class="en">No data is not zero.</span></p>'
        "</footer>"
    )


def _own_rows(report: Report) -> tuple[Row, Row | None]:
    own = next((row for row in report.indicators if row["unit_code"] == report.unit.code), {})
    score = next((row for row in report.scorecard if row["unit_code"] == report.unit.code), None)
    return own, score


def render_dashboard(report: Report, *, generated_at: datetime | None = None) -> str:
    """The dashboard of `report` as one self-contained HTML document."""
    generated_at = generated_at or datetime.now(ZoneInfo(LOCAL_TZ))
    own, score = _own_rows(report)
    target = own.get("online_target_percent")
    if target is None:
        target = next((r["online_target_percent"] for r in report.indicators if r.get("online_target_percent")), None)
    title = f"Chỉ số CCHC – {report.unit.name} – {report.quarter.label_vi}"
    body = [
        _header(report, own, generated_at),
        _key_figures(own, score),
        '<div class="grid">',
        _rate_panel(report, "on_time", "on_time_rate", None),
        _rate_panel(report, "online", "online_rate", target),
        _scorecard(report, score),
        _series(report, target),
        _ranking(report),
        "</div>",
        _footer(report),
    ]
    return (
        '<!DOCTYPE html>\n<html lang="vi">\n<head>\n<meta charset="utf-8">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{_e(title)}</title>\n<style>{CSS}</style>\n</head>\n<body>\n<main>\n"
        + "\n".join(part for part in body if part)
        + "\n</main>\n</body>\n</html>\n"
    )


def write_dashboard(report: Report, path: Path, *, generated_at: datetime | None = None) -> Path:
    """Write the dashboard to `path` atomically: a reader never sees a half-written page."""
    path.parent.mkdir(parents=True, exist_ok=True)
    page = render_dashboard(report, generated_at=generated_at)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as out:
            out.write(page)
        os.chmod(temporary, 0o644)  # mkstemp's 0600 would hide the page from everyone else on a share
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return path
