"""Reading one landing-zone JSON file (the portal's dossiers, or any list of objects) like a CSV.

Accepted shapes: the portal landing file `{"source": ..., "unit_code": ..., "quarter": ...,
"total": N, "items": [{...}, ...]}`, any other object with an `items` list, or a bare list of
objects. Item keys are mapped to canonical columns: the portal's own keys first, then every header
`spec.canonical` accepts. Values become the text a CSV export would hold, so staging parses both
alike: strings NFC and stripped (ISO datetimes unchanged), numbers as written (channel `1`),
true/false as `Có`/`Không`, null or an absent key as ''.

The file is read as a stream: memory holds one 64 KiB chunk plus the item being decoded (an item
over MAX_ITEM_CHARS is refused), whatever the number of items. `read_json` reads it once to check
every item, so a bad item anywhere refuses the whole file before anything is loaded; `rows()` reads
it again.
"""

from __future__ import annotations

import codecs
import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, NoReturn

from cchc.sources.csv_reader import MalformedRowError, UnreadableFileError
from cchc.sources.datasets import DatasetSpec
from cchc.sources.header_map import HeaderMap, Substitution, apply_fallbacks
from cchc.sources.text import fold, nfc

# The portal contract's item keys (see `cchc.sources.portal_api`), per dataset.
PORTAL_KEYS: dict[str, dict[str, str]] = {
    "dossiers": {
        "ma_ho_so": "dossier_id",
        "ma_don_vi": "unit_code",
        "ma_thu_tuc": "procedure_code",
        "linh_vuc": "field",
        "kenh_thuc_hien": "channel",
        "ngay_tiep_nhan": "received_at",
        "ngay_hen_tra": "due_at",
        "ngay_co_ket_qua": "resolved_at",
        "tra_ket_qua_bcci": "returned_by_post",
        "so_lan_bo_sung": "supplement_requests",
    },
}

YES, NO = "Có", "Không"
MAX_ITEM_CHARS = 1 << 20
"""One item (or metadata value) larger than this is refused instead of growing the buffer."""

_CHUNK_CHARS = 1 << 16
_WHITESPACE = " \t\n\r"
_QUARTER_RE = re.compile(r"^\d{4}Q[1-4]$")
# A decode error this close to the end of the buffer may only mean the value continues in the next chunk.
_TRUNCATION_MARGIN = 8


class _JsonProblem(Exception):
    """Where (line, column) and why a file is not the JSON we accept."""

    def __init__(self, line: int, column: int, reason: str) -> None:
        super().__init__(reason)
        self.line = line
        self.column = column
        self.reason = reason


class _Constant(ValueError):
    """NaN or Infinity: Python's json accepts them, JSON does not."""


def _reject_constant(name: str) -> NoReturn:
    raise _Constant(name)


_DECODER = json.JSONDecoder(parse_constant=_reject_constant)


