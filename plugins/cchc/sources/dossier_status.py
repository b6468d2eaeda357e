"""What a dossier's status says, in the words one-stop systems and the national portal use.

Two places carry a status. A status column ("Trạng thái", the portal's `TrangThaiHoSo`) is kept in
staging with its class and checked against the dates. And clerks write a status where the result
date would go ("Đang xử lý", "Quá hạn", "Chờ bổ sung"): in a result-date column those words mean no
result yet, so the dossier is pending and the row is reported, not quarantined.

Classes:
  - `resolved`: the result exists (Đã xử lý xong, Đã trả kết quả; portal codes 9 and 10);
  - `pending`: received and not yet resolved (Đang xử lý, Chờ bổ sung, Quá hạn; codes 2, 4, 5, 6);
  - `stopped`: withdrawn, refused or stopped (Rút hồ sơ, Không tiếp nhận, Dừng xử lý; codes 3, 7, 8);
  - `not_received`: registered online but not yet received by the desk (code 1).
The portal's codes are the ones its sync interface gives `TrangThaiHoSo` (1 mới đăng ký, 2 được tiếp
nhận, 3 không được tiếp nhận, 4 đang xử lý, 5 yêu cầu bổ sung, 6 yêu cầu thực hiện nghĩa vụ tài
chính, 7 công dân yêu cầu rút, 8 dừng xử lý, 9 đã xử lý xong, 10 đã trả kết quả).
"""

from __future__ import annotations

import pandas as pd

from cchc.sources.text import fold

STATUS_CLASSES = ("resolved", "pending", "stopped", "not_received")

_WORDS: dict[str, tuple[str, ...]] = {
    "resolved": (
        "9",
        "10",
        "da_xu_ly_xong",
        "da_xu_ly",
        "da_giai_quyet",
        "da_giai_quyet_xong",
        "da_co_ket_qua",
        "co_ket_qua",
        "hoan_thanh",
        "da_hoan_thanh",
        "da_tra_ket_qua",
        "da_tra",
        "cho_tra_ket_qua",
        "dung_han",
        "truoc_han",
        "da_giai_quyet_qua_han",
        "resolved",
    ),
    "pending": (
        "2",
        "4",
        "5",
        "6",
        "da_tiep_nhan",
        "moi_tiep_nhan",
        "dang_xu_ly",
        "dang_giai_quyet",
        "chua_giai_quyet",
        "chua_xu_ly",
        "chua_co_ket_qua",
        "chua_tra_ket_qua",
        "cho_xu_ly",
        "cho_bo_sung",
        "cho_bo_sung_ho_so",
        "yeu_cau_bo_sung",
        "dang_bo_sung",
        "cho_thuc_hien_nghia_vu_tai_chinh",
        "qua_han",
        "dang_xu_ly_qua_han",
        "tam_dung",
        "pending",
    ),
    "stopped": (
        "3",
        "7",
        "8",
        "khong_duoc_tiep_nhan",
        "khong_tiep_nhan",
        "tu_choi",
        "da_tu_choi",
        "rut_ho_so",
        "da_rut",
        "cong_dan_rut_ho_so",
        "dung_xu_ly",
        "da_huy",
        "huy",
    ),
    "not_received": ("1", "moi_dang_ky", "cho_tiep_nhan"),
}
_CLASS_BY_KEY = {key: status for status, keys in _WORDS.items() for key in keys}

# Words a clerk writes in a result-date column instead of a date, all meaning "no result yet".
PENDING_WORDS = frozenset(key for key in _WORDS["pending"] if not key.isdigit())


def status_class(values: pd.Series) -> pd.Series:
    """The class of each status text ('resolved', 'pending', 'stopped', 'not_received'), NA where the
    text is empty or not a status we know. Whole numbers written as '9.0' (a spreadsheet) count as '9'."""
    text = values.astype("string").str.strip().str.replace(r"^(\d+)\.0+$", r"\1", regex=True)
    codes, distinct = pd.factorize(text)
    classes = pd.array([_CLASS_BY_KEY.get(fold(value)) for value in distinct], dtype="string")
    return pd.Series(classes.take(codes, allow_fill=True), index=values.index, dtype="string")


def pending_word(values: pd.Series) -> pd.Series:
    """True where a date column holds a status word meaning no result yet ('Đang xử lý', 'Quá hạn')."""
    text = values.astype("string")
    # Dates start with a digit: only the other texts, a few at most, are worth folding.
    words = text[~text.str.slice(0, 1).isin(list("0123456789")).fillna(True).astype(bool) & (text != "")]
    found = pd.Series(False, index=values.index)
    if words.empty:
        return found
    codes, distinct = pd.factorize(words)
    hits = pd.array([fold(value) in PENDING_WORDS for value in distinct] + [False], dtype="bool")
    found[words.index] = hits[codes]
    return found
