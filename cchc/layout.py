"""The reporting workbook's layout: sheet names, header texts and labels shared by writer and reader.

The reader never relies on positions: it finds sheets and columns by these texts, compared with
:func:`fold` (case-, spacing- and diacritics-insensitive).
"""

from __future__ import annotations

import re
import unicodedata

TEMPLATE_VERSION = "2016.1"
ACCEPTED_TEMPLATE_VERSIONS: frozenset[str] = frozenset({TEMPLATE_VERSION})

SHEET_GUIDE = "Hướng dẫn"
SHEET_INFO = "Thông tin"
SHEET_DATA = "Số liệu"

COL_CODE = "Mã chỉ tiêu"
COL_NAME = "Tên chỉ tiêu"
COL_UNIT = "Đơn vị tính"
COL_NUMERATOR = "Tử số"
COL_DENOMINATOR = "Mẫu số"
COL_VALUE = "Giá trị"
COL_NOTE = "Ghi chú"
DATA_COLUMNS: tuple[str, ...] = (COL_CODE, COL_NAME, COL_UNIT, COL_NUMERATOR, COL_DENOMINATOR, COL_VALUE, COL_NOTE)
REQUIRED_COLUMNS: tuple[str, ...] = (COL_CODE, COL_NUMERATOR, COL_DENOMINATOR, COL_VALUE)

INFO_UNIT_CODE = "Mã đơn vị"
INFO_UNIT_NAME = "Tên đơn vị"
INFO_PERIOD = "Kỳ báo cáo"
INFO_VERSION = "Phiên bản biểu mẫu"
INFO_REPORTER = "Người báo cáo"
INFO_DATE = "Ngày báo cáo"
INFO_LABELS: tuple[str, ...] = (INFO_UNIT_CODE, INFO_UNIT_NAME, INFO_PERIOD, INFO_VERSION, INFO_REPORTER, INFO_DATE)

YES = "Có"
NO = "Không"


def fold(text: object) -> str:
    """Fold a label for comparison: no diacritics (đ → d), lower case, single spaces, trimmed."""
    decomposed = unicodedata.normalize("NFD", str(text).replace("đ", "d").replace("Đ", "D"))
    bare = "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")
    return re.sub(r"\s+", " ", bare).strip().lower()
