"""Typing the text columns of staging, a whole column at a time.

Every parser takes a Series of source text and returns `(parsed, bad)`: `parsed` holds the typed
values in a nullable dtype, `bad` is True where a non-empty input could not be read, so staging can
quarantine exactly those rows with the original text. Empty or whitespace-only input is a missing
value (NA), never bad: a pending dossier has no result date.

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

import pandas as pd

from cchc.sources.text import fold

TIMEZONE = "Asia/Ho_Chi_Minh"

_DAY_FIRST = (
    r"(?P<day>\d{1,2})(?P<sep>[/.-])(?P<month>\d{1,2})(?P=sep)(?P<year>\d{4})"
    r"(?:[ T]+(?P<hour>\d{1,2}):(?P<minute>\d{2})(?::(?P<second>\d{2}))?)?"
)
_ISO = (
    r"(?P<year>\d{4})-(?P<month>\d{2})-(?P<day>\d{2})"
    r"(?:[T ](?P<hour>\d{2}):(?P<minute>\d{2})(?::(?P<second>\d{2})(?:[.,](?P<fraction>\d{1,6}))?)?)?"
    r"\s*(?P<offset>Z|[+-]\d{2}(?::?\d{2})?)?"
)
_STAMP_FORMAT = "%Y-%m-%d %H:%M:%S.%f"

_GROUP = r"[1-9]\d{0,2}"
# (pattern, characters to delete, whether ',' is the decimal mark), tried in this order.
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
_YES_NO_BY_KEY = {
    **dict.fromkeys(("co", "x", "1", "yes", "y", "true"), True),
    **dict.fromkeys(("khong", "0", "no", "n", "false"), False),
}


def _text(values: pd.Series) -> pd.Series:
    """Stripped text with NA for empty input, whatever dtype the column arrived in."""
    text = values.astype("string").str.strip()
    return text.mask(text == "")


def parse_datetime(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Timestamps in Vietnam time from `dd/mm/yyyy[ HH:MM[:SS]]` (also `d/m/yyyy`, `-` or `.`) or ISO.

    Day-first text is how every Vietnamese system prints dates, so `05/01/2018` is 5 January.
    Input without an offset is Vietnam local time; ISO input with an offset or `Z` is converted.
    Impossible dates and times (31/02/2024, 25:00) are bad, never rolled over.
    """
    text = _text(values)
    present = text.notna()
    parts = text.str.extract(f"^(?:{_DAY_FIRST})$").drop(columns="sep")
    iso = text.str.extract(f"^(?:{_ISO})$")
    is_iso = iso["year"].notna()
    parts = parts.assign(fraction=pd.NA, offset=pd.NA).astype("string")
    parts.loc[is_iso, iso.columns] = iso.loc[is_iso, iso.columns].astype("string")

    stamps = (
        parts["year"]
        + "-"
        + parts["month"].str.zfill(2)
        + "-"
        + parts["day"].str.zfill(2)
        + " "
        + parts["hour"].fillna("0").str.zfill(2)
        + ":"
        + parts["minute"].fillna("00")
        + ":"
        + parts["second"].fillna("00")
        + "."
        + parts["fraction"].fillna("0").str.ljust(6, "0")
    )
    naive = pd.to_datetime(stamps, format=_STAMP_FORMAT, errors="coerce")

    offset = parts["offset"]
    has_offset = offset.notna() & naive.notna()
    local = naive.mask(has_offset).dt.tz_localize(TIMEZONE, ambiguous="NaT", nonexistent="NaT")
    if has_offset.any():
        utc = (naive - _offset(offset)).mask(~has_offset).dt.tz_localize("UTC").dt.tz_convert(TIMEZONE)
        local = local.where(~has_offset, utc)
    parsed = local.astype(f"datetime64[us, {TIMEZONE}]")
    return parsed, (present & parsed.isna()).astype(bool)


def _offset(offset: pd.Series) -> pd.Series:
    """'+07:00', '+0700', '+07' or 'Z' as a timedelta east of UTC."""
    digits = offset.str.replace(":", "", regex=False).replace("Z", "+0000")
    sign = digits.str[0].map({"+": 1, "-": -1}).astype("Float64")
    hours = pd.to_numeric(digits.str[1:3]).astype("Float64")
    minutes = pd.to_numeric(digits.str[3:5].replace("", "0")).astype("Float64")
    return pd.to_timedelta((sign * (hours * 60 + minutes)).astype("float64"), unit="min")


def _normalise_numbers(values: pd.Series) -> pd.Series:
    """Numeric text rewritten as `[-]digits[.digits]` per the module's number rule; NA otherwise."""
    text = _text(values)
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


def parse_decimal(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Numbers such as `1.234,5`, `10.407`, `12.5` or `0,5` as Float64 (see the module's rule)."""
    present = _text(values).notna()
    normal = _normalise_numbers(values)
    parsed = pd.to_numeric(normal, errors="coerce").astype("Float64")
    return parsed, (present & parsed.isna()).astype(bool)


def parse_int(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Whole numbers such as `3`, `1.234` or `3,0` as Int64; a fraction (`1,5`) is bad."""
    present = _text(values).notna()
    normal = _normalise_numbers(values)
    whole = normal.str.extract(r"^(?P<integer>-?\d{1,18})(?:\.0+)?$")["integer"]
    parsed = pd.to_numeric(whole, errors="coerce").astype("Int64")
    return parsed, (present & parsed.isna()).astype(bool)


def _lookup(values: pd.Series, table: dict[str, object], dtype: str) -> tuple[pd.Series, pd.Series]:
    """Map folded text through `table`, folding each distinct value once rather than each row."""
    text = _text(values)
    keys = {value: table.get(fold(value)) for value in text.dropna().unique()}
    parsed = text.map(keys).astype(dtype)
    return parsed, (text.notna() & parsed.isna()).astype(bool)


def parse_channel(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Submission channel as 'direct', 'online' or 'postal' (string dtype).

    Accepts the Vietnamese words with or without diacritics (Trực tiếp, Trực tuyến, Bưu chính,
    BCCI), the one-stop codes 1/2/3 and the English words. Empty is missing, not direct: a blank
    channel in our exports means the clerk did not record it.
    """
    return _lookup(values, _CHANNEL_BY_KEY, "string")


def parse_yes_no(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Yes/no flags such as 'Trả kết quả qua BCCI' (Có/Không, x, 1/0, yes/no, true/false) as boolean."""
    return _lookup(values, _YES_NO_BY_KEY, "boolean")
