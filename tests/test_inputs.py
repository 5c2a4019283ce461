"""Reading input files: every kind of bad input is one clear MtqaError."""

from __future__ import annotations

from pathlib import Path

import pytest

from mtqa.errors import MtqaError
from mtqa.inputs import read_text


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "is empty"),
        (b"  \n\t\n", "is empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary"),
        (b"caf\xe9 au lait\n", r"not valid utf-8 \(byte 0xe9 at offset 3\)"),
        ("\ufeffA UTF-16 text.".encode("utf-16-le"), "UTF-16"),
        ("\ufeffA UTF-16 text.".encode("utf-16-be"), "UTF-16"),
        # UTF-32-LE's mark (FF FE 00 00) begins with UTF-16-LE's (FF FE).
        ("\ufeffA UTF-32 text.".encode("utf-32-le"), "is UTF-32, not UTF-8; pass --encoding utf-32"),
        ("\ufeffA UTF-32 text.".encode("utf-32-be"), "is UTF-32, not UTF-8; pass --encoding utf-32"),
        # Offsets count in the file, byte order mark included.
        (b"\xef\xbb\xbfcaf\xe9 au lait\n", r"not valid utf-8 \(byte 0xe9 at offset 6\)"),
        (b"\xef\xbb\xbf\xff\n", r"not valid utf-8 \(byte 0xff at offset 3\)"),
        (b"ok \x01\x02\x03\x04\x05\x06 text", "binary"),
    ],
)
def test_bad_files(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "input.txt"
    path.write_bytes(content)
    with pytest.raises(MtqaError, match=message):
        read_text(path)


def test_missing_file_and_directory(tmp_path: Path) -> None:
    with pytest.raises(MtqaError, match="no such file"):
        read_text(tmp_path / "missing.txt")
    with pytest.raises(MtqaError, match="is a directory"):
        read_text(tmp_path)


def test_size_limit(tmp_path: Path) -> None:
    path = tmp_path / "big.txt"
    path.write_text("word " * 100)
    with pytest.raises(MtqaError, match="over the limit of 100 bytes"):
        read_text(path, max_bytes=100)


def test_explicit_encoding_and_bom(tmp_path: Path) -> None:
    path = tmp_path / "latin.txt"
    path.write_bytes("Café Müller said “no”.".encode("cp1252"))
    assert read_text(path, encoding="cp1252") == "Café Müller said “no”."
    bom = tmp_path / "bom.txt"
    bom.write_bytes("\ufeffHeadline\n".encode())
    assert read_text(bom) == "Headline\n"
    with pytest.raises(MtqaError, match="unknown encoding"):
        read_text(bom, encoding="klingon")


def test_a_bad_byte_after_a_byte_order_mark_is_named_at_its_file_offset_whatever_the_utf8_spelling(
    tmp_path: Path,
) -> None:
    path = tmp_path / "bom.txt"
    path.write_bytes(b"\xef\xbb\xbfNews: caf\xe9.\n")
    for encoding in ("utf-8", "UTF8", "utf_8", "utf-8-sig"):
        with pytest.raises(MtqaError, match=r"byte 0xe9 at offset 12\)"):
            read_text(path, encoding=encoding)


def test_a_codec_that_is_not_a_text_encoding_is_one_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "text.txt"
    path.write_bytes(b"Headline\n")
    with pytest.raises(MtqaError, match="'base64' is not a text encoding"):
        read_text(path, encoding="base64")
