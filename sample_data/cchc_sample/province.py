"""A whole province's landing zone: every dataset of every unit for the quarters asked for.

- `dossiers`: every commune and district desk, every quarter (see `cchc_sample.dossiers`);
- `one_stop_report` (Biểu II.06a, .xlsx): every district (a row per commune and one for its own desk)
  and the province (a row per district, or per commune after the 2025 reform), every quarter;
- `surveys`: every commune, every quarter; `plans`: every commune, in Q1;
- `inspections`: every district (the province after the reform), in quarters with a visit;
- `procedures`: the province, in the first quarter generated and again in 2025Q3 (the two-level map);
- `par_index`: every district (itself and its communes) and the province (itself, and its communes
  after the reform), in Q4.

In "mixed" mode each desk exports its dossiers in its own vendor's format (`cchc_sample.formats`) and
the procedures come from the full reference catalogue; "csv" mode writes plain UTF-8 CSV from the
compact core catalogue, and its `dossiers` files are the stable reference output other tests pin.
The other datasets are UTF-8 CSV in both modes (the II.06a form is always a workbook).

Nothing holds a quarter of dossiers in memory: each desk's dossiers stream from its generator into its
file and past the II.06a tally; only dossiers still pending at a quarter's end are kept, to carry over.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from datetime import datetime, time
from itertools import chain
from pathlib import Path

from cchc.quarters import Quarter, quarter_range
from cchc_sample.catalogue import Procedure, core_catalogue, full_catalogue
from cchc_sample.dossiers import (
    HEADERS,
    LOOKBACK_QUARTERS,
    Dossier,
    catalogue_for,
    derive_seed,
    received_in,
)
from cchc_sample.formats import MODES, Cell, FileFormat, format_for, write_table
from cchc_sample.one_stop_report import Figures, ReportBook, desk_label, write_report
from cchc_sample.oversight import (
    INSPECTION_HEADERS,
    INSPECTIONS_STEM,
    PAR_INDEX_HEADERS,
    PAR_INDEX_STEM,
    PLAN_HEADERS,
    PLANS_STEM,
    PROCEDURE_HEADERS,
    PROCEDURES_STEM,
    REFORM_FROM,
    inspection_rows,
    par_index_rows,
    plan_rows,
    procedure_rows,
)
from cchc_sample.real_exports import write_real_export
from cchc_sample.surveys import HEADERS as SURVEY_HEADERS
from cchc_sample.surveys import SURVEYS_STEM, survey_rows
from cchc_sample.units import AdminUnit, communes_of, districts_of, find_unit, merge_renames

ALL_DATASETS = ("dossiers", "one_stop_report", "surveys", "inspections", "plans", "procedures", "par_index")
CATALOGUES = ("core", "full")
TEXT_NUMBERS_SHARE = 0.2  # districts whose staff type the II.06a counts as text ('1.234')


@dataclass(frozen=True)
class GenerationSummary:
    """What `generate_province` wrote; JSON-clean through `as_dict`.

    `files`, `rows`, `received`, `carried_over` and `pending_at_end` count the `dossiers` files of the
    quarters asked for; `dataset_files` and `dataset_rows` count every dataset (data rows, headers and
    titles excluded), `dossier_formats` the dossier files per file format. `lead_in` is the quarter
    before the first, whose dossiers are written too when II.06a forms are (the first form's period
    starts in it): `lead_in_files` files of `lead_in_rows` rows, counted nowhere else.
    """

    province_code: str
    quarters: tuple[str, ...]
    units: int
    files: int
    rows: int
    received: int
    carried_over: int
    pending_at_end: int
    formats: str = "csv"
    lead_in: str | None = None
    lead_in_files: int = 0
    lead_in_rows: int = 0
    dataset_files: dict[str, int] = field(default_factory=dict)
    dataset_rows: dict[str, int] = field(default_factory=dict)
    dossier_formats: dict[str, int] = field(default_factory=dict)

    def as_dict(self) -> dict[str, object]:
        return {**asdict(self), "quarters": list(self.quarters)}


@dataclass
class _Tally:
    files: Counter[str] = field(default_factory=Counter)
    rows: Counter[str] = field(default_factory=Counter)
    formats: Counter[str] = field(default_factory=Counter)
    received: int = 0
    carried_over: int = 0
    pending_at_end: int = 0
    lead_in: str | None = None
    lead_in_files: int = 0
    lead_in_rows: int = 0

    def add(self, dataset: str, rows: int) -> None:
        self.files[dataset] += 1
        self.rows[dataset] += rows


@dataclass(frozen=True)
class _Run:
    """Settings shared by every unit of one run."""

    landing: Path
    per_unit_quarter: int
    seed: int
    mode: str
    datasets: frozenset[str]
    catalogue: tuple[Procedure, ...]

    def wants(self, dataset: str) -> bool:
        return dataset in self.datasets

    def folder(self, unit: AdminUnit, quarter: Quarter) -> Path:
        return self.landing / unit.level / unit.code / str(quarter)


def _desks(province_code: str, quarters: Sequence[Quarter], districts: Iterable[str] | None) -> list[AdminUnit]:
    wanted = set(districts) if districts is not None else None
    found: dict[str, AdminUnit] = {}
    for quarter in quarters:
        on = quarter.first_day
        for unit in districts_of(province_code, on):
            if wanted is None or unit.code in wanted:
                found.setdefault(unit.key, unit)
        for unit in communes_of(province_code, on):
            if wanted is None or unit.parent_code in wanted:
                found.setdefault(unit.key, unit)
    order = {"district": 0, "commune": 1}
    return sorted(merge_renames(found.values()), key=lambda u: (order[u.level], u.code, u.key))


def _quarter_title(quarter: Quarter) -> str:
    return quarter.label_vi


def _write_dossiers(
    run: _Run,
    unit: AdminUnit,
    quarter: Quarter,
    file_format: FileFormat,
    dossiers: Iterable[Dossier],
    carried: int,
    tally: _Tally,
    *,
    lead_in: bool = False,
) -> list[Dossier]:
    """Write one desk-quarter file; the dossiers still pending at the quarter's end. A `lead_in` file
    (the quarter before those asked for) is counted apart in the tally."""
    as_of = datetime.combine(quarter.end_exclusive, time())
    pending: list[Dossier] = []

    def rows() -> Iterator[list[Cell]]:
        for dossier in dossiers:
            if dossier.pending_at(as_of):
                pending.append(dossier)
            yield dossier.values(as_of)

    def tracked() -> Iterator[Dossier]:
        for dossier in dossiers:
            if dossier.pending_at(as_of):
                pending.append(dossier)
            yield dossier

    title = f"Danh sách hồ sơ thủ tục hành chính - {unit.name} - {_quarter_title(quarter)}"
    # A desk's export of the quarter replaces any earlier one, whatever its form (one file a dataset).
    for earlier in run.folder(unit, quarter).glob("dossiers.*"):
        if earlier.suffix.lower() in (".csv", ".xls", ".xlsx") and earlier.name.count(".") == 1:
            earlier.unlink()
    if file_format.real_form is not None:
        folder = run.folder(unit, quarter)
        _, count = write_real_export(file_format.real_form, folder, unit, quarter, tracked(), as_of)
    else:
        _, count = write_table(run.folder(unit, quarter), "dossiers", HEADERS, rows(), file_format, title=title)
    if lead_in:
        # The lead-in quarter's files are counted apart: the summary describes the quarters asked for.
        tally.lead_in_files += 1
        tally.lead_in_rows += count
        return pending
    tally.add("dossiers", count)
    tally.formats[file_format.name] += 1
    tally.received += count - carried
    tally.carried_over += carried
    tally.pending_at_end += len(pending)
    return pending


def _desk(run: _Run, unit: AdminUnit, wanted: Sequence[Quarter], tally: _Tally, book: ReportBook | None) -> None:
    """Every file of one desk: its dossiers, and a commune's surveys and plans. With II.06a forms, the
    dossiers of the quarter before the first one are written too: the first form's period starts in it
    (15 December for a Q1 form), so that quarter's file is what the form is reconciled against."""
    written = [q for q in wanted if unit.valid_on(q.first_day)]
    if not written:
        return
    exported = list(written)
    if book is not None and run.wants("dossiers") and unit.valid_on(written[0].previous.first_day):
        # Desks that exist from the first quarter asked for share it (units formed later have none).
        tally.lead_in = tally.lead_in or str(written[0].previous)
        exported.insert(0, written[0].previous)
    if run.wants("dossiers") or book is not None:
        file_format = format_for(unit.level, unit.code, run.mode)
        start = written[0]
        for _ in range(LOOKBACK_QUARTERS + (1 if book is not None else 0)):  # the form's period starts earlier
            start = start.previous
        carry: list[Dossier] = []
        for quarter in quarter_range(start, written[-1]):
            if not unit.valid_on(quarter.first_day):
                continue
            fresh: Iterable[Dossier] = received_in(unit, quarter, run.per_unit_quarter, run.seed, run.catalogue)
            if book is not None:
                fresh = book.observe(unit, written, fresh)
            if quarter in exported and run.wants("dossiers"):
                carry = _write_dossiers(
                    run,
                    unit,
                    quarter,
                    file_format,
                    chain(carry, fresh),
                    len(carry),
                    tally,
                    lead_in=quarter not in written,
                )
            else:
                as_of = datetime.combine(quarter.end_exclusive, time())
                carry = [d for d in chain(carry, fresh) if d.pending_at(as_of)]
    if unit.level != "commune":
        return
    for quarter in written:
        folder = run.folder(unit, quarter)
        if run.wants("surveys"):
            responses = survey_rows(unit, quarter, run.seed, catalogue_for(unit, run.catalogue))
            tally.add("surveys", write_table(folder, SURVEYS_STEM, SURVEY_HEADERS, responses)[1])
        if run.wants("plans") and quarter.number == 1:
            plan = plan_rows(unit, quarter.year, run.seed)
            tally.add("plans", write_table(folder, PLANS_STEM, PLAN_HEADERS, plan)[1])


