from decimal import Decimal

import pytest

from cchc.reports.terminal import indicator_table

pytestmark = pytest.mark.unit


def test_codes_keep_leading_zeros_and_missing_figures_show_as_dash():
    rows = [
        ("01", "Thành phố Hà Nội", "province", 10, 4, 9, 1, 8, 0, 1, 0, Decimal("100.00"), Decimal("40.00")),
        ("00004", "Phường Trúc Bạch", "commune", None, None, None, None, None, None, None, None, None, None),
    ]
    lines = indicator_table(rows).splitlines()
    assert lines[2].split()[0] == "01"
    assert lines[3].split()[0] == "00004"
    assert lines[3].split()[-1] == "-"
    assert lines[2].split()[-2:] == ["100.00", "40.00"]
