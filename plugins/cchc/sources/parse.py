"""Typing the text columns of staging, a whole column at a time.

Every parser takes a Series of source text and returns `(parsed, bad)`: `parsed` holds the typed
values in a nullable dtype on the same index, `bad` is True where a non-empty input could not be
read, so staging can quarantine exactly those rows with the original text. Empty or
whitespace-only input is a missing value (NA), never bad: a pending dossier has no result date.

Source columns repeat a few values many times (dates, counts, channel names), so each parser reads
every distinct text once and spreads the results back; the reading itself is column-wise pandas.

Number rule (Vietnamese first, because that is how clerks type and how Vietnamese Excel exports):
  - `.` groups thousands and `,` marks decimals: `10.407` is 10407, `1.234,5` is 1234.5, `1,5` is 1.5;
  - a single `.` is a thousands separator only when followed by exactly three digits after a
    leading group of 1-3 digits not starting with 0 (`10.407`); otherwise it is a decimal point
    (`12.5`, `0.125`, `1234.567`), which is how English-locale software writes decimals;
  - a single `,` is always a decimal comma, so `1,234` is 1.234, never 1234;
  - when both appear, the last one is the decimal mark and the other must group by three
    (`1.234,5` and `1,234.5` are both 1234.5); several commas and no dot group by three
    (`1,234,567` has only one reading).
Integers follow the same rule and must be whole: `3`, `1.234`, `3,0` parse; `1,5` is bad.
"""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd
from pandas.api.extensions import take

from cchc.sources.text import fold

TIMEZONE = "Asia/Ho_Chi_Minh"
_DATETIME_DTYPE = f"datetime64[us, {TIMEZONE}]"

# (which texts, formats to try on them in turn, whether the text carries a UTC offset).
# Day-first as every Vietnamese system prints dates; `%d`, `%m` and `%H` also take one digit;
# `%z` takes `Z`, `+07:00`, `+0700` and `+07`.
_DATETIME_SHAPES: tuple[tuple[str, tuple[str, ...], bool], ...] = (
    *(
        (rf"\d{{1,2}}\{sep}", tuple(f"%d{sep}%m{sep}%Y{time}" for time in (" %H:%M", "", " %H:%M:%S")), False)
        for sep in "/-."
    ),
    (
        r"\d{4}-.*:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}(?::?\d{2})?)$",
        tuple(f"%Y-%m-%d{sep}{time}%z" for sep in "T " for time in ("%H:%M:%S", "%H:%M", "%H:%M:%S.%f")),
        True,
    ),
    (
        r"\d{4}-",
        tuple(
            f"%Y-%m-%d{time}"
            for time in ("", " %H:%M:%S", "T%H:%M:%S", " %H:%M", "T%H:%M", " %H:%M:%S.%f", "T%H:%M:%S.%f")
        ),
        False,
    ),
    # The national portal's sync fields and dumps: yyyyMMdd, yyyyMMddHHmm, yyyyMMddHHmmss.
    # One shape per length: strptime would read '202404150830' as 08:03:00 under %H%M%S.
    (r"\d{14}$", ("%Y%m%d%H%M%S",), False),
    (r"\d{12}$", ("%Y%m%d%H%M",), False),
    (r"\d{8}$", ("%Y%m%d",), False),
)

# Excel's serial day numbers (days since 30/12/1899 in the 1900 system): the range read as dates in a
# CSV column that holds nothing but numbers, 1990-01-01 to 2100-12-31.
EXCEL_1900_EPOCH = pd.Timestamp("1899-12-30")
PLAUSIBLE_SERIALS = (32874, 73415)
_SERIAL = r"\d{5}(?:[.,]\d+)?"

_GROUP = r"[1-9]\d{0,2}"
# (pattern, grouping character to delete, whether ',' is the decimal mark), tried in this order.
_NUMBER_FORMS: tuple[tuple[str, str, bool], ...] = (
    (r"[+-]?\d+", "", False),
    (rf"[+-]?{_GROUP}(?:\.\d{{3}})+,\d+", ".", True),  # 1.234,5
    (rf"[+-]?{_GROUP}(?:,\d{{3}})+\.\d+", ",", False),  # 1,234.5
    (rf"[+-]?{_GROUP}(?:\.\d{{3}})+", ".", False),  # 10.407, 1.234.567
    (r"[+-]?\d+\.\d+", "", False),  # 12.5
    (rf"[+-]?{_GROUP}(?:,\d{{3}}){{2,}}", ",", False),  # 1,234,567
    (r"[+-]?\d+,\d+", "", True),  # 1,5
)

_CHANNELS = {
    "direct": ("1", "truc_tiep", "nop_truc_tiep", "tai_quay", "direct"),
    "online": ("2", "truc_tuyen", "nop_truc_tuyen", "dvc_truc_tuyen", "qua_mang", "online"),
    "postal": (
        "3",
        "buu_chinh",
        "bcci",
        "buu_chinh_cong_ich",
        "qua_buu_chinh",
        "qua_buu_chinh_cong_ich",
        "nop_qua_buu_chinh",
        "postal",
        "post",
    ),
}
_CHANNEL_BY_KEY = {key: channel for channel, keys in _CHANNELS.items() for key in keys}

