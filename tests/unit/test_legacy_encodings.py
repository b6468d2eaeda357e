from __future__ import annotations

import codecs
import unicodedata
from pathlib import Path

import pytest

from cchc.sources.legacy_encodings import decode, encode

pytestmark = pytest.mark.unit

# Built here from the alphabet rather than taken from the module, so the tables are checked against
# an independent list: 12 vowels x 6 tones in both cases, then đ and Đ.
TONES = ("", "\u0300", "\u0301", "\u0309", "\u0303", "\u0323")
LOWERCASE = [unicodedata.normalize("NFC", vowel + tone) for vowel in "aăâeêioôơuưy" for tone in TONES] + ["đ"]
UPPERCASE = [letter.upper() for letter in LOWERCASE]
TONED_CAPITALS = [letter for letter in UPPERCASE if set(unicodedata.normalize("NFD", letter)) & set(TONES[1:])]
ASCII = "".join(chr(code) for code in range(0x80))


def test_the_alphabet_has_the_expected_size() -> None:
    assert len(set(LOWERCASE)) == len(set(UPPERCASE)) == 73
    assert len([letter for letter in LOWERCASE if not letter.isascii()]) == 67
    assert len(TONED_CAPITALS) == 60


@pytest.mark.parametrize("letter", LOWERCASE + UPPERCASE)
def test_vni_round_trips_every_letter(letter: str) -> None:
    data = encode(letter, "vni")

    assert decode(data, "vni") == letter
    assert encode(unicodedata.normalize("NFD", letter), "vni") == data


@pytest.mark.parametrize("letter", [*LOWERCASE, *(letter for letter in UPPERCASE if letter not in TONED_CAPITALS)])
def test_tcvn3_round_trips_every_letter_it_has(letter: str) -> None:
    data = encode(letter, "tcvn3")

    assert len(data) == 1
    assert decode(data, "tcvn3") == letter
    assert encode(unicodedata.normalize("NFD", letter), "tcvn3") == data


@pytest.mark.parametrize("encoding", ["tcvn3", "vni"])
def test_ascii_is_unchanged(encoding: str) -> None:
    assert encode(ASCII, encoding) == ASCII.encode("ascii")
    assert decode(ASCII.encode("ascii"), encoding) == ASCII


@pytest.mark.parametrize("encoding", ["tcvn3", "vni"])
def test_every_byte_pattern_of_a_letter_is_distinct(encoding: str) -> None:
    letters = LOWERCASE + UPPERCASE if encoding == "vni" else [*LOWERCASE, "Ă", "Â", "Ê", "Ô", "Ơ", "Ư", "Đ"]
    codes = [encode(letter, encoding) for letter in letters]

    assert len(set(codes)) == len(set(letters))


# Expected bytes read off the published charts, not computed: TCVN3 from the TCVN 5712:1993 "VN3"
# code chart (as shown in Wikipedia's "VSCII" article: à ả ã á ạ at 0xB5-0xB9, ă â ê ô ơ ư đ at
# 0xA8-0xAE, capitals Ă Â Ê Ô Ơ Ư Đ at 0xA1-0xA7); VNI from the VNI-Windows chart (as in the Vietnamese
# Unicode project's "Unicode & Vietnamese Legacy Character Encodings" table: 'ế' is e + 0xE1 'á',
# 'ặ' is a + 0xEB 'ë', 'ư' is 0xF6 'ö', capitals use the Latin-1 capitals 0x20 lower).
@pytest.mark.parametrize(
    ("letter", "tcvn3", "vni"),
    [
        ("à", b"\xb5", b"a\xf8"),
        ("ả", b"\xb6", b"a\xfb"),
        ("ã", b"\xb7", b"a\xf5"),
        ("á", b"\xb8", b"a\xf9"),
        ("ạ", b"\xb9", b"a\xef"),
        ("ă", b"\xa8", b"a\xea"),
        ("ặ", b"\xc6", b"a\xeb"),
        ("â", b"\xa9", b"a\xe2"),
        ("ấ", b"\xca", b"a\xe1"),
        ("ế", b"\xd5", b"e\xe1"),
        ("ệ", b"\xd6", b"e\xe4"),
        ("ì", b"\xd7", b"\xec"),
        ("ĩ", b"\xdc", b"\xf3"),
        ("ò", b"\xdf", b"o\xf8"),
        ("ồ", b"\xe5", b"o\xe0"),
        ("ơ", b"\xac", b"\xf4"),
        ("ờ", b"\xea", b"\xf4\xf8"),
        ("ư", b"\xad", b"\xf6"),
        ("ự", b"\xf9", b"\xf6\xef"),
        ("ý", b"\xfd", b"y\xf9"),
        ("ỵ", b"\xfe", b"y\xee"),
        ("đ", b"\xae", b"\xf1"),
        ("Đ", b"\xa7", b"\xd1"),
        ("Ă", b"\xa1", b"A\xca"),
        ("Ơ", b"\xa5", b"\xd4"),
        ("Ư", b"\xa6", b"\xd6"),
    ],
)
def test_bytes_match_the_published_charts(letter: str, tcvn3: bytes, vni: bytes) -> None:
    assert encode(letter, "tcvn3") == tcvn3
    assert encode(letter, "vni") == vni