class _Scanner:
    """Decodes one JSON value at a time from a text stream, keeping line and column for errors."""

    def __init__(self, handle: IO[str]) -> None:
        self._handle = handle
        self._buffer = ""
        self._pos = 0
        self._eof = False
        self._lines_before = 0  # newlines in text already dropped from the buffer
        self._column_before = 0  # characters after the last dropped newline

    # positions
    def where(self, index: int | None = None) -> tuple[int, int]:
        index = self._pos if index is None else index
        newlines = self._buffer.count("\n", 0, index)
        last = self._buffer.rfind("\n", 0, index)
        column = index - last if last >= 0 else self._column_before + index + 1
        return self._lines_before + newlines + 1, column

    def fail(self, reason: str, index: int | None = None) -> NoReturn:
        line, column = self.where(index)
        raise _JsonProblem(line, column, reason)

    # buffer
    def _fill(self) -> bool:
        if self._eof:
            return False
        if self._pos > _CHUNK_CHARS:
            dropped = self._buffer[: self._pos]
            newlines = dropped.count("\n")
            self._lines_before += newlines
            last = dropped.rfind("\n")
            self._column_before = len(dropped) - last - 1 if last >= 0 else self._column_before + len(dropped)
            self._buffer = self._buffer[self._pos :]
            self._pos = 0
        chunk = self._handle.read(_CHUNK_CHARS)
        if not chunk:
            self._eof = True
            return False
        self._buffer += chunk
        return True

    def peek(self) -> str:
        """The next character that is not whitespace ('' at the end of the file), without taking it."""
        while True:
            while self._pos < len(self._buffer) and self._buffer[self._pos] in _WHITESPACE:
                self._pos += 1
            if self._pos < len(self._buffer) or not self._fill():
                return self._buffer[self._pos] if self._pos < len(self._buffer) else ""

    def take(self, char: str, expected: str) -> None:
        if self.peek() != char:
            found = self.peek()
            self.fail(f"expected {expected}, found {found!r}" if found else f"expected {expected}, the file ends")
        self._pos += 1

    def value(self, what: str) -> Any:
        """Decode the next complete value, reading further chunks while it may be cut at the buffer's end.

        The position stays at the value's start until it decodes, so refilling (which drops the
        text before the position) never loses part of it.
        """
        self.peek()
        while True:
            if len(self._buffer) - self._pos > MAX_ITEM_CHARS:
                self.fail(f"{what} is longer than {MAX_ITEM_CHARS} characters")
            try:
                value, end = _DECODER.raw_decode(self._buffer, self._pos)
            except json.JSONDecodeError as error:
                unterminated = error.msg.startswith("Unterminated string")
                if (unterminated or len(self._buffer) - error.pos <= _TRUNCATION_MARGIN) and self._fill():
                    continue
                cut = unterminated or not self._buffer[error.pos :].strip()
                reason = f"{error.msg} (the file ends inside it: truncated?)" if cut else error.msg
                self.fail(f"invalid JSON in {what}: {reason}", error.pos)
            except _Constant as constant:
                self.fail(f"invalid JSON in {what}: {constant} is not a JSON value")
            # A number or literal at the buffer's end may continue in the next chunk.
            if end == len(self._buffer) and self._fill():
                continue
            self._pos = end
            return value


def _items(scanner: _Scanner, metadata: dict[str, Any]) -> Iterator[tuple[int, int, Any]]:
    """(item number, line, value) for each item of the file; metadata fills as keys are met."""
    first = scanner.peek()
    if first == "":
        scanner.fail("the file is empty")
    if first == "[":
        yield from _array(scanner)
    elif first == "{":
        start = scanner.where()
        scanner.take("{", "'{'")
        found = False
        members = 0
        while True:
            char = scanner.peek()
            if char == "}":
                scanner.take("}", "'}'")
                break
            if members:
                scanner.take(",", "',' or '}' between the object's members")
            if scanner.peek() != '"':
                scanner.fail("expected a member name in double quotes")
            key_at = scanner.where()
            key = scanner.value("a member name")
            scanner.take(":", f"':' after {key!r}")
            if key in metadata or (key == "items" and found):
                raise _JsonProblem(*key_at, f"the member {key!r} appears twice")
            if key == "items":
                found = True
                if scanner.peek() != "[":
                    scanner.fail("'items' is not a list")
                yield from _array(scanner)
            else:
                metadata[key] = scanner.value(f"the member {key!r}")
            members += 1
        if not found:
            raise _JsonProblem(*start, "the object has no 'items' list")
    else:
        scanner.fail("expected a JSON object with an 'items' list, or a list of objects")
    if scanner.peek() != "":
        scanner.fail("unexpected data after the end of the JSON value")


