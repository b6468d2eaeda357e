"""TCVN3 (ABC) and VNI-Windows: the font encodings that older Vietnamese office software still exports.

Python ships no codec for either. This module builds both from the Vietnamese alphabet (twelve
vowels times six tones, plus đ) and registers them with `codecs` as 'tcvn3' and 'vni' when it is
imported, so `open(path, encoding="vni")`, `bytes.decode("tcvn3")` and incremental decoders work as
for any codec and the CSV reader can stream such files instead of loading them whole.

TCVN3 (TCVN 5712:1993 "VN3", the encoding of the ABC input method's .VnTime fonts) is single-byte:
every lowercase letter has its own byte, but of the capitals only Ă Â Ê Ô Ơ Ư Đ do. A
capital with a tone was typed as the lowercase byte and drawn as a capital by an all-caps font
(.VnTimeH), so the file only says 'ủ' where its author saw 'Ủ'. Decoding gives the lowercase letter,
because that is all the bytes say: a name such as 'Ủy ban' comes back as 'ủy ban' and the capital
cannot be recovered. Encoding a toned capital raises rather than silently writing the lowercase byte.

VNI (VNI-Windows) writes a letter as its base Latin letter followed by one byte for its vowel mark and
tone, taken from the Latin-1 letters that VNI fonts draw as marks: 'ế' is 'e' + 0xE1 ('á'), 'ặ' is
'a' + 0xEB ('ë'). 'ơ', 'ư', 'đ' and the toned 'i's have a byte of their own, and capitals use the same
bytes 0x20 lower (the Latin-1 capitals). Decoding also accepts the looser spellings some converters
wrote: a vowel mark and a tone as two bytes ('a' + 'â' + 'ù' for 'ấ'), and a mark byte whose case
differs from its letter's (the letter decides the case).

Both keep ASCII, read 0xA0 as a no-break space and 0x80-0x9F as the Windows punctuation (… ‘ ’ “ ” •
– — €) that word processors put in such files. Any other byte is an error, not a guess.
"""

from __future__ import annotations

import codecs
import re
import unicodedata
from collections.abc import Iterator

GRAVE, ACUTE, HOOK, TILDE, DOT = "\u0300", "\u0301", "\u0309", "\u0303", "\u0323"
TONES = ("", GRAVE, ACUTE, HOOK, TILDE, DOT)
"""No tone (ngang), huyền, sắc, hỏi, ngã, nặng."""
VOWELS = "aăâeêioôơuưy"


def vietnamese_letters() -> Iterator[str]:
    """The 72 lowercase vowel forms, their 72 capitals, then đ and Đ, as NFC characters."""
    for case in (str.lower, str.upper):
        for vowel in VOWELS:
            for tone in TONES:
                yield case(unicodedata.normalize("NFC", vowel + tone))
    yield from "đĐ"


_PUNCTUATION = {byte: bytes([byte]).decode("cp1252") for byte in (0x80, 0x85, 0x91, 0x92, 0x93, 0x94, 0x95, 0x96, 0x97)}
"""Windows-1252 typography (€ … ‘ ’ “ ” • – —) that word processors insert whatever the 8-bit font."""
_NBSP = 0xA0

# --- TCVN3 ------------------------------------------------------------------------------------------
# From the TCVN 5712:1993 VN3 code chart (also Wikipedia's "VSCII" article): one row per vowel, with
# the byte of its forms in the chart's order: no tone, grave, hook above, tilde, acute, dot below.
_TCVN3_TONE_ORDER = ("", GRAVE, HOOK, TILDE, ACUTE, DOT)
_TCVN3_ROWS = {
    "a": (0x61, 0xB5, 0xB6, 0xB7, 0xB8, 0xB9),
    "ă": (0xA8, 0xBB, 0xBC, 0xBD, 0xBE, 0xC6),
    "â": (0xA9, 0xC7, 0xC8, 0xC9, 0xCA, 0xCB),
    "e": (0x65, 0xCC, 0xCE, 0xCF, 0xD0, 0xD1),
    "ê": (0xAA, 0xD2, 0xD3, 0xD4, 0xD5, 0xD6),
    "i": (0x69, 0xD7, 0xD8, 0xDC, 0xDD, 0xDE),
    "o": (0x6F, 0xDF, 0xE1, 0xE2, 0xE3, 0xE4),
    "ô": (0xAB, 0xE5, 0xE6, 0xE7, 0xE8, 0xE9),
    "ơ": (0xAC, 0xEA, 0xEB, 0xEC, 0xED, 0xEE),
    "u": (0x75, 0xEF, 0xF1, 0xF2, 0xF3, 0xF4),
    "ư": (0xAD, 0xF5, 0xF6, 0xF7, 0xF8, 0xF9),
    "y": (0x79, 0xFA, 0xFB, 0xFC, 0xFD, 0xFE),
}
_TCVN3_OTHERS = {"đ": 0xAE, "Ă": 0xA1, "Â": 0xA2, "Ê": 0xA3, "Ô": 0xA4, "Ơ": 0xA5, "Ư": 0xA6, "Đ": 0xA7}