def test_vni_capitals_use_the_capital_mark_bytes() -> None:
    assert encode("Ế", "vni") == b"E\xc1"
    assert encode("Ự", "vni") == b"\xd6\xcf"
    assert encode("Í", "vni") == b"\xcd"


def test_decodes_known_tcvn3_text() -> None:
    assert decode(b"M\xb7 h\xe5 s\xac", "tcvn3") == "Mã hồ sơ"
    assert decode(b"Ph\xad\xeang H\xdfa Hi\xd6p B\xbec", "tcvn3") == "Phường Hòa Hiệp Bắc"
    assert decode(b"\xa7\xe9i ki\xd3m tra", "tcvn3") == "Đội kiểm tra"


def test_decodes_vni_text_typed_by_hand_from_the_chart() -> None:
    assert decode(b"Ho\xe4 t\xf2ch", "vni") == "Hộ tịch"
    assert decode(b"Tr\xf6\xefc tuye\xe1n", "vni") == "Trực tuyến"
    assert decode(b"\xd1a\xe1t \xf1ai", "vni") == "Đất đai"


def test_decoded_text_is_nfc() -> None:
    text = "Người dân phường Hòa Hiệp Bắc nộp hồ sơ trực tuyến"
    for encoding in ("tcvn3", "vni"):
        decoded = decode(encode(unicodedata.normalize("NFD", text), encoding), encoding)
        assert decoded == text
        assert unicodedata.is_normalized("NFC", decoded)


def test_tcvn3_has_no_toned_capitals() -> None:
    for capital in TONED_CAPITALS:
        with pytest.raises(UnicodeEncodeError):
            encode(capital, "tcvn3")


def test_unencodable_character_is_named_with_its_position() -> None:
    with pytest.raises(ValueError, match="TCVN3 has no code for the capital 'Ủ'") as caught:
        encode("Mã số: Ủy ban", "tcvn3")
    assert isinstance(caught.value, UnicodeEncodeError)
    assert (caught.value.start, caught.value.end) == (7, 8)
    assert "position 7" in str(caught.value)

    with pytest.raises(UnicodeEncodeError, match="VNI has no code for 'ñ'") as caught:
        encode("Hồ sơ ñ", "vni")
    assert caught.value.start == 6


def test_position_counts_characters_of_decomposed_input() -> None:
    with pytest.raises(UnicodeEncodeError) as caught:
        encode(unicodedata.normalize("NFD", "hồ ©"), "vni")  # h, o, circumflex, grave, space, ©
    assert caught.value.start == 5


def test_toned_capitals_may_be_written_as_abc_fonts_did() -> None:
    data = encode("Ủy ban xã Ấp Bắc", "tcvn3", lowercase_capitals=True)

    assert data == encode("ủy ban xã ấp Bắc", "tcvn3")
    assert decode(data, "tcvn3") == "ủy ban xã ấp Bắc"


def test_vni_accepts_looser_spellings_of_a_letter() -> None:
    assert decode(b"a\xe2\xf9", "vni") == "ấ"  # circumflex and acute as two bytes
    assert decode(b"A\xe1", "vni") == "Ấ"  # the letter decides the case
    assert decode(b"a\xc1", "vni") == "ấ"
    assert decode(b"\xd6\xf8", "vni") == "Ừ"