def _array(scanner: _Scanner) -> Iterator[tuple[int, int, Any]]:
    scanner.take("[", "'['")
    number = 0
    while True:
        char = scanner.peek()
        if char == "]":
            scanner.take("]", "']'")
            return
        if char == "":
            scanner.fail(f"the file ends inside the list after item {number} (truncated?)")
        if number:
            scanner.take(",", f"',' or ']' after item {number}")
            scanner.peek()
        number += 1
        line = scanner.where()[0]
        yield number, line, scanner.value(f"item {number}")


def _text(value: Any) -> str | None:
    """A JSON value as CSV text, or None if it has no single-cell form (list, object)."""
    if value is None:
        return ""
    if value is True:
        return YES
    if value is False:
        return NO
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, str):
        return nfc(value).strip()
    return None


def _header(key: str) -> str:
    return nfc(key).strip()


def _canonical(spec: DatasetSpec, key: str) -> str | None:
    portal = PORTAL_KEYS.get(spec.name, {}).get(fold(key))
    if portal is not None and portal in spec.column_names:
        return portal
    return spec.canonical(key)


@dataclass(frozen=True)
class JsonFile(HeaderMap):
    """A JSON file whose shape, keys and every item have been checked; `rows()` streams it."""

    path: Path
    spec: DatasetSpec
    source_headers: list[str]
    columns: list[str | None]
    item_count: int
    metadata: dict[str, Any]
    encoding: str = "utf-8"
    delimiter: str | None = None
    substitutions: list[Substitution] = field(default_factory=list)
    file_format: str = "json"
    skipped: list[Any] = field(default_factory=list)
    unknown_headers: list[str] = field(init=False)

    @property
    def warnings(self) -> list[str]:
        """File-level warnings: keys not read, and keys read in place of missing columns."""
        return self.header_warnings

    def rows(
        self, on_malformed: Callable[[MalformedRowError], None] | None = None
    ) -> Iterator[tuple[int, dict[str, str]]]:
        """Yield (item number from 1, {canonical column: text}) per item.

        `on_malformed` is accepted so callers can treat CSV and JSON alike; it is never called,
        because `read_json` already refused any file with a bad item.
        """
        mapping = dict(zip(self.source_headers, self.columns, strict=True))
        present = self.present_columns
        for number, _line, item in _stream(self.path):
            row = dict.fromkeys(present, "")
            for key, value in item.items():
                column = mapping.get(_header(key))
                if column is not None:
                    text = _text(value)
                    if text is None:
                        raise UnreadableFileError(
                            self.path, f"item {number}: {key!r} holds a list or object (changed since read_json?)"
                        )
                    row[column] = text
            yield number, row


def _stream(path: Path, metadata: dict[str, Any] | None = None) -> Iterator[tuple[int, int, dict[str, Any]]]:
    """(item number, line, item) for each item, with errors as UnreadableFileError naming line and column."""
    metadata = {} if metadata is None else metadata
    try:
        with path.open(encoding="utf-8-sig", errors="strict", newline="") as handle:
            scanner = _Scanner(handle)
            for number, line, item in _items(scanner, metadata):
                if not isinstance(item, dict):
                    kind = "list" if isinstance(item, list) else type(item).__name__
                    raise UnreadableFileError(path, f"item {number} (line {line}) is a {kind}, not an object")
                yield number, line, item
    except _JsonProblem as problem:
        raise UnreadableFileError(path, f"line {problem.line} column {problem.column}: {problem.reason}") from None
    except UnicodeDecodeError:
        raise UnreadableFileError(path, _decode_problem(path)) from None
    except RecursionError:
        raise UnreadableFileError(
            path,
            "values nested too deeply to read (an item is lists or objects within each other hundreds of levels deep)",
        ) from None


