"""What reform oversight produces besides dossiers: inspections, CCHC plans and the PAR index.

- `inspections`: a district's CCHC inspection team visits about a third of its communes a year (after
  the 2025 reform, with no districts left, the province visits a few of its communes). One row per
  criterion score (Chỉ thị 29-CT/TU-style public-service criteria, in percent) and one per finding,
  each finding carrying the corrective letter sent after the visit and whether it was acted on.
- `plans`: every commune's CCHC plan for the year, with the deadline its superior set (15/01, 31/01
  or 31/12 of the year before) and whether the budget was published on the commune's website.
- `procedures`: the province's catalogue of procedures with their online service level.
- `par_index`: the year's reform index by area, self-assessed and appraised. Province areas and maxima
  are the 2017 ones (Quyết định 2948/QĐ-BNV); district and commune areas are set by each province, and
  the sets used here are illustrative.

All figures are invented; each file draws from its own seed (unit, year or quarter, dataset).
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

from cchc.quarters import Quarter
from cchc.sources.datasets import INSPECTIONS, PAR_INDEX, PLANS, PROCEDURES
from cchc_sample.catalogue import FULL_ONLINE, NOT_ONLINE, PARTIAL_ONLINE, CatalogueEntry, load_catalogue
from cchc_sample.dossiers import NO, YES, derive_seed, is_working_day, next_working_day
from cchc_sample.formats import Cell, headers_for
from cchc_sample.units import AdminUnit, communes_of

INSPECTIONS_STEM, PLANS_STEM, PAR_INDEX_STEM = "inspections", "plans", "par_index"
INSPECTION_HEADERS = headers_for(INSPECTIONS)
PLAN_HEADERS = headers_for(PLANS)
PAR_INDEX_HEADERS = headers_for(PAR_INDEX)

DIRECTIVE_CRITERIA = (
    "Trách nhiệm",
    "Chuyên nghiệp",
    "Trung thực",
    "Kỷ cương",
    "Gương mẫu",
    "Chống quan liêu",
    "Chống tiêu cực",
    "Chống bệnh hình thức",
)
# (criterion, finding): shortcomings inspection reports list again and again (seed article 001).
FINDINGS = (
    ("Kế hoạch CCHC", "Ban hành Kế hoạch CCHC năm {year} trễ thời gian quy định"),
    ("Dịch vụ công trực tuyến", "Chưa đạt tỷ lệ hồ sơ nộp trực tuyến theo chỉ tiêu giao"),
    ("Công khai ngân sách", "Chưa công khai ngân sách trên Trang thông tin điện tử"),
    ("Dịch vụ bưu chính công ích", "Tỷ lệ trả kết quả TTHC qua dịch vụ bưu chính công ích còn thấp"),
    ("Mô hình mới, cách làm hay", "Chưa có mô hình mới, cách làm hay trong công tác CCHC"),
    ("Công khai TTHC", "Niêm yết công khai TTHC tại Bộ phận Một cửa chưa đầy đủ, chưa cập nhật"),
    ("Khảo sát mức độ hài lòng", "Số phiếu khảo sát mức độ hài lòng chưa bảo đảm theo quy định"),
)
DISTRICT_INSPECTED_SHARE = 0.35
PROVINCE_INSPECTED_SHARE = 0.08

# Quyết định 2948/QĐ-BNV (2017): province areas and maximum points, 100 in all.
PROVINCE_AREAS: tuple[tuple[str, float], ...] = (
    ("Công tác chỉ đạo, điều hành CCHC", 10),
    ("Xây dựng và tổ chức thực hiện văn bản quy phạm pháp luật tại tỉnh", 10),
    ("Cải cách thủ tục hành chính", 14.5),
    ("Cải cách tổ chức bộ máy hành chính nhà nước", 11),
    ("Xây dựng và nâng cao chất lượng đội ngũ cán bộ, công chức, viên chức", 16),
    ("Đổi mới cơ chế quản lý tài chính đối với cơ quan hành chính và đơn vị sự nghiệp công lập", 7),
    ("Hiện đại hóa hành chính", 16),
    ("Tác động của CCHC đến người dân, tổ chức và các chỉ tiêu phát triển kinh tế - xã hội", 15.5),
)
# Illustrative: each province sets its own district and commune indices.
DISTRICT_AREAS: tuple[tuple[str, float], ...] = (
    ("Công tác chỉ đạo, điều hành CCHC", 12),
    ("Cải cách thể chế", 8),
    ("Cải cách thủ tục hành chính", 15),
    ("Cải cách tổ chức bộ máy hành chính", 9),
    ("Cải cách chế độ công vụ", 14),
    ("Cải cách tài chính công", 8),
    ("Xây dựng và phát triển Chính quyền điện tử, Chính quyền số", 14),
    ("Tác động của CCHC đến người dân, tổ chức", 20),
)
COMMUNE_AREAS: tuple[tuple[str, float], ...] = (
    ("Công tác chỉ đạo, điều hành CCHC", 15),
    ("Cải cách thủ tục hành chính", 25),
    ("Cải cách tổ chức bộ máy và chế độ công vụ", 15),
    ("Cải cách tài chính công", 10),
    ("Hiện đại hóa hành chính", 15),
    ("Mức độ hài lòng của người dân, tổ chức", 20),
)
AREAS = {"province": PROVINCE_AREAS, "district": DISTRICT_AREAS, "commune": COMMUNE_AREAS}


def display_name(unit: AdminUnit) -> str:
    """'Huyện Hồng Ngự' -> 'huyện Hồng Ngự', as the name reads inside a sentence."""
    return unit.name[0].lower() + unit.name[1:]


def _working_on_or_after(day: date) -> date:
    return day if is_working_day(day) else next_working_day(day)


# --- inspections ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Inspection:
    """One visit of an inspection team to one commune."""

    inspection_id: str
    unit_code: str
    inspected_on: date
    body: str
    scores: tuple[tuple[str, int], ...]
    findings: tuple[tuple[str, str], ...]
    letter: str | None
    letter_on: date | None
    followed_up: str

    def rows(self) -> list[list[Cell]]:
        head: list[Cell] = [self.inspection_id, self.unit_code, self.inspected_on, self.body]
        out = [[*head, criterion, score, None, None, None, None] for criterion, score in self.scores]
        out += [
            [*head, criterion, None, finding, self.letter, self.letter_on, self.followed_up]
            for criterion, finding in self.findings
        ]
        return out


@lru_cache(maxsize=256)
def inspections_of_year(inspector: AdminUnit, year: int, seed: int) -> tuple[Inspection, ...]:
    """The visits an inspector (a district, or a province after the reform) makes in `year`, in date order.

    Visits fall in the first two months of a quarter so that the corrective letter, sent 5–20 days
    later, is known by the quarter's end.
    """
    quarters = [q for q in (Quarter(year, n) for n in range(1, 5)) if inspector.valid_on(q.first_day)]
    if not quarters:
        return ()
    rng = random.Random(derive_seed(seed, inspector.key, year, "inspections"))
    district = inspector.code if inspector.level == "district" else None
    candidates = communes_of(inspector.province_code, quarters[0].first_day, district_code=district)
    if not candidates:
        return ()
    share = DISTRICT_INSPECTED_SHARE if district else PROVINCE_INSPECTED_SHARE
    visited = rng.sample(candidates, max(1, min(len(candidates), round(share * len(candidates)))))
    planned = []
    for commune in visited:
        quarter = rng.choice(quarters)
        day = _working_on_or_after(quarter.first_day + timedelta(days=rng.randint(5, 55)))
        planned.append((day, commune.code))
    planned.sort()
    body = f"Đoàn kiểm tra CCHC {display_name(inspector)}"
    prefix = "UBND-HC" if district else "SNV-CCHC"
    out = []
    for number, (day, code) in enumerate(planned, start=1):
        scores = tuple((c, 100 if rng.random() < 0.6 else rng.randint(88, 99)) for c in DIRECTIVE_CRITERIA)
        picked = rng.sample(FINDINGS, rng.randint(0, 3))
        findings = tuple((criterion, text.format(year=year)) for criterion, text in picked)
        letter = letter_on = None
        followed = ""
        if findings:
            letter = f"{rng.randint(100, 1500)}/{prefix}"
            letter_on = _working_on_or_after(day + timedelta(days=rng.randint(5, 20)))
            followed = rng.choices((YES, NO, ""), weights=(0.3, 0.4, 0.3))[0]
        out.append(
            Inspection(
                inspection_id=f"KT-{inspector.code}-{year}-{number:02d}",
                unit_code=code,
                inspected_on=day,
                body=body,
                scores=scores,
                findings=findings,
                letter=letter,
                letter_on=letter_on,
                followed_up=followed,
            )
        )
    return tuple(out)


def inspection_rows(inspector: AdminUnit, quarter: Quarter, seed: int) -> list[list[Cell]]:
    """Rows of the visits an inspector made in `quarter` (none: no file that quarter)."""
    rows: list[list[Cell]] = []
    for visit in inspections_of_year(inspector, quarter.year, seed):
        if quarter.first_day <= visit.inspected_on < quarter.end_exclusive:
            rows.extend(visit.rows())
    return rows


# --- plans ----------------------------------------------------------------------------------------


def plan_deadline(unit: AdminUnit, year: int, seed: int) -> date:
    """The deadline the commune's superior (district, or province after the reform) set for the plan."""
    owner = unit.parent_code or unit.province_code
    choices = (date(year, 1, 15), date(year, 1, 31), date(year - 1, 12, 31))
    return random.Random(derive_seed(seed, "plan-deadline", unit.province_code, owner, year)).choice(choices)


