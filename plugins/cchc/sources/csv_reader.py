"""Reading one landing-zone CSV: encoding, separator, header mapping, and row streaming.

One-stop-desk software exports CSV in whatever the clerk's machine produced: UTF-8 with or without
a BOM, UTF-16 with a BOM (Excel's "Unicode Text", tab-separated), Windows-1258 (with tone marks as
separate combining characters), the font encodings TCVN3 (ABC) and VNI that older provincial systems
still write, `,` `;` or tab separators, headers in Vietnamese with or without diacritics or in
English, title rows above the header (the unit, "Từ ngày … đến ngày …") and a total row at the end.
The reader settles all of that once per file so that staging sees canonical column names and NFC
text, and it refuses a file it cannot read faithfully with a reason a provincial data engineer can
act on, instead of guessing.

Values stay text: codes such as `00001` keep their zeros; typing is the job of `cchc.sources.parse`.
"""

from __future__ import annotations

import codecs
import csv
import functools
import math
import re
import unicodedata
from collections.abc import Callable, Iterator
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path

from cchc.sources import legacy_encodings  # noqa: F401
from cchc.sources.datasets import Column, DatasetSpec

# Imported for its side effect: it registers the 'tcvn3' and 'vni' codecs that detection and reading use.
from cchc.sources.header_map import HeaderMap, Substitution, apply_fallbacks
from cchc.sources.summary_rows import SummaryRow, TrailingSummaries, summary_row
from cchc.sources.text import nfc

SAMPLE_BYTES = 1 << 20
"""The encoding is decided from this much of the file; the rest is still decoded strictly."""

DELIMITERS = (",", ";", "\t")

HEADER_SCAN_RECORDS = 20
"""The header is looked for among this many non-blank records: exports put a few title rows above it."""

TAIL_BYTES = 1 << 16
"""How much of the end of a file is read at opening to see whether it ends with a summary row."""

_UTF8_BOM = codecs.BOM_UTF8
_UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
_ZIP_MAGIC = b"PK\x03\x04"
_CHUNK_BYTES = 1 << 16
_CONTROL_BYTE = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_DELIMITER_NAMES = {",": "comma", ";": "semicolon", "\t": "tab"}


