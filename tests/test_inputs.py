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
