"""Attachments of submissions (PDF, DOCX, PNG, JPEG): the type decided by content, and the text inside.

The file name and the browser's content type are never trusted: a renamed
.exe stays an .exe. A DOCX is a zip, so before anything opens it the zip's
directory is checked (member count, declared sizes, compression ratio, the
`word/document.xml` a Word document has); python-docx and pypdf then run in
the limited child process of quizengine.uploads, so a file built to be slow
or to expand without end is killed there, not in the server.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from pathlib import Path

KIND_LABELS = {"pdf": "PDF", "docx": "Word 文档（DOCX）", "png": "PNG 图片", "jpeg": "JPEG 图片"}
MEDIA_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "png": "image/png",
    "jpeg": "image/jpeg",
}
EXTENSIONS = {"pdf": ".pdf", "docx": ".docx", "png": ".png", "jpeg": ".jpg"}
IMAGE_KINDS = frozenset({"png", "jpeg"})

# A Word document has a few dozen parts; a zip bomb has thousands, or parts that expand a hundredfold and more.
MAX_ZIP_MEMBERS = 1000
MAX_ZIP_EXPANDED = 200 * 1024 * 1024
MAX_ZIP_RATIO = 100
MAX_TEXT_CHARS = 200_000
MAX_PDF_PAGES = 500


@dataclass(frozen=True)
class AttachmentInfo:
    """What an uploaded file is: its kind (pdf, docx, png, jpeg) and its text, or the problem refusing it."""

    kind: str | None
    text: str = ""
    problem: str | None = None


def sniff(head: bytes) -> str | None:
    """The kind named by a file's first bytes (magic numbers), or None; a zip is `docx` only after `check_docx`."""
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith(b"PK\x03\x04"):
        return "docx"
    return None


def check_docx(path: Path) -> str | None:
    """Why the zip at `path` is not a Word document safe to open (None when it is one)."""
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
            if len(members) > MAX_ZIP_MEMBERS:
                return f"压缩包中的文件过多（{len(members)} 个），不是正常的 Word 文档"
            names = {m.filename for m in members}
            if "word/document.xml" not in names or "[Content_Types].xml" not in names:
                return "不是 Word 文档（DOCX）：缺少 word/document.xml"
            if "word/vbaProject.bin" in names:
                return "含有宏的文档不予接收，请另存为普通的 .docx"
            if sum(m.file_size for m in members) > MAX_ZIP_EXPANDED:
                return "文档解压后过大，可能是压缩炸弹"
            for m in members:
                if m.file_size > 1024 * 1024 and m.file_size > MAX_ZIP_RATIO * max(m.compress_size, 1):
                    return "文档的压缩比异常，可能是压缩炸弹"
    except (zipfile.BadZipFile, OSError, ValueError):
        return "文件已损坏，无法作为 Word 文档（DOCX）打开"
    return None


def read_attachment(path: str | Path, allowed=("pdf", "docx", "png", "jpeg")) -> AttachmentInfo:
    """Decide the kind of the file at `path` by its content and extract its text (PDF, DOCX); run via parse_upload."""
    path = Path(path)
    with path.open("rb") as handle:
        head = handle.read(16)
    kind = sniff(head)
    if kind is None:
        return AttachmentInfo(None, problem="文件类型不支持：只接收 PDF、Word 文档（DOCX）、PNG 和 JPEG 图片")
    if kind not in allowed:
        names = "、".join(KIND_LABELS[k] for k in allowed)
        return AttachmentInfo(kind, problem=f"这里不接收{KIND_LABELS[kind]}，只接收 {names}")
    if kind == "docx":
        problem = check_docx(path)
        if problem:
            return AttachmentInfo(None, problem=problem)
        return _docx_text(path)
    if kind == "pdf":
        return _pdf_text(path)
    return AttachmentInfo(kind)


def _docx_text(path: Path) -> AttachmentInfo:
    import docx

    try:
        document = docx.Document(str(path))
    except Exception:
        return AttachmentInfo(None, problem="文件已损坏，无法作为 Word 文档（DOCX）打开")
    lines = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            lines.append("\t".join(cell.text for cell in row.cells))
    return AttachmentInfo("docx", _bounded("\n".join(lines)))


def _pdf_text(path: Path) -> AttachmentInfo:
    import logging

    from pypdf import PdfReader

    logging.getLogger("pypdf").setLevel(logging.ERROR)
    try:
        reader = PdfReader(str(path))
        if reader.is_encrypted:
            return AttachmentInfo(None, problem="加密的 PDF 无法阅读，请上传未加密的文件")
        parts = []
        for page in reader.pages[:MAX_PDF_PAGES]:
            parts.append(page.extract_text() or "")
            if sum(map(len, parts)) > MAX_TEXT_CHARS:
                break
    except Exception:
        return AttachmentInfo(None, problem="文件已损坏，无法作为 PDF 打开")
    return AttachmentInfo("pdf", _bounded("\n".join(parts)))


def _bounded(text: str) -> str:
    return text.replace("\x00", "")[:MAX_TEXT_CHARS]