class UnreadableFileError(Exception):
    """A file the pipeline refuses as a whole, with the reason in plain language."""

    def __init__(self, path: Path | str, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = Path(path)
        self.reason = reason


class MalformedRowError(UnreadableFileError):
    """One record that cannot be split into the header's columns.

    Raised while iterating so that a caller may reject the whole file or, through
    `CsvFile.rows(on_malformed=...)`, quarantine the record and read on.
    """

    def __init__(self, path: Path | str, line_number: int, reason: str, fields: list[str] | None) -> None:
        super().__init__(path, reason)
        self.line_number = line_number
        self.fields = fields


class EncodingNotDetectedError(ValueError):
    """No supported encoding reads the sample faithfully; `reason` says what each one found."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


# --- encoding detection ---------------------------------------------------------------------------

MAX_FOREIGN_SHARE = 0.1
"""A single-byte reading is plausible when at most this share of its non-ASCII words are not Vietnamese
(one such word is always allowed once there are MIN_WORDS_FOR_A_SLIP words).

Windows-1258, TCVN3 and VNI decode almost any byte sequence, so a successful decoding proves little:
read as Windows-1258, 'Trực tuyến' in TCVN3 says 'Trùc tuyƠn' and in VNI 'Tröïc tuyeán', words no
Vietnamese text contains. The margin leaves room for a foreign name, a typo or two words run together.
"""
MIN_WORDS_FOR_A_SLIP = 5

_TYPOGRAPHY = frozenset("\u00a0–—‘’“”…•€₫°")
_TONE_MARKS = frozenset("\u0300\u0301\u0303\u0309\u0323")  # huyền, sắc, ngã, hỏi, nặng
_STOP_TONES = frozenset("\u0301\u0323")  # a syllable ending in c, ch, p or t only takes sắc or nặng
_INITIALS = ("ngh", "ng", "nh", "ch", "gh", "gi", "kh", "ph", "th", "tr", "qu", *"bcdđghklmnprstvx")
_FINALS = ("ch", "ng", "nh", "c", "m", "n", "p", "t")
# Vowel groups (without tone) by what may follow them: nothing, a final consonant, or either.
_OPEN_VOWELS = (
    "ai", "ao", "au", "ay", "âu", "ây", "eo", "êu", "ia", "iu", "oi", "ôi", "ơi", "ua", "ui", "ưa", "ưi", "ưu", "uơ",
    "iêu", "yêu", "oai", "oao", "oay", "oeo", "uây", "uôi", "uya", "uyu", "ươi", "ươu",
)  # fmt: skip
_CLOSED_VOWELS = ("ă", "â", "oo", "oă", "uâ", "iê", "yê", "uô", "ươ", "uyê")
_FREE_VOWELS = ("a", "e", "ê", "i", "o", "ô", "ơ", "u", "ư", "y", "oa", "oe", "uê", "uy")


def _one_of(options: tuple[str, ...]) -> str:
    return "(?:" + "|".join(sorted(options, key=len, reverse=True)) + ")"


_SYLLABLE = re.compile(
    f"{_one_of(_INITIALS)}?(?:{_one_of(_OPEN_VOWELS)}|{_one_of(_CLOSED_VOWELS)}{_one_of(_FINALS)}"
    f"|{_one_of(_FREE_VOWELS)}{_one_of(_FINALS)}?)"
)
_ABBREVIATION = re.compile("[BCDĐGHKLMNPQRSTVX]+")  # HĐND, ĐVHC: capitals without a vowel
_WORD = re.compile(r"(?:[^\W\d_]|[\u0300-\u036f])+|[^\x00-\x7f]")
_COMMON_SYLLABLES = frozenset((
    "bổ", "bưu", "cầu", "chính", "chứng", "có", "của", "các", "cấp", "dân", "dựng", "đai", "đất", "đơn", "được",
    "giải", "hẹn", "hình", "hồ", "hộ", "huyện", "kết", "không", "lần", "lĩnh", "mã", "một", "ngày", "nhà", "nhận",
    "nộp", "phường", "quả", "quyết", "sơ", "số", "thị", "thủ", "thực", "thức", "tỉnh", "tịch", "tiếp", "trả", "trấn",
    "trực", "tục", "tuyến", "ủy", "vị", "việc", "vực", "xã", "xây", "yêu", "ở",
))  # fmt: skip


@functools.lru_cache(maxsize=1 << 14)
def _is_vietnamese_word(word: str) -> bool:
    """A well-formed Vietnamese syllable (one tone, a valid onset, vowel group and final), an
    abbreviation such as HĐND, or Vietnamese typography; `word` is an NFC token of `_WORD`."""
    if len(word) == 1 and word in _TYPOGRAPHY:
        return True
    if _ABBREVIATION.fullmatch(word):
        return True
    decomposed = unicodedata.normalize("NFD", word.lower())
    tones = [mark for mark in decomposed if mark in _TONE_MARKS]
    if len(tones) > 1:
        return False
    bare = unicodedata.normalize("NFC", "".join(mark for mark in decomposed if mark not in _TONE_MARKS))
    if not _SYLLABLE.fullmatch(bare):
        return False
    return not (tones and tones[0] not in _STOP_TONES and bare.endswith(("c", "ch", "p", "t")))


@dataclass(frozen=True)
class Encoding:
    """A candidate encoding: codec (also `CsvFile.encoding`), name shown to users, and whether its
    text must be judged: a single-byte code page decodes nearly anything, strict UTF-8 does not."""

    codec: str
    label: str
    judged: bool = False


# Tried in this order; UTF-8 wins outright when it decodes, the single-byte ones are then scored.
ENCODINGS: tuple[Encoding, ...] = (
    Encoding("utf-8", "UTF-8"),
    Encoding("cp1258", "Windows-1258", judged=True),
    Encoding("tcvn3", "TCVN3", judged=True),
    Encoding("vni", "VNI", judged=True),
)


@dataclass(frozen=True)
class Reading:
    """How one candidate encoding reads a sample: the decoding error, or how Vietnamese the text looks."""

    encoding: Encoding
    error: str | None = None
    words: int = 0
    """Words with a non-ASCII letter, plus non-ASCII symbols: what the encodings disagree about."""
    vietnamese: int = 0
    """Of those, Vietnamese syllables, abbreviations and typography."""
    common: int = 0
    """Of those, syllables frequent in one-stop-desk exports ('hồ', 'sơ', 'thủ', 'tục', 'xã', ...)."""
    example: str | None = None
    """The first word that is not Vietnamese, and its line."""

    @property
    def share(self) -> float:
        return self.vietnamese / self.words if self.words else 0.0

    @property
    def plausible(self) -> bool:
        if self.error is not None:
            return False
        if not self.encoding.judged:
            return True
        foreign = self.words - self.vietnamese
        allowed = max(self.words * MAX_FOREIGN_SHARE, 1 if self.words >= MIN_WORDS_FOR_A_SLIP else 0)
        return self.vietnamese > 0 and foreign <= allowed

    def describe(self) -> str:
        if self.error is not None:
            return self.error
        text = f"read as {self.encoding.label}, {self.vietnamese} of {self.words} words with diacritics are Vietnamese"
        return text + (f" (not {self.example})" if self.example else "")


def _judge(encoding: Encoding, text: str) -> Reading:
    text = unicodedata.normalize("NFC", text)
    words = vietnamese = common = 0
    example = None
    for match in _WORD.finditer(text):
        word = match.group()
        if word.isascii():
            continue
        words += 1
        if _is_vietnamese_word(word):
            vietnamese += 1
            common += word.lower() in _COMMON_SYLLABLES
        elif example is None:
            example = f"{word!r} on line {text.count(chr(10), 0, match.start()) + 1}"
    return Reading(encoding, None, words, vietnamese, common, example)


def _decode(data: bytes, codec: str, *, final: bool) -> str:
    """Strict decoding that tolerates a multi-byte character cut at the end of a partial sample."""
    return codecs.getincrementaldecoder(codec)(errors="strict").decode(data, final=final)


def read_sample(sample: bytes, *, complete: bool = True) -> list[Reading]:
    """How each candidate encoding reads `sample`, in the order tried: the evidence behind detection.

    Strict UTF-8 comes first and ends the list when it decodes (with a BOM it is the only candidate);
    otherwise every single-byte encoding is decoded strictly and, when that succeeds, judged.
    """
    if sample.startswith(_UTF8_BOM):
        candidates: tuple[Encoding, ...] = (Encoding("utf-8-sig", "UTF-8"),)
    else:
        candidates = ENCODINGS
    readings: list[Reading] = []
    for encoding in candidates:
        try:
            text = _decode(sample, encoding.codec, final=complete)
        except UnicodeDecodeError as error:
            # The utf-8-sig decoder counts from after the BOM; report offsets from the file start.
            offset = error.start + (len(_UTF8_BOM) if encoding.codec == "utf-8-sig" else 0)
            readings.append(Reading(encoding, _describe_decode_error(encoding.label, sample[offset], offset)))
            continue
        if not encoding.judged:
            readings.append(Reading(encoding))
            break
        readings.append(_judge(encoding, text))
    return readings


def _most_vietnamese(readings: list[Reading]) -> Reading | None:
    """The plausible reading with the largest Vietnamese share, then the most common syllables, then
    the earliest in ENCODINGS; None when no reading is plausible."""
    plausible = [(index, reading) for index, reading in enumerate(readings) if reading.plausible]
    if not plausible:
        return None
    return max(plausible, key=lambda entry: (entry[1].share, entry[1].common, -entry[0]))[1]


def detect_encoding(sample: bytes, *, complete: bool = True) -> str:
    """The codec that reads `sample`: 'utf-8-sig', 'utf-16', 'utf-8', 'cp1258', 'tcvn3' or 'vni'.

    `complete` says the sample is the whole file (a character cut at its end is then an error).
    UTF-8 is decided by strict decoding alone. Failing that, each single-byte encoding that decodes
    the sample strictly is judged by how many of its non-ASCII words are well-formed Vietnamese
    syllables (`read_sample` shows the figures). Among the readings with few enough other words
    (MAX_FOREIGN_SHARE) the largest Vietnamese share wins, ties going to the one with more syllables
    common in dossier exports, then to the earlier of Windows-1258, TCVN3, VNI. A sample no
    encoding reads as Vietnamese raises EncodingNotDetectedError saying what each one found, rather
    than being read with replacement characters.
    """
    if sample.startswith(_ZIP_MAGIC):
        raise EncodingNotDetectedError("this is a zip archive such as an Excel workbook, not CSV text")
    if sample.startswith(_UTF16_BOMS):
        # Excel's "Unicode Text": UTF-16 with its BOM, which the codec reads and drops.
        try:
            _decode(sample, "utf-16", final=complete)
        except UnicodeDecodeError as error:
            raise EncodingNotDetectedError(
                f"UTF-16 text (it starts with a UTF-16 byte order mark) that is not valid UTF-16 "
                f"at offset {error.start}"
            ) from None
        return "utf-16"
    control = _CONTROL_BYTE.search(sample)
    if control:
        raise EncodingNotDetectedError(
            f"control byte 0x{sample[control.start()]:02X} at offset {control.start()}: not a text file"
        )
    readings = read_sample(sample, complete=complete)
    best = _most_vietnamese(readings)
    if best is not None:
        return best.encoding.codec
    if len(readings) == 1:
        raise EncodingNotDetectedError(readings[0].describe())
    raise EncodingNotDetectedError(
        "; ".join(reading.describe() for reading in readings)
        + ": none of them reads as Vietnamese text; save the file as 'CSV UTF-8'"
    )


def _describe_decode_error(label: str, byte: int, offset: int) -> str:
    return f"not valid {label} text (byte 0x{byte:02X} at offset {offset})"


def _first_decode_error(path: Path, codec: str) -> str:
    """Where a file stops being valid in `codec`; only called once decoding has already failed."""
    label = {"utf-8-sig": "UTF-8", "utf-16": "UTF-16"} | {encoding.codec: encoding.label for encoding in ENCODINGS}
    # A BOM is valid UTF-8, so scanning with plain UTF-8 keeps offsets counted from the file start.
    decoder = codecs.getincrementaldecoder("utf-8" if codec == "utf-8-sig" else codec)(errors="strict")
    consumed = 0
    with path.open("rb") as handle:
        while True:
            chunk = handle.read(_CHUNK_BYTES)
            pending = decoder.getstate()[0]
            try:
                decoder.decode(chunk, final=not chunk)
            except UnicodeDecodeError as error:
                data = pending + chunk
                offset = consumed - len(pending) + error.start
                return (
                    _describe_decode_error(label.get(codec, codec), data[error.start], offset)
                    + ", although the start of the file is: the file mixes encodings"
                )
            if not chunk:
                return f"not valid {label.get(codec, codec)} text"
            consumed += len(chunk)


# --- header -----------------------------------------------------------------------------------------


def _vietnamese_name(column: Column) -> str:
    return column.aliases[0] if column.aliases else column.name


def _describe(column: Column) -> str:
    return f"{_vietnamese_name(column)} ({column.name})"


def _known_columns(line: str, delimiter: str, spec: DatasetSpec) -> tuple[int, int]:
    """(headers of `spec` the line names, fields) when split by `delimiter`."""
    try:
        fields = next(csv.reader([line], delimiter=delimiter), [])
    except csv.Error:
        return (-1, -1)
    return (sum(spec.canonical(name) is not None for name in fields), len(fields))


def _sniff_delimiter(lines: list[str], spec: DatasetSpec) -> str:
    """The separator that splits a header line into the most known columns (the first line that names
    any, title rows above it naming none), then the most fields."""
    for line in lines:
        scores = {delimiter: _known_columns(line, delimiter, spec) for delimiter in DELIMITERS}
        if max(known for known, _fields in scores.values()) > 0:
            return max(DELIMITERS, key=lambda delimiter: scores[delimiter])
    first = lines[0] if lines else ""
    return max(DELIMITERS, key=lambda delimiter: _known_columns(first, delimiter, spec))


def _first_lines(text: str, count: int) -> list[str]:
    return [line for line in text.splitlines() if line.strip()][:count]


def _is_header(fields: list[str], spec: DatasetSpec) -> bool:
    """A record names at least half of the spec's required columns (as xlsx headers are found)."""
    needed = max(1, math.ceil(len(spec.required_names) / 2))
    named = {spec.canonical(nfc(name).strip()) for name in fields} & set(spec.required_names)
    return len(named) >= needed


def _map_header(path: Path, spec: DatasetSpec, headers: list[str]) -> tuple[list[str | None], list[Substitution]]:
    columns = [spec.canonical(name) if name else None for name in headers]
    if not any(columns):
        shown = ", ".join(repr(name) for name in headers[:12])
        expected = ", ".join(_describe(column) for column in spec.columns if column.required)
        raise UnreadableFileError(
            path,
            f"no known {spec.name} column in the header row ({shown}); expected {expected} "
            "(is the header row missing?)",
        )
    first_seen: dict[str, int] = {}
    duplicates: list[str] = []
    for index, name in enumerate(columns):
        if name is None:
            continue
        if name in first_seen:
            earlier = first_seen[name]
            duplicates.append(
                f"{headers[earlier]!r} (column {earlier + 1}) and {headers[index]!r} (column {index + 1}) "
                f"both mean {name}"
            )
        else:
            first_seen[name] = index
    if duplicates:
        raise UnreadableFileError(path, "header names the same column twice: " + "; ".join(duplicates))
    substitutions = apply_fallbacks(spec, headers, columns)
    missing = [column for column in spec.columns if column.required and column.name not in columns]
    if missing:
        raise UnreadableFileError(
            path, "missing required columns: " + ", ".join(_describe(column) for column in missing)
        )
    return columns, substitutions


# --- the file -----------------------------------------------------------------------------------------


def _blank(fields: list[str]) -> bool:
    return all(not value.strip() for value in fields)


@dataclass(frozen=True)
class CsvFile(HeaderMap):
    """A CSV file whose encoding, separator and header have been checked; `rows()` streams it.

    `title_rows` are the non-blank records above the header (line, text); `ends_with_summary` says the
    file's last record looks like a total row, which `rows()` then skips; after `rows()` has run,
    `summaries` holds the summary rows it skipped and the rows it kept.
    """

    path: Path
    spec: DatasetSpec
    encoding: str
    delimiter: str
    source_headers: list[str]
    columns: list[str | None]
    header_line: int
    substitutions: list[Substitution] = field(default_factory=list)
    title_rows: list[tuple[int, str]] = field(default_factory=list)
    ends_with_summary: bool = False
    summaries: TrailingSummaries = field(default_factory=TrailingSummaries, compare=False, repr=False)
    unknown_headers: list[str] = field(init=False)

    @property
    def file_format(self) -> str:
        return "csv"

    @property
    def skipped(self) -> list[SummaryRow]:
        """The summary rows the last `rows()` skipped."""
        return self.summaries.skipped

    @property
    def warnings(self) -> list[str]:
        """File-level warnings: the header's (columns not read, read in place of others) and, once
        `rows()` has run, a count a summary row states that differs from the rows read."""
        return self.header_warnings + self.summaries.warnings()

    def rows(
        self, on_malformed: Callable[[MalformedRowError], None] | None = None
    ) -> Iterator[tuple[int, dict[str, str]]]:
        """Yield (line where the record starts, {canonical column: NFC, stripped text}) per record.

        Blank records (only separators or whitespace) are skipped, and so are the summary rows that end
        the list (`summaries` records them). A record that does not split into the header's columns
        raises MalformedRowError, or, with `on_malformed`, is handed to it and skipped. Extra trailing
        fields are accepted when empty (spreadsheet padding).
        """
        return self.summaries.filter(self._records(on_malformed))

    def _records(
        self, on_malformed: Callable[[MalformedRowError], None] | None
    ) -> Iterator[tuple[int, list[str], dict[str, str]]]:
        width = len(self.columns)
        named = max(i for i, column in enumerate(self.columns) if column is not None) + 1
        positions = [(i, column) for i, column in enumerate(self.columns) if column is not None]
        with closing(_records(self.path, self.encoding, self.delimiter)) as records:
            for line_number, fields, found in records:
                if line_number <= self.header_line:
                    continue
                problem = found
                if fields is not None and problem is None:
                    if _blank(fields):
                        continue
                    if any("\x00" in value for value in fields):
                        # PostgreSQL text cannot hold NUL; such a record is not text we can keep.
                        problem = f"line {line_number} holds a NUL character (byte 0x00)"
                    if len(fields) < named or (len(fields) > width and not _blank(fields[width:])):
                        problem = self._count_problem(line_number, len(fields), width)
                if problem is not None:
                    error = MalformedRowError(self.path, line_number, problem, fields)
                    if on_malformed is None:
                        raise error
                    on_malformed(error)
                    continue
                assert fields is not None
                yield line_number, fields, {column: nfc(fields[i]).strip() for i, column in positions}

    def _count_problem(self, line_number: int, count: int, width: int) -> str:
        if count < width:
            return f"line {line_number} has {count} fields, header has {width} (truncated row?)"
        separator = _DELIMITER_NAMES[self.delimiter]
        return f"line {line_number} has {count} fields, header has {width} (a value with an unquoted {separator}?)"


def _records(path: Path, encoding: str, delimiter: str) -> Iterator[tuple[int, list[str] | None, str | None]]:
    """(start line, fields, problem) per physical CSV record; problem is set when csv cannot split it."""
    with path.open(encoding=encoding, errors="strict", newline="") as handle:
        reader = csv.reader(handle, delimiter=delimiter, strict=True)
        while True:
            start = reader.line_num + 1
            try:
                fields = next(reader)
            except StopIteration:
                return
            except csv.Error as error:
                yield start, None, f"line {start}: {_csv_problem(str(error))}"
                continue
            except UnicodeDecodeError:
                raise UnreadableFileError(path, _first_decode_error(path, encoding)) from None
            yield start, fields, None


def _csv_problem(message: str) -> str:
    if "unexpected end of data" in message:
        return "a quoted value is never closed (truncated file?)"
    if "field larger than field limit" in message:
        return "a value is longer than the CSV field limit (an unclosed quote?)"
    return f"cannot split the record: {message}"


def _ends_with_summary(path: Path, encoding: str, delimiter: str) -> bool:
    """Whether the file's last non-blank record is a summary row ('Tổng cộng: 30 hồ sơ'), judged from
    its last TAIL_BYTES: such a file is read record by record, which skips it."""
    size = path.stat().st_size
    with path.open("rb") as handle:
        start = max(0, size - TAIL_BYTES)
        if encoding == "utf-16":
            bom = handle.read(2)
            start = max(2, start + start % 2)  # code units start at even offsets, after the BOM
            codec = "utf-16-le" if bom == codecs.BOM_UTF16_LE else "utf-16-be"
        else:
            codec = "utf-8" if encoding == "utf-8-sig" else encoding
        handle.seek(start)
        tail = handle.read().decode(codec, errors="replace")
    for line in reversed(tail.splitlines()[1 if start else 0 :]):
        try:
            fields = next(csv.reader([line], delimiter=delimiter), [])
        except csv.Error:
            return False
        if not _blank(fields):  # padding rows (';;;;') after the total are blank too
            return summary_row(0, [nfc(value) for value in fields]) is not None
    return False


def read_csv(path: Path, spec: DatasetSpec) -> CsvFile:
    """Open a landing CSV for `spec`, or raise UnreadableFileError saying why it cannot be read.

    The header is the first record, among the first HEADER_SCAN_RECORDS non-blank ones, that names at
    least half of the spec's required columns; the records above it are title rows, skipped and
    recorded. Without such a record the first non-blank record is taken for the header, and its
    problems are reported. Only the first SAMPLE_BYTES (and the last TAIL_BYTES) are read here; rows
    are streamed by `CsvFile.rows()`.
    """
    path = Path(path)
    with path.open("rb") as handle:
        sample = handle.read(SAMPLE_BYTES)
        complete = not handle.read(1)
    if not sample:
        raise UnreadableFileError(path, "empty file")
    try:
        encoding = detect_encoding(sample, complete=complete)
    except EncodingNotDetectedError as error:
        raise UnreadableFileError(path, error.reason) from None
    lines = _first_lines(_decode(sample, encoding, final=complete), HEADER_SCAN_RECORDS)
    if not lines:
        reason = "no header row (the file holds only blank lines)"
        raise UnreadableFileError(path, reason if complete else reason + " in its first MiB")
    delimiter = _sniff_delimiter(lines, spec)
    first: tuple[int, list[str]] | None = None
    titles: list[tuple[int, str]] = []
    header: tuple[int, list[str]] | None = None
    with closing(_records(path, encoding, delimiter)) as records:
        for line_number, fields, problem in records:
            if problem is not None:
                if first is None:
                    raise UnreadableFileError(path, f"header row: {problem}")
                break
            assert fields is not None
            if _blank(fields):
                continue
            if first is None:
                first = (line_number, fields)
            if _is_header(fields, spec):
                header = (line_number, fields)
                break
            titles.append((line_number, " ".join(nfc(value).strip() for value in fields if value.strip())))
            if len(titles) >= HEADER_SCAN_RECORDS:
                break
    if first is None:
        raise UnreadableFileError(path, "no header row")
    line_number, fields = header or first
    headers = [nfc(name).strip() for name in fields]
    columns, substitutions = _map_header(path, spec, headers)
    return CsvFile(
        path,
        spec,
        encoding,
        delimiter,
        headers,
        columns,
        line_number,
        substitutions=substitutions,
        title_rows=titles if header is not None else [],
        ends_with_summary=_ends_with_summary(path, encoding, delimiter),
    )
