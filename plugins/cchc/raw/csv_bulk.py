"""A checked CSV file straight into its raw table, a block of text at a time, when its text is plain.

`CsvFile.rows()` reads a file record by record in Python: it splits, normalises and strips every field
and skips blank records, which is most of the raw load's time on large files. Most exports need none
of that per-record work: every record is one line with exactly the header's fields, and no field has
whitespace at its edges. For those, this module checks the text a block at a time against that
grammar (one regular expression over the block, in C), puts the file id and line number before each
line and lets PostgreSQL's own CSV parser read it. What lands is what `rows()` would give.

A block that is not plain raises NotPlainCsv; the caller rolls the COPY back and reads the file
record by record, which also finds and words any problem with it. So the grammar only has to be
safe, never complete: anything unusual (a record over two lines, padding, a quote inside an unquoted
value, quotes in a file with a column that is not ours) takes the record-by-record path.
"""

from __future__ import annotations

import csv
import functools
import re
import sys
from collections.abc import Iterator
from contextlib import closing

import psycopg
from psycopg import sql

from cchc.sources.csv_reader import CsvFile
from cchc.sources.text import nfc
from cchc.warehouse.sql_files import qualified

BLOCK_CHARS = 1 << 22
"""Characters of text checked and sent at once (plus the rest of the line the block ends in)."""


class NotPlainCsv(Exception):
    """The file needs the record-by-record reader; the message says what was found first."""


@functools.cache
def _grammar(delimiter: str, width: int) -> tuple[re.Pattern[str], re.Pattern[str]]:
    """(a block of plain records, a blank record) for a separator and a header `width` fields wide.

    A plain field is either unquoted, without quotes, line breaks or NUL, or quoted with doubled
    inner quotes and no line break; in both, its value starts and ends with a non-space (`\\s` is
    exactly `str.isspace`, what `str.strip()` removes) or is empty.
    """
    d = re.escape(delimiter)
    unquoted = rf'(?:[^\s"{d}\x00](?:[^"{d}\n\r\x00]*[^\s"{d}\x00])?)?'
    edge = r'(?:[^\s"\x00]|"")'
    quoted = rf'"(?:{edge}(?:(?:[^"\n\r\x00]|"")*{edge})?)?"'
    field = f"(?:{quoted}|{unquoted})"
    line = f"{field}(?:{d}{field}){{{width - 1}}}"
    block = re.compile(f"(?:(?:{line})?\n)*(?:{line})?")
    blank = re.compile(f'(?:""|)(?:{d}(?:""|))*')
    return block, blank


def copy_plain_csv(conn: psycopg.Connection, source: CsvFile, table: str, file_id: int) -> int:
    """COPY `source`'s records into `table` (file_id, line_number, its columns); returns records loaded.

    Raises NotPlainCsv, possibly after part of the file was sent: the caller runs this inside a
    savepoint and rolls it back. A file that ends with a summary row goes record by record, which
    skips and records it."""
    if source.ends_with_summary:
        raise NotPlainCsv("the file ends with a summary row")
    columns = [column for column in source.columns if column is not None]
    statement = sql.SQL(
        "copy {} (file_id, line_number, {}) from stdin (format csv, delimiter {}, force_not_null ({}))"
    ).format(
        qualified(table),
        sql.SQL(", ").join(sql.Identifier(c) for c in columns),
        sql.Literal(source.delimiter),
        sql.SQL(", ").join(sql.Identifier(c) for c in columns),
    )
    loaded = 0
    with conn.cursor() as cur, cur.copy(statement) as copy:
        for payload, records in _payloads(source, file_id):
            copy.write(payload)
            loaded += records
    return loaded