# Online service level of a procedure. Nghị định 42/2022/NĐ-CP renamed levels 4 and 3 to "toàn trình"
# (full) and "một phần" (partial); level 2 and below offer no online filing.
_ONLINE_LEVELS = {
    "full": ("toan_trinh", "dvc_toan_trinh", "dvctt_toan_trinh", "muc_do_4", "muc_4", "md4", "4", "full"),
    "partial": ("mot_phan", "dvc_mot_phan", "dvctt_mot_phan", "muc_do_3", "muc_3", "md3", "3", "partial"),
    "none": (
        "khong",
        "chua_cung_cap",
        "thong_tin_truc_tuyen",
        "muc_do_2",
        "muc_2",
        "md2",
        "2",
        "muc_do_1",
        "muc_1",
        "md1",
        "1",
        "none",
    ),
}
_ONLINE_LEVEL_BY_KEY = {key: level for level, keys in _ONLINE_LEVELS.items() for key in keys}
_UNIT_LEVELS = {
    "commune": ("xa", "cap_xa", "commune"),
    "district": ("huyen", "cap_huyen", "district"),
    "province": ("tinh", "cap_tinh", "province"),
}
_UNIT_LEVEL_BY_KEY = {key: level for level, keys in _UNIT_LEVELS.items() for key in keys}
_YES_NO_BY_KEY = {
    **dict.fromkeys(("co", "x", "1", "yes", "y", "true"), True),
    **dict.fromkeys(("khong", "0", "no", "n", "false"), False),
}


def _text(values: pd.Series) -> pd.Series:
    """Stripped text with NA for empty input, whatever dtype the column arrived in."""
    text = values.astype("string").str.strip()
    return text.mask(text == "")


def _per_distinct(values: pd.Series, parse: Callable[[pd.Series], pd.Series]) -> tuple[pd.Series, pd.Series]:
    """Apply `parse` to each distinct non-empty text once; NA results for non-empty text are bad."""
    text = _text(values)
    codes, distinct = pd.factorize(text)
    parsed_distinct = parse(pd.Series(distinct, dtype="string"))
    parsed = pd.Series(take(parsed_distinct.array, codes, allow_fill=True), index=values.index)
    bad = pd.Series(text.notna().to_numpy(dtype=bool) & parsed.isna().to_numpy(), index=values.index)
    return parsed, bad


def _datetimes(text: pd.Series) -> pd.Series:
    """Each shape's formats in turn on what earlier ones left unread; to_datetime checks the calendar."""
    result = pd.Series(pd.NaT, index=text.index, dtype=_DATETIME_DTYPE)
    unread = text.notna()  # missing text is never read, by any shape
    for shape, formats, utc in _DATETIME_SHAPES:
        if not unread.any():
            break
        # Only texts no earlier shape read are matched: a column in one format is scanned once.
        candidates = pd.Series(False, index=text.index)
        candidates[unread] = text[unread].str.match(shape).fillna(False).astype(bool)
        for fmt in _by_hits_on_sample(text[candidates], formats, utc):
            if not candidates.any():
                break
            parsed = pd.to_datetime(text[candidates], format=fmt, errors="coerce", utc=utc).dropna()
            if utc:
                parsed = parsed.dt.tz_convert(TIMEZONE)
            else:
                parsed = parsed.dt.tz_localize(TIMEZONE, ambiguous="NaT", nonexistent="NaT").dropna()
            result[parsed.index] = parsed.astype(_DATETIME_DTYPE)
            unread[parsed.index] = False
            candidates[parsed.index] = False
    return result


def _by_hits_on_sample(text: pd.Series, formats: tuple[str, ...], utc: bool) -> list[str]:
    """Formats ordered so that a column's own format is tried first (a failed pass costs a full scan)."""
    sample = text.head(200)

    def hits(fmt: str) -> int:
        return int(pd.to_datetime(sample, format=fmt, errors="coerce", utc=utc).notna().sum())

    return sorted(formats, key=hits, reverse=True)