def _text_numbers(run: _Run, unit: AdminUnit) -> bool:
    if run.mode == "csv":
        return False
    return random.Random(derive_seed("ii06a-style", unit.level, unit.code)).random() < TEXT_NUMBERS_SHARE


def _report(run: _Run, reporter: AdminUnit, quarter: Quarter, rows: list[dict[str, object]], tally: _Tally) -> None:
    write_report(run.landing, reporter, quarter, rows, numbers_as_text=_text_numbers(run, reporter))
    tally.add("one_stop_report", len(rows))


def _district_files(
    run: _Run,
    district: AdminUnit,
    communes: Sequence[AdminUnit],
    wanted: Sequence[Quarter],
    tally: _Tally,
    book: ReportBook | None,
) -> None:
    """A district's inspections, PAR index (itself and its communes) and II.06a form."""
    for quarter in (q for q in wanted if district.valid_on(q.first_day)):
        folder = run.folder(district, quarter)
        members = [c for c in communes if c.parent_code == district.code and c.valid_on(quarter.first_day)]
        if run.wants("inspections"):
            rows = inspection_rows(district, quarter, run.seed)
            if rows:
                tally.add("inspections", write_table(folder, INSPECTIONS_STEM, INSPECTION_HEADERS, rows)[1])
        if run.wants("par_index") and quarter.number == 4:
            rows = par_index_rows(district, quarter.year, run.seed)
            for commune in members:
                rows += par_index_rows(commune, quarter.year, run.seed)
            tally.add("par_index", write_table(folder, PAR_INDEX_STEM, PAR_INDEX_HEADERS, rows)[1])
        if book is not None:
            form = [book.figures(district, quarter).as_row(desk_label(district), district.code)]
            form += [book.figures(c, quarter).as_row(c.name, c.code) for c in members]
            _report(run, district, quarter, form, tally)