def plan_rows(unit: AdminUnit, year: int, seed: int, *, late_share: float = 0.15) -> list[list[Cell]]:
    """The commune's CCHC plan for `year` (written with Q1's files)."""
    rng = random.Random(derive_seed(seed, unit.key, year, "plans"))
    deadline = plan_deadline(unit, year, seed)
    if rng.random() < late_share:
        issued = _working_on_or_after(deadline + timedelta(days=rng.randint(1, 40)))
    else:
        issued = deadline - timedelta(days=rng.randint(0, 30))
        while not is_working_day(issued):
            issued -= timedelta(days=1)
    number = rng.randint(1, 40) if issued.year == year else rng.randint(150, 320)
    published = rng.random() < 0.6
    published_on = _working_on_or_after(date(year, 1, 5) + timedelta(days=rng.randint(0, 75))) if published else None
    return [
        [
            f"{number}/KH-UBND",
            unit.code,
            year,
            f"Kế hoạch cải cách hành chính năm {year}",
            issued,
            deadline,
            YES if published else NO,
            published_on,
        ]
    ]


# --- PAR index ------------------------------------------------------------------------------------


def _quarter_points(value: float) -> float:
    return round(value * 4) / 4


def par_index_rows(unit: AdminUnit, year: int, seed: int) -> list[list[Cell]]:
    """The unit's index for `year`, one row per area of its level."""
    rng = random.Random(derive_seed(seed, unit.key, year, "par_index"))
    quality = rng.uniform(0.72, 0.95)
    rows: list[list[Cell]] = []
    for area, maximum in AREAS[unit.level]:
        self_score = _quarter_points(maximum * min(1.0, max(0.5, quality + rng.uniform(-0.06, 0.06))))
        appraised = _quarter_points(max(0.0, self_score - maximum * rng.uniform(0.0, 0.08)))
        rows.append([unit.code, year, area, float(maximum), self_score, appraised])
    return rows