def parse_datetime(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Timestamps in Vietnam time from `dd/mm/yyyy[ HH:MM[:SS]]` (also `d/m/yyyy`, `-` or `.`), ISO
    (`T` or a space, with or without an offset) or the portal's `yyyyMMdd[HHmm[ss]]`.

    `05/01/2018` is 5 January. Input without an offset is Vietnam local time; ISO input with an
    offset or `Z` is converted. Impossible dates and times (31/02/2024, 24:00) are bad, never
    rolled over. Whether a date is plausible (a year 0018) is for the expectations to say.
    The result dtype is datetime64[us, Asia/Ho_Chi_Minh].
    """
    return _per_distinct(values, _datetimes)


def has_time_of_day(parsed: pd.Series) -> pd.Series:
    """Whether each timestamp carries a time of day (boolean, NA where missing). A value written
    without a time is a calendar day, and so is one at exactly 00:00, which is how many systems write
    a date-only value; such a value is compared with others by its day."""
    local = parsed.dt.tz_localize(None) if parsed.dt.tz is not None else parsed
    result = (local != local.dt.normalize()).astype("boolean")
    return result.mask(parsed.isna())


def is_serial_text(values: pd.Series) -> pd.Series:
    """True where a text is a plausible Excel serial date number (`45383`, `45383.5`, `45383,354`)."""
    text = _text(values)
    shaped = text.str.fullmatch(_SERIAL).fillna(False).astype(bool)
    number = pd.to_numeric(text.where(shaped).str.replace(",", ".", regex=False), errors="coerce")
    low, high = PLAUSIBLE_SERIALS
    return shaped & number.between(low, high + 1, inclusive="left").fillna(False).astype(bool)


def parse_serial_datetime(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Excel serial day numbers of the 1900 system as Vietnam-local timestamps, rounded to the second;
    text that is not a plausible serial is bad."""

    def serials(text: pd.Series) -> pd.Series:
        number = pd.to_numeric(text.str.replace(",", ".", regex=False).where(is_serial_text(text)), errors="coerce")
        seconds = (number * 86400).round()
        moments = EXCEL_1900_EPOCH + pd.to_timedelta(seconds, unit="s")
        return moments.dt.tz_localize(TIMEZONE).astype(_DATETIME_DTYPE)

    return _per_distinct(values, serials)


def _numbers(text: pd.Series) -> pd.Series:
    """Numeric text rewritten as `[-]digits[.digits]` per the module's number rule; NA otherwise."""
    normal = pd.Series(pd.NA, index=text.index, dtype="string")
    for pattern, grouping, decimal_comma in _NUMBER_FORMS:
        hit = (text.str.fullmatch(pattern) & normal.isna()).fillna(False).astype(bool)
        if not hit.any():
            continue
        form = text[hit]
        if grouping:
            form = form.str.replace(grouping, "", regex=False)
        if decimal_comma:
            form = form.str.replace(",", ".", regex=False)
        normal[hit] = form
    return normal.str.lstrip("+")


def _decimals(text: pd.Series) -> pd.Series:
    return pd.to_numeric(_numbers(text), errors="coerce").astype("Float64")


def _integers(text: pd.Series) -> pd.Series:
    whole = _numbers(text).str.extract(r"^(?P<integer>-?\d{1,18})(?:\.0+)?$")["integer"]
    return pd.to_numeric(whole, errors="coerce").astype("Int64")


def parse_decimal(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Numbers such as `1.234,5`, `10.407`, `12.5` or `0,5` as Float64 (see the module's rule)."""
    return _per_distinct(values, _decimals)


def parse_int(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Whole numbers such as `3`, `1.234` or `3,0` as Int64; a fraction (`1,5`) is bad."""
    return _per_distinct(values, _integers)


def _lookup(table: dict[str, object], dtype: str) -> Callable[[pd.Series], pd.Series]:
    def parse(text: pd.Series) -> pd.Series:
        return text.map(lambda value: table.get(fold(value))).astype(dtype)

    return parse


def parse_channel(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Submission channel as 'direct', 'online' or 'postal' (string dtype).

    Accepts the Vietnamese words with or without diacritics (Trực tiếp, Trực tuyến, Bưu chính,
    BCCI), the one-stop codes 1/2/3 and the English words. Empty is missing, not direct: a blank
    channel in our exports means the clerk did not record it.
    """
    return _per_distinct(values, _lookup(_CHANNEL_BY_KEY, "string"))


def parse_online_level(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Online service level as 'full', 'partial' or 'none' from either vocabulary: Toàn trình / Một phần /
    Không (since Nghị định 42/2022) or Mức độ 4 / 3 / 2 / 1 (before it), with or without diacritics."""
    return _per_distinct(values, _lookup(_ONLINE_LEVEL_BY_KEY, "string"))


def parse_unit_level(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Level that carries out a procedure (Cấp xã / huyện / tỉnh) as 'commune', 'district' or 'province'."""
    return _per_distinct(values, _lookup(_UNIT_LEVEL_BY_KEY, "string"))


def parse_yes_no(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Yes/no flags such as 'Trả kết quả qua BCCI' (Có/Không, x, 1/0, yes/no, true/false) as boolean."""
    return _per_distinct(values, _lookup(_YES_NO_BY_KEY, "boolean"))


def parse_date(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Calendar dates (Asia/Ho_Chi_Minh) from the same formats as `parse_datetime`; a time part is dropped."""
    parsed, bad = parse_datetime(values)
    return parsed.dt.tz_localize(None).dt.normalize(), bad


def parse_serial_date(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Calendar dates from Excel serial day numbers (see `parse_serial_datetime`)."""
    parsed, bad = parse_serial_datetime(values)
    return parsed.dt.tz_localize(None).dt.normalize(), bad


def parse_percent(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Percentages such as `94%`, `94`, `94,5 %` -> 94.5; out-of-range values are left to the expectations."""
    return parse_decimal(values.astype("string").str.replace("%", "", regex=False).str.strip())
