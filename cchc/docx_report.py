"""The synthesis report as a Word document in the layout of a Vietnamese administrative report.

Layout after Nghị định 30/2020/NĐ-CP: A4 portrait, margins 20/20/30/15 mm, Times New Roman 14 (tables 12),
page numbers centred at the top; the issuing body and the national motto side by side, number and date left
for the writer, then the title, sections I–IV, recipients and signature. Figures are written the Vietnamese
way (``1.234,5``); charts are drawn with matplotlib from the same rows the dashboard's charts use.
"""

from __future__ import annotations

import io

import pandas as pd
from docx import Document
from docx.document import Document as Doc
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from docx.table import Table
from docx.text.paragraph import Paragraph
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from cchc.frames import tuples
from cchc.i18n import status_label
from cchc.labels import STATUS_COLOURS, block_vi, status_vi
from cchc.numbers import number_text
from cchc.synthesis import AreaSection, Synthesis

FONT = "Times New Roman"
BODY_PT, TABLE_PT = 14, 12
PLACEHOLDER = "[Phần này do người soạn thảo viết: nhận định, nguyên nhân và giải pháp.]"
ROMAN = ("I", "II", "III", "IV")


def report_docx(report: Synthesis) -> bytes:
    """The document as .docx bytes."""
    doc = Document()
    _page_setup(doc)
    _masthead(doc)
    what = report.period.label_vi.lower() if report.period.kind != "year" else f"năm {report.period.year}"
    _paragraph(doc, "BÁO CÁO", bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, before=12)
    _paragraph(doc, f"Kết quả thực hiện công tác cải cách hành chính {what}", bold=True,
               align=WD_ALIGN_PARAGRAPH.CENTER, after=12)
    basis = "các báo cáo đã được Sở Nội vụ duyệt" if report.official else \
        "báo cáo hợp lệ mới nhất của các cơ quan, đơn vị (không tính báo cáo bị trả lại)"
    _paragraph(doc, "Thực hiện Kế hoạch cải cách hành chính tỉnh Hưng Yên giai đoạn 2016–2020 ban hành kèm theo "
               "Quyết định số 1605/QĐ-UBND ngày 04/8/2016 của UBND tỉnh, Sở Nội vụ tổng hợp kết quả thực hiện "
               f"{what} từ {basis} như sau:", indent=True)
    _results(doc, report)
    _ranking(doc, report)
    _discipline(doc, report)
    _heading(doc, f"{ROMAN[3]}. TỒN TẠI, HẠN CHẾ VÀ ĐỀ XUẤT, KIẾN NGHỊ")
    for title in ("1. Tồn tại, hạn chế và nguyên nhân", "2. Nhiệm vụ trọng tâm thời gian tới",
                  "3. Đề xuất, kiến nghị"):
        _paragraph(doc, title, bold=True, indent=True)
        _paragraph(doc, PLACEHOLDER, italic=True, indent=True)
    _closing(doc)
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


# -- sections --------------------------------------------------------------------------------------------------
def _results(doc: Doc, report: Synthesis) -> None:
    _heading(doc, f"{ROMAN[0]}. KẾT QUẢ THỰC HIỆN CÁC NHIỆM VỤ CẢI CÁCH HÀNH CHÍNH")
    for block in report.blocks:
        cards = report.cards[block]
        _paragraph(doc, f"Khối {block_vi(block).lower()}: trong {cards.total} chỉ tiêu có số trong Kế hoạch, "
                   f"{cards.achieved} chỉ tiêu đã đạt, {cards.not_achieved} không đạt, {cards.on_track} đúng tiến "
                   f"độ, {cards.behind} chậm tiến độ, {cards.no_data} chưa có số liệu.", indent=True)
        doc.add_picture(io.BytesIO(_chart_png(report.block_targets[block], block_vi(block))), width=Mm(150))
        doc.paragraphs[-1].alignment = WD_ALIGN_PARAGRAPH.CENTER
    for number, area in enumerate(report.areas, start=1):
        _area(doc, number, area, report.blocks)


