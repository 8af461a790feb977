"""Sample evidence files: a few small PDFs behind the 2020 self-assessment of some units, so the appraisal view
has something to show on the first start.

Each PDF is built byte by byte (one page, one text block in the standard Helvetica font, a correct cross-
reference table), so the files are valid, tiny and identical on every run. The PDF's own text is plain
ASCII (the standard fonts have no Vietnamese letters); the file names and notes in ``evidence/manifest.csv``
carry the Vietnamese. Loaded by :func:`cchc.bootstrap.load_sample` through :func:`cchc.evidence.attach`, as
each unit's account.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

EVIDENCE_DIR = "evidence"
EVIDENCE_MANIFEST = "manifest.csv"
EVIDENCE_FIELDS = ("file", "unit", "year", "criterion", "note")
YEAR = 2020
#: (unit, criterion, file stem, note, the document's lines in the PDF)
DOCUMENTS: tuple[tuple[str, str, str, str, tuple[str, ...]], ...] = (
    ("SNV", "1.1", "ke-hoach-trien-khai-vb-qppl", "Kế hoạch triển khai thi hành văn bản QPPL năm 2020",
     ("SO NOI VU TINH HUNG YEN", "Ke hoach trien khai thi hanh van ban QPPL nam 2020", "(tai lieu mau)")),
    ("SNV", "2.2", "bao-cao-kiem-soat-tthc", "Báo cáo kết quả kiểm soát thủ tục hành chính năm 2020",
     ("SO NOI VU TINH HUNG YEN", "Bao cao ket qua kiem soat thu tuc hanh chinh nam 2020", "(tai lieu mau)")),
    ("STP", "1.2", "ket-qua-ra-soat-vb", "Kết quả rà soát, hệ thống hóa văn bản QPPL kỳ 2019–2020",
     ("SO TU PHAP TINH HUNG YEN", "Ket qua ra soat, he thong hoa van ban QPPL", "(tai lieu mau)")),
    ("STC", "5.1", "quy-che-chi-tieu-noi-bo", "Quy chế chi tiêu nội bộ sửa đổi năm 2020",
     ("SO TAI CHINH TINH HUNG YEN", "Quy che chi tieu noi bo (sua doi) nam 2020", "(tai lieu mau)")),
    ("TPHY", "4.2", "ke-hoach-dao-tao-boi-duong", "Kế hoạch đào tạo, bồi dưỡng cán bộ, công chức năm 2020",
     ("UBND THANH PHO HUNG YEN", "Ke hoach dao tao, boi duong can bo, cong chuc nam 2020", "(tai lieu mau)")),
)


@dataclass(frozen=True)
class EvidenceEntry:
    file: str  # relative to the sample folder
    unit: str
    year: int
    criterion: str
    note: str


def pdf_bytes(lines: tuple[str, ...]) -> bytes:
    """A one-page A4 PDF showing ``lines`` (ASCII) in Helvetica, with a correct cross-reference table."""
    text = " ".join(f"({line.replace('(', '[').replace(')', ']')}) Tj 0 -22 Td" for line in lines)
    stream = f"BT /F1 14 Tf 72 760 Td {text} ET".encode("ascii")
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> >>"
               b" /Contents 5 0 R >>", b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
               b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream)]
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def write_evidence(out: Path) -> list[EvidenceEntry]:
    """Write ``evidence/<unit>_<criterion>_<stem>.pdf`` for every sample document, and their manifest."""
    folder = out / EVIDENCE_DIR
    folder.mkdir(parents=True, exist_ok=True)
    entries = []
    for unit, criterion, stem, note, lines in DOCUMENTS:
        name = f"{EVIDENCE_DIR}/{unit}_{criterion}_{stem}.pdf"
        (out / name).write_bytes(pdf_bytes(lines))
        entries.append(EvidenceEntry(name, unit, YEAR, criterion, note))
    with (folder / EVIDENCE_MANIFEST).open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(EVIDENCE_FIELDS)
        writer.writerows((e.file, e.unit, e.year, e.criterion, e.note) for e in entries)
    return entries


def read_evidence_manifest(path: Path) -> list[EvidenceEntry]:
    with path.open(encoding="utf-8", newline="") as f:
        return [EvidenceEntry(r["file"], r["unit"], int(r["year"]), r["criterion"], r["note"])
                for r in csv.DictReader(f)]