def _tcvn3_bytes() -> dict[str, bytes]:
    table = {chr(byte): bytes([byte]) for byte in range(0x80)}
    for vowel, row in _TCVN3_ROWS.items():
        for tone, byte in zip(_TCVN3_TONE_ORDER, row, strict=True):
            table[unicodedata.normalize("NFC", vowel + tone)] = bytes([byte])
    table |= {letter: bytes([byte]) for letter, byte in _TCVN3_OTHERS.items()}
    table |= {char: bytes([byte]) for byte, char in _PUNCTUATION.items()}
    table[chr(_NBSP)] = bytes([_NBSP])
    return table


# --- VNI --------------------------------------------------------------------------------------------
# From the VNI-Windows character chart (VNI Software; reproduced in the Vietnamese Unicode project's
# "Unicode & Vietnamese Legacy Character Encodings" table). Lowercase bytes; a capital uses byte - 0x20.
_VNI_TONE = {GRAVE: 0xF8, ACUTE: 0xF9, HOOK: 0xFB, TILDE: 0xF5, DOT: 0xEF}
_VNI_Y_DOT = 0xEE  # 'ỵ' is 'y' + 'î', not the dot-below byte the other vowels take
_VNI_MARKED = {  # circumflex (â ê ô) and breve (ă): one byte for mark and tone together
    "\u0302": {"": 0xE2, GRAVE: 0xE0, ACUTE: 0xE1, HOOK: 0xE5, TILDE: 0xE3, DOT: 0xE4},
    "\u0306": {"": 0xEA, GRAVE: 0xE8, ACUTE: 0xE9, HOOK: 0xFA, TILDE: 0xFC, DOT: 0xEB},
}
_VNI_OWN_BYTE = {"ơ": 0xF4, "ư": 0xF6, "đ": 0xF1}
_VNI_I = {GRAVE: 0xEC, ACUTE: 0xED, HOOK: 0xE6, TILDE: 0xF3, DOT: 0xF2}


def _vni_capital(code: bytes) -> bytes:
    return bytes(byte - 0x20 if byte >= 0xC0 else ord(chr(byte).upper()) for byte in code)


def _split(letter: str) -> tuple[str, str, str]:
    """'ế' -> ('e', circumflex, acute); 'ơ' -> ('ơ', '', '') since the horn letters have their own byte."""
    decomposed = unicodedata.normalize("NFD", letter)
    tone = next((mark for mark in decomposed if mark in TONES[1:]), "")
    rest = decomposed.replace(tone, "") if tone else decomposed
    if unicodedata.normalize("NFC", rest) in _VNI_OWN_BYTE:
        return unicodedata.normalize("NFC", rest), "", tone
    return rest[0], rest[1:], tone


def _vni_lowercase(letter: str) -> bytes:
    base, mark, tone = _split(letter)
    if base in _VNI_OWN_BYTE:
        return bytes([_VNI_OWN_BYTE[base]]) + (bytes([_VNI_TONE[tone]]) if tone else b"")
    if base == "i" and tone:
        return bytes([_VNI_I[tone]])
    if mark:
        return base.encode() + bytes([_VNI_MARKED[mark][tone]])
    if base == "y" and tone == DOT:
        return base.encode() + bytes([_VNI_Y_DOT])
    return base.encode() + (bytes([_VNI_TONE[tone]]) if tone else b"")


def _vni_bytes() -> dict[str, bytes]:
    table = {chr(byte): bytes([byte]) for byte in range(0x80)}
    for letter in vietnamese_letters():
        if letter.islower():
            table[letter] = _vni_lowercase(letter)
            table[letter.upper()] = _vni_capital(table[letter])
    table |= {char: bytes([byte]) for byte, char in _PUNCTUATION.items()}
    table[chr(_NBSP)] = bytes([_NBSP])
    return table


