"""Attachments are typed by their content, never their name; Word documents are checked before being opened."""

from __future__ import annotations

import pytest

from quizengine.formats.attachments import read_attachment, sniff
from tests.attachment_files import (
    docx_bomb,
    docx_bytes,
    exe_bytes,
    jpeg_bytes,
    pdf_bytes,
    png_bytes,
    zip_with_members,
)


def read(tmp_path, data: bytes, name: str = "upload.bin", **kwargs):
    path = tmp_path / name
    path.write_bytes(data)
    return read_attachment(path, **kwargs)


@pytest.mark.parametrize(
    ("data", "kind"),
    [(pdf_bytes(), "pdf"), (png_bytes(), "png"), (jpeg_bytes(), "jpeg"), (exe_bytes(), None), (b"hello", None)],
)
def test_the_first_bytes_name_the_kind(data, kind):
    assert sniff(data[:16]) == kind


def test_a_renamed_executable_is_refused_whatever_its_name(tmp_path):
    info = read(tmp_path, exe_bytes(), "案例.pdf")
    assert info.kind is None
    assert info.problem == "文件类型不支持：只接收 PDF、Word 文档（DOCX）、PNG 和 JPEG 图片"


def test_a_png_named_pdf_is_taken_for_the_png_it_is(tmp_path):
    assert read(tmp_path, png_bytes(), "scan.pdf").kind == "png"


def test_a_png_is_refused_where_only_documents_are_taken(tmp_path):
    info = read(tmp_path, png_bytes(), "scan.pdf", allowed=("pdf", "docx"))
    assert info.problem == "这里不接收PNG 图片，只接收 PDF、Word 文档（DOCX）"


def test_the_text_of_a_pdf_is_extracted(tmp_path):
    info = read(tmp_path, pdf_bytes("Changshou Road window case"))
    assert (info.kind, info.problem) == ("pdf", None)
    assert "Changshou Road window case" in info.text


def test_the_text_of_a_word_document_is_extracted(tmp_path):
    info = read(tmp_path, docx_bytes("长寿路街道推行“高效办成一件事”", "第二段"))
    assert info.kind == "docx"
    assert info.text.splitlines() == ["长寿路街道推行“高效办成一件事”", "第二段"]


def test_a_zip_bomb_dressed_as_a_word_document_is_refused_unopened(tmp_path):
    info = read(tmp_path, docx_bomb(), "case.docx")
    assert (info.kind, info.problem) == (None, "文档的压缩比异常，可能是压缩炸弹")


def test_a_zip_of_too_many_members_is_refused(tmp_path):
    info = read(tmp_path, zip_with_members(1000), "case.docx")
    assert info.problem == "压缩包中的文件过多（1002 个），不是正常的 Word 文档"


def test_a_zip_without_a_word_document_inside_is_refused(tmp_path):
    import io
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("payload.exe", exe_bytes())
    info = read(tmp_path, out.getvalue(), "case.docx")
    assert info.problem == "不是 Word 文档（DOCX）：缺少 word/document.xml"


def test_a_truncated_pdf_is_refused_not_a_crash(tmp_path):
    info = read(tmp_path, b"%PDF-1.4\n1 0 obj\n<<", "case.pdf")
    assert info.kind is None
    assert info.problem == "文件已损坏，无法作为 PDF 打开"