def _area(doc: Doc, number: int, area: AreaSection, blocks: tuple[str, ...]) -> None:
    _paragraph(doc, f"{number}. {area.name}", bold=True, indent=True, before=6)
    _paragraph(doc, "Nhiệm vụ theo Kế hoạch: " + " ".join(area.tasks), italic=True, indent=True)
    headers = ["Mã", "Chỉ tiêu", "Mục tiêu 2020"]
    for block in blocks:
        headers += [f"Khối {block_vi(block).lower()}", "Đánh giá"]
    rows = [[r.indicator, r.name, r.target,
             *(cell for b in blocks for cell in (_percent(getattr(r, f"value_{b}")),
                                                 status_label(getattr(r, f"status_{b}"))))]
            for r in tuples(area.targets)]
    _table(doc, headers, rows, widths=[13, 50, 17, *([17, 21] * len(blocks))])
    for block in blocks:
        behind = ", ".join(area.behind[block]) or "không có"
        ahead = ", ".join(area.ahead[block]) or "không có"
        _paragraph(doc, f"Khối {block_vi(block).lower()} — đơn vị còn chỉ tiêu không đạt hoặc chậm tiến độ: "
                   f"{behind}; đơn vị đạt mọi chỉ tiêu đã báo cáo: {ahead}.", indent=True)


def _ranking(doc: Doc, report: Synthesis) -> None:
    _heading(doc, f"{ROMAN[1]}. KẾT QUẢ XÁC ĐỊNH CHỈ SỐ CẢI CÁCH HÀNH CHÍNH NĂM {report.ranking_year}")
    for block in report.blocks:
        table = report.rankings[block]
        _paragraph(doc, f"Khối {block_vi(block).lower()}", bold=True, indent=True)
        if table.empty:
            _paragraph(doc, f"Chưa có điểm Chỉ số CCHC năm {report.ranking_year}.", italic=True, indent=True)
            continue
        rows = [[str(r.rank), r.unit, _percent(r.index), r.tier] for r in tuples(table)]
        _table(doc, ["Xếp hạng", "Cơ quan, đơn vị", "Chỉ số CCHC (%)", "Xếp loại"], rows, widths=[22, 90, 30, 28])


def _discipline(doc: Doc, report: Synthesis) -> None:
    _heading(doc, f"{ROMAN[2]}. VIỆC THỰC HIỆN CHẾ ĐỘ BÁO CÁO")
    for block in report.blocks:
        d = report.discipline[block]
        late, missing = ", ".join(d.late) or "không có", ", ".join(d.missing) or "không có"
        _paragraph(doc, f"Khối {block_vi(block).lower()}: {d.expected} cơ quan, đơn vị phải báo cáo; {d.on_time} "
                   f"báo cáo đúng hạn, {len(d.late)} nộp muộn ({late}), {len(d.missing)} chưa nộp ({missing}).",
                   indent=True)


