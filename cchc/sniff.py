"""What an evidence file really is, told from its bytes (never its name): PDF, .docx, .xlsx, PNG or JPEG.

Every check is bounded: the size is refused before anything is read past the magic number; a zip is judged
from its central directory by :func:`cchc.guard_ooxml.open_zip` (members, declared sizes, compression ratio: no zip
bomb is inflated) and only its ``[Content_Types].xml`` is parsed, streamed through the guard's expat scanner
(DTDs and entities refused); an OLE container (an encrypted Office file, an old .doc) is refused from its
directory. A refusal is a :class:`cchc.guard.Refused` carrying a code of :data:`cchc.report.MESSAGES`.
"""

from __future__ import annotations

import io
import re
import unicodedata
from dataclasses import dataclass

import olefile

from cchc.guard import Refused, corrupt, mib
from cchc.guard_ooxml import Collect, open_zip, scan
from cchc.report import make_issue

MAX_EVIDENCE_BYTES = 20 * 1024 * 1024  # one evidence file (a scanned decision of a few pages fits easily)
MAX_NAME_CHARS = 200
PDF_TAIL = 2048  # ``%%EOF`` must be this close to the end: a PDF cut short during an upload lacks it
_PDF_HEAD = re.compile(rb"%PDF-[12]\.\d")
_PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"
_JPEG = b"\xff\xd8\xff"
_ZIP = b"PK\x03\x04"
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_OOXML_MAIN = {  # the main part's content type → the kind it makes
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml": "docx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml": "xlsx",
}
_PATH_PARTS = frozenset("/\\:\u0000")


@dataclass(frozen=True)
class Kind:
    """An accepted kind of evidence file: its media type, the name suffixes it may carry and how it is called."""

    media_type: str
    suffixes: tuple[str, ...]
    label: str


KINDS: dict[str, Kind] = {
    "pdf": Kind("application/pdf", (".pdf",), "PDF"),
    "docx": Kind("application/vnd.openxmlformats-officedocument.wordprocessingml.document", (".docx",), "Word"),
    "xlsx": Kind("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", (".xlsx",), "Excel"),
    "png": Kind("image/png", (".png",), "PNG"),
    "jpeg": Kind("image/jpeg", (".jpg", ".jpeg"), "JPEG"),
}
SUFFIXES: tuple[str, ...] = tuple(s[1:] for kind in KINDS.values() for s in kind.suffixes)


def check_name(name: str, lang: str = "vi") -> str:
    """The name as given, when it is a plain file name: not blank, not too long, no path part (``/``, ``\\``,
    ``:``, ``..``) and no control or text-direction character."""
    bad = (not name.strip() or len(name) > MAX_NAME_CHARS or name.strip() in (".", "..")
           or any(ch in _PATH_PARTS or unicodedata.category(ch) in ("Cc", "Cf") for ch in name))
    if bad:
        raise Refused(make_issue("evidence-bad-name", lang=lang, value=name))
    return name


def check_size(name: str, size: int, lang: str = "vi") -> None:
    """Refuse an empty file or one over :data:`MAX_EVIDENCE_BYTES` (before its bytes are read, when the
    caller knows the size)."""
    if size == 0:
        raise Refused(make_issue("evidence-empty", lang=lang, value=name))
    if size > MAX_EVIDENCE_BYTES:
        raise Refused(make_issue("file-too-large", lang=lang, size=mib(size), limit=mib(MAX_EVIDENCE_BYTES)))


def sniff(data: bytes, name: str, lang: str = "vi") -> Kind:
    """The kind of an evidence file, or :class:`Refused`: bad name, empty, too large, not an accepted kind,
    damaged or hostile, encrypted, or a name whose suffix says another kind than the bytes."""
    check_name(name, lang)
    check_size(name, len(data), lang)
    kind = KINDS[_kind(data, name, lang)]
    if not name.lower().endswith(kind.suffixes):
        raise Refused(make_issue("evidence-type-mismatch", lang=lang, value=name, kind=kind.label,
                                 suffix=" / ".join(kind.suffixes)))
    return kind


def _kind(data: bytes, name: str, lang: str) -> str:
    if _PDF_HEAD.match(data):
        if b"%%EOF" not in data[-PDF_TAIL:]:
            raise Refused(make_issue("corrupt-file", lang=lang, detail="the PDF file is truncated (no %%EOF)"
                                     if lang == "en" else "tệp PDF bị cắt cụt (thiếu dấu kết thúc %%EOF)"))
        return "pdf"
    if data.startswith(_PNG):
        return "png"
    if data.startswith(_JPEG) and len(data) > 4:
        return "jpeg"
    if data.startswith(_ZIP):
        return _ooxml(data, name, lang)
    if data.startswith(_OLE):
        _ole(data, lang)
    raise Refused(make_issue("evidence-type", lang=lang, value=name))


def _ooxml(data: bytes, name: str, lang: str) -> str:
    """``docx`` or ``xlsx`` from the content type of the main part (after the zip's directory checks)."""
    archive, names = open_zip(data, lang)
    if any(member.flag_bits & 1 for member in archive.infolist()):  # a password-protected zip member
        raise Refused(make_issue("encrypted", lang=lang))
    if "[Content_Types].xml" not in names:
        raise Refused(make_issue("evidence-type", lang=lang, value=name))
    overrides = Collect("Override")
    scan(archive, "[Content_Types].xml", overrides, lang)
    found = {kind for o in overrides.found if (kind := _OOXML_MAIN.get(o.get("ContentType", ""))) is not None}
    if len(found) != 1:
        raise Refused(make_issue("evidence-type", lang=lang, value=name))
    return found.pop()


def _ole(data: bytes, lang: str) -> None:
    """An OLE container is never accepted: an encrypted Office file says so, anything else is the wrong type."""
    try:
        ole = olefile.OleFileIO(io.BytesIO(data))
        encrypted = ole.exists("EncryptionInfo") or ole.exists("EncryptedPackage")
    except Exception:  # olefile reports damage with many exception types
        raise corrupt("ole", lang) from None
    if encrypted:
        raise Refused(make_issue("encrypted", lang=lang))