@pytest.mark.parametrize(
    ("encoding", "data", "position", "reason"),
    [
        ("vni", b"Ma\xf5 x\xe2", 5, "follows no letter"),  # circumflex after 'x'
        ("vni", b"i\xf8", 1, "follows no letter"),  # toned i has its own byte
        ("vni", b"ab\xb5", 2, "not assigned in VNI"),  # a TCVN3 letter
        ("tcvn3", b"H\xe0 N\xe9i", 1, "not assigned in TCVN3"),  # Windows-1258 'à'
        ("tcvn3", b"\x81", 0, "not assigned in TCVN3"),
    ],
)
def test_undecodable_bytes_are_named_with_their_position(
    encoding: str, data: bytes, position: int, reason: str
) -> None:
    with pytest.raises(UnicodeDecodeError, match=reason) as caught:
        decode(data, encoding)
    assert caught.value.start == position
    assert caught.value.encoding == encoding


def test_unknown_encoding() -> None:
    with pytest.raises(LookupError):
        encode("a", "viscii")


@pytest.mark.parametrize("encoding", ["tcvn3", "vni"])
def test_incremental_decoder_handles_letters_split_across_chunks(encoding: str) -> None:
    text = "Ấp Bắc, phường Hòa Hiệp Bắc: hồ sơ trực tuyến, người ở huyện, ỵ ấ"
    if encoding == "tcvn3":
        text = text.replace("Ấ", "ấ")
    data = encode(text, encoding)
    for cut in range(len(data) + 1):
        decoder = codecs.getincrementaldecoder(encoding)()
        assert decoder.decode(data[:cut]) + decoder.decode(data[cut:], final=True) == text, cut
    decoder = codecs.getincrementaldecoder(encoding)()
    byte_by_byte = "".join(decoder.decode(data[i : i + 1]) for i in range(len(data))) + decoder.decode(b"", final=True)
    assert byte_by_byte == text


def test_incremental_decoder_keeps_an_unfinished_letter_for_the_next_chunk() -> None:
    decoder = codecs.getincrementaldecoder("vni")()

    assert decoder.decode(b"Hoa") == "Ho"
    assert decoder.getstate() == (b"a", 0)
    assert decoder.decode(b"\xe2") == ""  # a circumflex may still get its tone byte
    assert decoder.decode(b"\xf9n") == "ấn"
    assert decoder.decode(b"", final=True) == ""


def test_text_files_written_in_pieces_are_complete(tmp_path: Path) -> None:
    path = tmp_path / "notes.csv"
    with path.open("w", encoding="vni", newline="") as handle:
        for piece in ("Hộ", " tịch", "\r\n", unicodedata.normalize("NFD", "Đất đai"), "\r\n"):
            handle.write(piece)

    assert path.read_bytes() == b"Ho\xe4 t\xf2ch\r\n\xd1a\xe1t \xf1ai\r\n"


def test_registered_as_python_codecs(tmp_path: Path) -> None:
    assert codecs.lookup("VNI-Windows").name == "vni"
    assert codecs.lookup("TCVN3").name == "tcvn3"
    assert b"Tr\xf6\xefc tuye\xe1n".decode("vni") == "Trực tuyến"
    assert "Bưu chính".encode("tcvn3") == b"B\xadu ch\xddnh"

    path = tmp_path / "dossiers.csv"
    path.write_text("Mã hồ sơ,Lĩnh vực\r\n00001,Hộ tịch\r\n", encoding="vni", newline="")
    assert path.read_bytes().startswith(b"Ma\xf5 ho\xe0 s\xf4")
    with path.open(encoding="vni", newline="") as handle:
        assert handle.read() == "Mã hồ sơ,Lĩnh vực\r\n00001,Hộ tịch\r\n"


def test_error_handlers_work_as_for_other_codecs() -> None:
    assert b"x\xe2y".decode("vni", errors="replace") == "x\ufffdy"
    assert b"H\xe0".decode("tcvn3", errors="ignore") == "H"
    assert "Ủy ban".encode("tcvn3", errors="replace") == b"?y ban"