def _closing(doc: Doc) -> None:
    table = _fixed(doc.add_table(rows=1, cols=2), [82, 83])
    left, right = table.rows[0].cells
    _cell_text(left, "Nơi nhận:", bold=True, italic=True, size=12)
    for line in ("- UBND tỉnh (để báo cáo);", "- Bộ Nội vụ (để báo cáo);", "- Lưu: VT, CCHC."):
        _cell_text(left, line, size=11, new=True)
    _cell_text(right, "GIÁM ĐỐC", bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    _cell_text(right, "(Ký, ghi rõ họ tên)", italic=True, align=WD_ALIGN_PARAGRAPH.CENTER, new=True)


# -- chart -------------------------------------------------------------------------------------------------------
def _chart_png(targets: pd.DataFrame, block_name: str) -> bytes:
    """Each plan target of the block: the value as a bar in its status colour, the target as a tick."""
    rows = targets.iloc[::-1]
    fig = Figure(figsize=(7.5, 0.2 * len(rows) + 1.1), dpi=150)
    ax = fig.subplots()
    ax.barh(rows["indicator"], rows["value"].fillna(0), color=[STATUS_COLOURS[s] for s in rows["status"]])
    ax.scatter(rows["target"], rows["indicator"], marker="|", s=160, color="#1A1A1A", label="Mục tiêu", zorder=3)
    ax.set_xlim(0, 105)
    ax.set_xlabel("%")
    ax.set_title(f"Các chỉ tiêu của Kế hoạch – khối {block_name.lower()}", fontsize=11)
    shown = list(dict.fromkeys(rows["status"]))
    handles = [Rectangle((0, 0), 1, 1, color=STATUS_COLOURS[s]) for s in shown]
    ax.legend([*handles, ax.collections[0]], [*(status_vi(s) for s in shown), "Mục tiêu"], fontsize=7,
              loc="upper center", bbox_to_anchor=(0.5, -0.12), ncol=len(shown) + 1, frameon=False)
    ax.tick_params(labelsize=8)
    fig.tight_layout()
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    return buffer.getvalue()


# -- building blocks ---------------------------------------------------------------------------------------------
def _percent(value: float) -> str:
    return number_text(round(value, 1) if pd.notna(value) else value)


def _page_setup(doc: Doc) -> None:
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(20), Mm(20)
    section.left_margin, section.right_margin = Mm(30), Mm(15)
    style = doc.styles["Normal"]
    style.font.name, style.font.size = FONT, Pt(BODY_PT)
    style.element.rPr.rFonts.set(qn("w:eastAsia"), FONT)
    header = section.header.paragraphs[0]
    header.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _page_field(header)


def _page_field(paragraph: Paragraph) -> None:
    """A PAGE field: Word and LibreOffice write the page number there."""
    run = paragraph.add_run()
    for kind, text in (("begin", None), (None, "PAGE"), ("separate", None), (None, "1"), ("end", None)):
        if kind:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
        else:
            element = OxmlElement("w:instrText" if text == "PAGE" else "w:t")
            element.text = text
        run._r.append(element)
    run.font.size = Pt(13)


def _masthead(doc: Doc) -> None:
    table = _fixed(doc.add_table(rows=1, cols=2), [62, 103])
    left, right = table.rows[0].cells
    for cell, lines in ((left, [("UBND TỈNH HƯNG YÊN", False, False), ("SỞ NỘI VỤ", True, False),
                                 ("Số: …/BC-SNV", False, False)]),
                        (right, [("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", True, False),
                                 ("Độc lập - Tự do - Hạnh phúc", True, False),
                                 ("Hưng Yên, ngày … tháng … năm …", False, True)])):
        for n, (text, bold, italic) in enumerate(lines):
            _cell_text(cell, text, bold=bold, italic=italic, size=13, align=WD_ALIGN_PARAGRAPH.CENTER, new=n > 0)
    right.paragraphs[1].runs[0].underline = True


def _heading(doc: Doc, text: str) -> None:
    _paragraph(doc, text, bold=True, before=12, after=6)


def _paragraph(doc: Doc, text: str, *, bold: bool = False, italic: bool = False,
               align: WD_ALIGN_PARAGRAPH = WD_ALIGN_PARAGRAPH.JUSTIFY, indent: bool = False, before: int = 0,
               after: int = 6) -> Paragraph:
    paragraph = doc.add_paragraph()
    run = paragraph.add_run(text)
    run.bold, run.italic = bold, italic
    paragraph.alignment = align
    form = paragraph.paragraph_format
    form.space_before, form.space_after = Pt(before), Pt(after)
    if indent:
        form.first_line_indent = Mm(10)
    return paragraph


def _cell_text(cell, text: str, *, bold: bool = False, italic: bool = False, size: int = TABLE_PT,
               align: WD_ALIGN_PARAGRAPH = WD_ALIGN_PARAGRAPH.LEFT, new: bool = False) -> None:
    paragraph = cell.add_paragraph() if new else cell.paragraphs[0]
    run = paragraph.add_run(text)
    run.bold, run.italic, run.font.size = bold, italic, Pt(size)
    paragraph.alignment = align
    paragraph.paragraph_format.space_after = Pt(0)


def _fixed(table: Table, widths: list[float]) -> Table:
    """Column widths (mm, scaled to the 165 mm of text width) that Word and LibreOffice both keep."""
    table.autofit = False
    scale = 165 / sum(widths)
    for column, width in zip(table.columns, widths, strict=True):
        column.width = Mm(width * scale)
        for cell in column.cells:
            cell.width = Mm(width * scale)
    return table


def _table(doc: Doc, headers: list[str], rows: list[list[str]], widths: list[float]) -> Table:
    table = doc.add_table(rows=1, cols=len(headers))
    table.style, table.alignment = "Table Grid", WD_TABLE_ALIGNMENT.CENTER
    for cell, text in zip(table.rows[0].cells, headers, strict=True):
        _cell_text(cell, text, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    for values in rows:
        for n, (cell, text) in enumerate(zip(table.add_row().cells, values, strict=True)):
            numeric = n > 1 and text[:1].isdigit() or text == "–"
            _cell_text(cell, text, align=WD_ALIGN_PARAGRAPH.RIGHT if numeric else WD_ALIGN_PARAGRAPH.LEFT)
    doc.add_paragraph().paragraph_format.space_after = Pt(0)
    return _fixed(table, widths)