def _payloads(source: CsvFile, file_id: int) -> Iterator[tuple[str, int]]:
    """(COPY text, records in it) per block of the file after its header."""
    delimiter = source.delimiter
    block_grammar, blank_grammar = _grammar(delimiter, len(source.columns))
    blank_shape = delimiter + '"'
    separators = len(source.columns) - 1
    # Fields under a header that is not ours (a clerk's "Ghi chú" column) are dropped, as `rows()` does.
    kept = [index for index, column in enumerate(source.columns) if column is not None]
    dropping = len(kept) < len(source.columns)
    prefix = f"{file_id}{delimiter}"
    line_number = source.header_line
    limit = csv.field_size_limit()
    with closing(_blocks(source)) as blocks:
        for text in blocks:
            if "\r" in text:
                if text.count("\r") != text.count("\r\n"):
                    raise NotPlainCsv("a carriage return that does not end a line")
                text = text.replace("\r\n", "\n")
            text = nfc(text)  # NFC of the whole text is the NFC of each field: separators never compose
            # Without quotes a record is plain when it has the header's number of fields (counted
            # below) and no value has a space at its edge; with quotes the grammar decides.
            quoted = '"' in text
            if quoted and dropping:
                raise NotPlainCsv("quoted values in a file with columns that are not ours")
            if quoted and block_grammar.fullmatch(text) is None:
                raise NotPlainCsv(f"a quoted record after line {line_number} is not plain")
            if not quoted and _space_at_an_edge(text, delimiter):
                raise NotPlainCsv(f"a value after line {line_number} starts or ends with a space")
            lines = text.split("\n")
            if lines[-1] == "":
                lines.pop()
            if max(map(len, lines), default=0) > limit:
                # A value might pass the CSV field limit, which the record reader refuses: it decides.
                raise NotPlainCsv(f"a line after line {line_number} is longer than the CSV field limit")
            out = []
            for offset, line in enumerate(lines, start=line_number + 1):
                # `rows()` skips blank records and keeps counting lines.
                if not line.strip(blank_shape) and blank_grammar.fullmatch(line):
                    continue
                if not quoted and line.count(delimiter) != separators:
                    raise NotPlainCsv(f"line {offset} does not have the header's number of fields")
                if dropping:
                    fields = line.split(delimiter)
                    line = delimiter.join([fields[index] for index in kept])
                out.append(f"{prefix}{offset}{delimiter}{line}\n")
            line_number += len(lines)
            if out:
                yield "".join(out), len(out)


@functools.cache
def _spaces() -> tuple[str, ...]:
    """What `str.strip()` removes, except the line feed, which separates records."""
    return tuple(c for c in map(chr, range(sys.maxunicode + 1)) if c.isspace() and c != "\n")


def _space_at_an_edge(text: str, delimiter: str) -> bool:
    """Whether a value of quote-free `text` starts or ends with a space (or holds NUL or a carriage
    return, which the bulk path does not take). Single-character and two-character searches run at
    memory speed, where a regular expression over the text is a hundred times slower."""
    if "\x00" in text or "\r" in text:
        return True
    for space in _spaces():
        if space == delimiter or space not in text:
            continue
        edges = (delimiter + space, space + delimiter, "\n" + space, space + "\n")
        if any(edge in text for edge in edges) or text.startswith(space) or text.endswith(space):
            return True
    return False


def _blocks(source: CsvFile) -> Iterator[str]:
    """The file's text after its header, in blocks ending at a line end (or the end of the file)."""
    with source.path.open(encoding=source.encoding, errors="strict", newline="") as handle:
        try:
            for _ in range(source.header_line - 1):
                handle.readline()
            header = handle.readline()
            fields = next(csv.reader([header.rstrip("\r\n")], delimiter=source.delimiter, strict=True), [])
            if [nfc(name).strip() for name in fields] != source.source_headers:
                raise NotPlainCsv("the header is not one line")
            while True:
                text = handle.read(BLOCK_CHARS)
                if not text:
                    return
                if not text.endswith("\n"):
                    text += handle.readline()
                yield text
        except (UnicodeDecodeError, csv.Error) as error:
            raise NotPlainCsv(str(error)) from None