def _province_files(
    run: _Run,
    province_code: str,
    units: Sequence[AdminUnit],
    wanted: Sequence[Quarter],
    tally: _Tally,
    book: ReportBook | None,
) -> None:
    """The province's catalogue, PAR index, inspections after the reform, and its II.06a."""
    for quarter in wanted:
        province = find_unit(province_code, "province", quarter.first_day)
        folder = run.folder(province, quarter)
        present = [u for u in units if u.valid_on(quarter.first_day)]
        districts = [u for u in present if u.level == "district"]
        communes = [u for u in present if u.level == "commune"]
        # The province publishes its catalogue, and publishes it again for the two-level government.
        if run.wants("procedures") and (quarter == wanted[0] or quarter == REFORM_FROM):
            rows = procedure_rows(quarter)
            tally.add("procedures", write_table(folder, PROCEDURES_STEM, PROCEDURE_HEADERS, rows)[1])
        if run.wants("inspections") and not districts:
            rows = inspection_rows(province, quarter, run.seed)
            if rows:
                tally.add("inspections", write_table(folder, INSPECTIONS_STEM, INSPECTION_HEADERS, rows)[1])
        if run.wants("par_index") and quarter.number == 4:
            rows = par_index_rows(province, quarter.year, run.seed)
            if not districts:
                for commune in communes:
                    rows += par_index_rows(commune, quarter.year, run.seed)
            tally.add("par_index", write_table(folder, PAR_INDEX_STEM, PAR_INDEX_HEADERS, rows)[1])
        if book is not None:
            form = []
            for district in districts:
                total = Figures()
                total.add(book.figures(district, quarter))
                for commune in communes:
                    if commune.parent_code == district.code:
                        total.add(book.figures(commune, quarter))
                form.append(total.as_row(district.name, district.code))
            if not districts:
                form = [book.figures(c, quarter).as_row(c.name, c.code) for c in communes]
            _report(run, province, quarter, form, tally)