def _decode_problem(path: Path) -> str:
    """Where the file stops being UTF-8, counted in bytes from its start."""
    decoder = codecs.getincrementaldecoder("utf-8")(errors="strict")
    offset = 0
    with path.open("rb") as handle:
        while chunk := handle.read(_CHUNK_CHARS):
            pending = len(decoder.getstate()[0])
            try:
                decoder.decode(chunk)
            except UnicodeDecodeError as error:
                return f"not valid UTF-8 text (byte offset {offset - pending + error.start}); JSON must be UTF-8"
            offset += len(chunk)
    return "not valid UTF-8 text (cut inside a character at the end); JSON must be UTF-8"


def read_json(path: Path, spec: DatasetSpec) -> JsonFile:
    """Open a landing JSON file for `spec`, or raise UnreadableFileError saying why it cannot be read."""
    path = Path(path)
    metadata: dict[str, Any] = {}
    headers: dict[str, str | None] = {}  # NFC key -> canonical column, in first-seen order
    count = 0
    for number, line, item in _stream(path, metadata):
        count = number
        for key, value in item.items():
            name = _header(key)
            if name not in headers:
                headers[name] = _canonical(spec, name) if name else None
            if headers[name] is None:
                continue
            text = _text(value)
            if text is None:
                kind = "list" if isinstance(value, list) else "object"
                raise UnreadableFileError(
                    path, f"item {number} (line {line}): {key!r} holds a {kind}, not a single value"
                )
            if "\x00" in text:
                # PostgreSQL text cannot hold NUL: the file is refused here rather than by the database.
                raise UnreadableFileError(path, f"item {number} (line {line}): {key!r} holds a NUL character (\\u0000)")
    _check_metadata(path, metadata, count)
    source_headers = list(headers)
    columns = list(headers.values())
    substitutions = _check_columns(path, spec, source_headers, columns, count)
    return JsonFile(path, spec, source_headers, columns, count, metadata, substitutions=substitutions)


def _check_columns(
    path: Path, spec: DatasetSpec, headers: list[str], columns: list[str | None], count: int
) -> list[Substitution]:
    first_seen: dict[str, str] = {}
    duplicates: list[str] = []
    for header, column in zip(headers, columns, strict=True):
        if column is None:
            continue
        if column in first_seen:
            duplicates.append(f"{first_seen[column]!r} and {header!r} both mean {column}")
        else:
            first_seen[column] = header
    if duplicates:
        raise UnreadableFileError(path, "items name the same column twice: " + "; ".join(duplicates))
    substitutions = apply_fallbacks(spec, headers, columns)
    if count == 0:
        return substitutions  # a unit with no dossiers this quarter: nothing to load, nothing missing
    missing = [column.name for column in spec.columns if column.required and column.name not in columns]
    if missing:
        portal_names = {canonical: key for key, canonical in PORTAL_KEYS.get(spec.name, {}).items()}
        shown = ", ".join(f"{portal_names[name]} ({name})" if name in portal_names else name for name in missing)
        raise UnreadableFileError(path, f"no item has the required keys: {shown}")
    return substitutions


def _check_metadata(path: Path, metadata: dict[str, Any], count: int) -> None:
    """A stated total catches a truncated file; stated unit and quarter catch a file in the wrong folder."""
    total = metadata.get("total")
    if total is not None:
        if not isinstance(total, int) or isinstance(total, bool):
            raise UnreadableFileError(path, f"'total' is {total!r}, not a whole number")
        if total != count:
            raise UnreadableFileError(path, f"'total' says {total} items but the file holds {count}")
    quarter, unit_code = metadata.get("quarter"), metadata.get("unit_code")
    folder_quarter, folder_unit = path.parent.name, path.parent.parent.name
    if quarter is not None and _QUARTER_RE.match(folder_quarter) and str(quarter) != folder_quarter:
        raise UnreadableFileError(path, f"the file is for quarter {quarter!r} but sits in the folder {folder_quarter}")
    if unit_code is not None and folder_unit.isdigit() and str(unit_code) != folder_unit:
        raise UnreadableFileError(path, f"the file is for unit {unit_code!r} but sits in the folder {folder_unit}")