def _other_case(byte: int) -> int:
    return byte - 0x20 if byte >= 0xE0 else byte + 0x20


def _vni_sequences(table: dict[str, bytes]) -> dict[bytes, str]:
    """Every spelling VNI decoding accepts for a letter written as a base byte and mark bytes."""
    sequences: dict[bytes, str] = {}
    for letter, code in table.items():
        if len(code) < 2:
            continue
        spellings = [code]
        _, mark, tone = _split(letter.lower())
        if mark and tone:  # mark and tone as two bytes: 'a' + 'â' + 'ù' for 'ấ'
            spellings.append(code[:1] + bytes([_VNI_MARKED[mark][""], _VNI_TONE[tone]]))
        for spelling in spellings:
            variants = [spelling[:1]]
            for byte in spelling[1:]:
                variants = [start + bytes([choice]) for start in variants for choice in (byte, _other_case(byte))]
            sequences |= dict.fromkeys(variants, letter)
    return sequences


# --- the codec machinery ------------------------------------------------------------------------------


def _byte_class(values: set[int]) -> bytes:
    return b"[" + b"".join(re.escape(bytes([value])) for value in sorted(values)) + b"]"


class _Charset:
    """One legacy encoding: its tables and a strict, resumable decoder and encoder built from them."""

    def __init__(
        self, name: str, label: str, encoding_table: dict[str, bytes], sequences: dict[bytes, str] | None = None
    ) -> None:
        self.name = name
        self.label = label
        self.encoding_table = encoding_table
        self.sequences = sequences or {}
        self.singles = {code[0]: char for char, code in encoding_table.items() if len(code) == 1}
        self.translation = {byte: char for byte, char in self.singles.items() if byte >= 0x80}
        self.bases = {sequence[0] for sequence in self.sequences}
        self.marks = {byte for sequence in self.sequences for byte in sequence[1:]}
        # A base followed by a bare circumflex or breve may still take a tone byte in the next chunk.
        self.extendable = {sequence[1] for sequence in self.sequences if len(sequence) == 3}
        singles = _byte_class(set(self.singles))
        if self.sequences:
            starts_sequence = _byte_class(self.bases) + _byte_class(self.marks)
            pattern = (
                b"(?P<sequence>" + starts_sequence + _byte_class(self.marks) + b"?)"
                b"|(?P<run>(?:(?!" + starts_sequence + b")" + singles + b")+)"
            )
        else:
            pattern = b"(?P<sequence>(?!))|(?P<run>" + singles + b"+)"
        self.token = re.compile(pattern, re.DOTALL)

    def _complete_end(self, data: bytes) -> int:
        """Where `data` stops being decidable: a trailing letter may still get its mark bytes."""
        if data and data[-1] in self.bases:
            return len(data) - 1
        if len(data) >= 2 and data[-2] in self.bases and data[-1] in self.extendable:
            return len(data) - 2
        return len(data)

    def decode(self, data: bytes, errors: str = "strict", final: bool = True) -> tuple[str, int]:
        """(text, bytes consumed); with `final` false, an unfinished letter at the end is left unread."""
        data = bytes(data)
        end = len(data) if final else self._complete_end(data)
        out: list[str] = []
        position = 0
        while position < end:
            match = self.token.match(data, position, end)
            if match is None:
                byte = data[position]
                reason = (
                    f"byte 0x{byte:02X} is a {self.label} mark but follows no letter it can go on"
                    if byte in self.marks
                    else f"byte 0x{byte:02X} is not assigned in {self.label}"
                )
                replacement, position = self._decode_error(data, position, reason, errors)
                out.append(replacement)
            elif match.group("run") is not None:
                out.append(match.group().decode("latin-1").translate(self.translation))
                position = match.end()
            else:
                sequence = match.group()
                for length in range(len(sequence), 1, -1):
                    letter = self.sequences.get(sequence[:length])
                    if letter is not None:
                        out.append(letter)
                        position += length
                        break
                else:  # the base letter stands alone; the mark after it is then reported as stray
                    out.append(self.singles[sequence[0]])
                    position += 1
        return "".join(out), end

    def _decode_error(self, data: bytes, position: int, reason: str, errors: str) -> tuple[str, int]:
        error = UnicodeDecodeError(self.name, data, position, position + 1, reason)
        if errors == "strict":
            raise error
        replacement, resume = codecs.lookup_error(errors)(error)
        return replacement, resume if resume >= 0 else len(data) + resume

    def encode(self, text: str, errors: str = "strict", *, lowercase_capitals: bool = False) -> tuple[bytes, int]:
        """(bytes, characters consumed) for NFC or NFD text; a letter and its combining marks go together."""
        end = len(text)
        out = bytearray()
        position = 0
        while position < end:
            ascii_run = _ASCII_RUN.match(text, position, end)
            if ascii_run:
                out += ascii_run.group().encode("ascii")
                position = ascii_run.end()
                continue
            cluster = _CLUSTER.match(text, position, end)
            assert cluster is not None
            char = unicodedata.normalize("NFC", cluster.group())
            code = self.encoding_table.get(char)
            if code is None and lowercase_capitals:
                code = self.encoding_table.get(char.lower())
            if code is not None:
                out += code
                position = cluster.end()
                continue
            error = UnicodeEncodeError(self.name, text, position, cluster.end(), self._cannot_encode(char))
            if errors == "strict":
                raise error
            replacement, resume = codecs.lookup_error(errors)(error)
            out += self.encode(replacement)[0] if isinstance(replacement, str) else replacement
            position = resume if resume >= 0 else len(text) + resume
        return bytes(out), end

    def _cannot_encode(self, char: str) -> str:
        shown = " ".join(f"U+{ord(c):04X}" for c in char)
        if char != char.lower() and char.lower() in self.encoding_table:
            return (
                f"{self.label} has no code for the capital {char!r} ({shown}); ABC-font documents wrote "
                f"{char.lower()!r} and showed it in an all-capitals font"
            )
        return f"{self.label} has no code for {char!r} ({shown})"

    def codec_info(self) -> codecs.CodecInfo:
        charset = self

        class IncrementalDecoder(codecs.BufferedIncrementalDecoder):
            def _buffer_decode(self, data: bytes, errors: str, final: bool) -> tuple[str, int]:
                return charset.decode(data, errors, final)

        class IncrementalEncoder(codecs.IncrementalEncoder):
            # Stateless: a text file never tells its encoder that the last write was final, so a letter
            # kept back for combining marks that might follow would be lost at close.
            def encode(self, text: str, final: bool = False) -> bytes:
                return charset.encode(text, self.errors)[0]

        return codecs.CodecInfo(
            name=self.name,
            encode=lambda text, errors="strict": self.encode(text, errors),
            decode=lambda data, errors="strict": self.decode(data, errors),
            incrementalencoder=IncrementalEncoder,
            incrementaldecoder=IncrementalDecoder,
        )


