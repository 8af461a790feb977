"""The OLE formats: an .xls (its BIFF records walked for extents) and an OOXML file encrypted into an OLE
container (refused as encrypted)."""

from __future__ import annotations

import io
import struct

import olefile

from cchc.guard import Refused, check_area, corrupt
from cchc.report import make_issue

# BIFF records: BOF, EOF, FILEPASS, BOUNDSHEET, DIMENSIONS; cells with (row, column) first; MULRK/MULBLANK
_BOF, _EOF, _FILEPASS, _BOUNDSHEET, _DIMENSIONS = 0x0809, 0x000A, 0x002F, 0x0085, 0x0200
_CELLS = frozenset({0x0006, 0x00D6, 0x00FD, 0x0201, 0x0203, 0x0204, 0x0205, 0x027E})
_CELL_RUNS = frozenset({0x00BD, 0x00BE})


def check_ole(data: bytes, lang: str) -> None:
    """Refuse an encrypted workbook, a non-workbook OLE file (.doc) and an .xls whose records are out of bounds."""
    try:
        ole = olefile.OleFileIO(io.BytesIO(data))
        if ole.exists("EncryptionInfo") or ole.exists("EncryptedPackage"):
            raise Refused(make_issue("encrypted", lang=lang))
        stream = next((s for s in ("Workbook", "Book") if ole.exists(s)), None)
        if stream is None:
            raise Refused(make_issue("not-a-workbook", lang=lang))
        biff = ole.openstream(stream).read(len(data))
    except Refused:
        raise
    except Exception:  # olefile reports damage with many exception types
        raise corrupt("ole", lang) from None
    _check_biff(biff, lang)


def _check_biff(biff: bytes, lang: str) -> None:
    """Walk the BIFF records: FILEPASS right after the first BOF means encrypted; each sheet's DIMENSIONS and
    cells must make a sane rectangle (calamine reserves it before reading a cell)."""
    names: dict[int, str] = {}
    pos, end, sheet, first, cells = 0, len(biff), "", True, [65536, 0, 256, 0]  # rows min/max, columns min/max
    while pos + 4 <= end:
        kind, size = struct.unpack_from("<HH", biff, pos)
        at, pos = pos + 4, pos + 4 + size
        if pos > end:
            break
        if kind == _BOF:
            sheet, cells = names.get(at - 4, ""), [65536, 0, 256, 0]
        elif kind == _FILEPASS and first:
            raise Refused(make_issue("encrypted", lang=lang))
        elif kind == _BOUNDSHEET and size >= 8:
            names[struct.unpack_from("<I", biff, at)[0]] = _sheet_name(biff[at:pos])
        elif kind == _DIMENSIONS and size in (10, 14):
            row_min, row_max, col_min, col_max = struct.unpack_from("<IIHH" if size == 14 else "<HHHH", biff, at)
            if row_min > row_max or col_min > col_max or row_max > 65536 or col_max > 256:
                raise corrupt("ole", lang)
            check_area(sheet, row_max - row_min, col_max - col_min, lang)
        elif (kind in _CELLS or kind in _CELL_RUNS) and size >= 6:
            row, col = struct.unpack_from("<HH", biff, at)
            last = struct.unpack_from("<H", biff, pos - 2)[0] if kind in _CELL_RUNS else col
            cells = [min(cells[0], row), max(cells[1], row), min(cells[2], col), max(cells[3], last)]
        elif kind == _EOF and cells[1] >= cells[0]:
            check_area(sheet, cells[1] - cells[0] + 1, cells[3] - cells[2] + 1, lang)
        first = first and kind == _BOF


def _sheet_name(body: bytes) -> str:
    """A BOUNDSHEET record's sheet name (BIFF8: 8-bit strings are Latin-1, 16-bit ones UTF-16)."""
    length, wide = body[6], body[7] & 1
    return body[8:8 + length * (2 if wide else 1)].decode("utf-16-le" if wide else "latin-1", errors="replace")
