"""Vietnamese text helpers shared by every reader."""

from __future__ import annotations

import re
import unicodedata

_NON_ALNUM = re.compile(r"[^a-z0-9]+")


def nfc(text: str) -> str:
    """Exports from older systems often carry decomposed (NFD) text; the warehouse stores NFC."""
    return unicodedata.normalize("NFC", text)


def fold(text: str) -> str:
    """Case-, diacritic- and punctuation-insensitive key: 'Mã hồ sơ' -> 'ma_ho_so'.

    đ/Đ are letters of their own, not d plus a mark, so NFD alone does not strip them.
    """
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    bare = "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")
    return _NON_ALNUM.sub("_", bare.lower()).strip("_")