_ASCII_RUN = re.compile(r"(?:[\x00-\x7f](?![\u0300-\u036f]))+")
_CLUSTER = re.compile(r".[\u0300-\u036f]*", re.DOTALL)

_VNI_TABLE = _vni_bytes()
CHARSETS = {
    "tcvn3": _Charset("tcvn3", "TCVN3", _tcvn3_bytes()),
    "vni": _Charset("vni", "VNI", _VNI_TABLE, _vni_sequences(_VNI_TABLE)),
}
_ALIASES = {"tcvn3": "tcvn3", "tcvn_3": "tcvn3", "vni": "vni", "vni_windows": "vni"}


def _charset(encoding: str) -> _Charset:
    key = _ALIASES.get(encoding.lower().replace("-", "_"))
    if key is None:
        raise LookupError(f"unknown legacy Vietnamese encoding {encoding!r}; expected one of {sorted(CHARSETS)}")
    return CHARSETS[key]


def decode(data: bytes, encoding: str) -> str:
    """`data` in 'tcvn3' or 'vni' as NFC text; UnicodeDecodeError names the first byte that is not."""
    return _charset(encoding).decode(data)[0]


def encode(text: str, encoding: str, *, lowercase_capitals: bool = False) -> bytes:
    """NFC or NFD `text` as 'tcvn3' or 'vni' bytes.

    UnicodeEncodeError (a ValueError) names the character and its position when the encoding has no
    code for it: in TCVN3 every capital with a tone. `lowercase_capitals` writes those as their
    lowercase byte instead, as ABC-font documents did; decoding then gives the lowercase letter.
    """
    return _charset(encoding).encode(text, lowercase_capitals=lowercase_capitals)[0]


def _search(name: str) -> codecs.CodecInfo | None:
    key = _ALIASES.get(name)
    return CHARSETS[key].codec_info() if key else None


codecs.register(_search)