def generate_province(
    landing: Path,
    province_code: str,
    quarters: list[Quarter],
    per_unit_quarter: int = 40,
    seed: int = 20240101,
    districts: list[str] | None = None,
    formats: str = "mixed",
    datasets: tuple[str, ...] | None = None,
    catalogue: str | None = None,
) -> GenerationSummary:
    """Write the landing files of a province's desks, districts and the province for the quarters.

    Units are those valid in each quarter (pre-reform districts and communes up to 2025Q2, post-reform
    communes from 2025Q3). `districts` restricts the run to those districts and their communes, which
    leaves no unit after the reform. `per_unit_quarter` is the mean number of dossiers a pre-reform
    commune receives in a quarter (districts receive twice that, post-reform communes three times).
    `formats` is "mixed" (each desk in its vendor's format), "realistic" (about half the desks in the forms
    of real exports: .xls, HTML saved as .xls, UTF-16 text, the portal's sync fields, title and total
    rows, serial dates) or "csv" (plain UTF-8 CSV); `datasets`
    limits what is written (default: all of `ALL_DATASETS`); `catalogue` is "full" (the reference
    file) or "core" (its everyday procedures), by default "core" in "csv" mode and "full" otherwise.
    """
    if per_unit_quarter < 0:
        raise ValueError("per_unit_quarter must be >= 0")
    if formats not in MODES:
        raise ValueError(f"unknown formats {formats!r}; expected one of {MODES}")
    chosen = frozenset(ALL_DATASETS if datasets is None else datasets)
    unknown = chosen - set(ALL_DATASETS)
    if unknown:
        raise ValueError(f"unknown datasets {sorted(unknown)}; expected some of {ALL_DATASETS}")
    catalogue = catalogue or ("core" if formats == "csv" else "full")
    if catalogue not in CATALOGUES:
        raise ValueError(f"unknown catalogue {catalogue!r}; expected one of {CATALOGUES}")
    wanted = sorted(set(quarters))
    if not wanted:
        raise ValueError("no quarters given")
    units = _desks(province_code, wanted, districts)
    if not units:
        raise ValueError(
            f"province {province_code} has no desks in {', '.join(map(str, wanted))}"
            + (f" within districts {districts}" if districts is not None else "")
        )
    run = _Run(
        landing=landing,
        per_unit_quarter=per_unit_quarter,
        seed=seed,
        mode=formats,
        datasets=chosen,
        catalogue=full_catalogue() if catalogue == "full" else core_catalogue(),
    )
    tally = _Tally()
    book = ReportBook() if run.wants("one_stop_report") else None
    for unit in units:
        _desk(run, unit, wanted, tally, book)
    communes = [u for u in units if u.level == "commune"]
    for district in (u for u in units if u.level == "district"):
        _district_files(run, district, communes, wanted, tally, book)
    _province_files(run, province_code, units, wanted, tally, book)
    return GenerationSummary(
        province_code=province_code,
        quarters=tuple(str(q) for q in wanted),
        units=len(units),
        files=tally.files["dossiers"],
        rows=tally.rows["dossiers"],
        received=tally.received,
        carried_over=tally.carried_over,
        pending_at_end=tally.pending_at_end,
        formats=formats,
        lead_in=tally.lead_in,
        lead_in_files=tally.lead_in_files,
        lead_in_rows=tally.lead_in_rows,
        dataset_files={name: tally.files[name] for name in ALL_DATASETS if name in chosen},
        dataset_rows={name: tally.rows[name] for name in ALL_DATASETS if name in chosen},
        dossier_formats=dict(sorted(tally.formats.items())),
    )