# --- published procedure catalogue ----------------------------------------------------------------

PROCEDURES_STEM = "procedures"
PROCEDURE_HEADERS = headers_for(PROCEDURES)
# Nghị định 42/2022/NĐ-CP (in force from August 2022) renamed online service levels 3 and 4 to "một
# phần" and "toàn trình"; earlier catalogues say "Mức độ 2/3/4" (level 2: forms online, no filing).
NEW_ONLINE_TERMS_FROM = Quarter(2022, 3)
REFORM_FROM = Quarter(2025, 3)
_OLD_ONLINE_LABELS = {FULL_ONLINE: "Mức độ 4", PARTIAL_ONLINE: "Mức độ 3", NOT_ONLINE: "Mức độ 2"}
_NEW_ONLINE_LABELS = {FULL_ONLINE: "Toàn trình", PARTIAL_ONLINE: "Một phần", NOT_ONLINE: "Không"}
_LEVEL_LABELS = {"xã": "Cấp xã", "huyện": "Cấp huyện", "tỉnh": "Cấp tỉnh"}


def online_level_label(online_level: str, quarter: Quarter) -> str:
    """The online service level as a catalogue of that time writes it."""
    labels = _NEW_ONLINE_LABELS if quarter >= NEW_ONLINE_TERMS_FROM else _OLD_ONLINE_LABELS
    return labels[online_level]


def procedure_rows(quarter: Quarter, entries: Sequence[CatalogueEntry] | None = None) -> list[list[Cell]]:
    """The province's published catalogue as of `quarter`; after the 2025 reform district procedures
    are done by communes."""
    rows: list[list[Cell]] = []
    for entry in entries if entries is not None else load_catalogue():
        level = "xã" if entry.level == "huyện" and quarter >= REFORM_FROM else entry.level
        rows.append(
            [
                entry.code,
                entry.name,
                entry.field,
                _LEVEL_LABELS[level],
                online_level_label(entry.online_level, quarter),
                entry.processing_days,
            ]
        )
    return rows
