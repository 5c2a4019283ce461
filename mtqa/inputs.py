"""Read a text file a user names, refusing what is not a news text with one clear line.

Invalid UTF-8 is rejected, not guessed at: offsets in a report refer to the
decoded text, and a silent wrong guess would corrupt names and quotes. The
error names the first bad byte and how to pass another encoding. A UTF-8 byte
order mark is dropped; offsets count from the character after it.
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from mtqa.errors import MtqaError

# One news story is rarely over 50 kB. An audit's time grows with the sentence
# count (about 27 ms per copy sentence on 2 cores, so about 2 minutes at the
# limit; BENCHMARKS.md) and its memory with the similarity matrices (1.3 GB
# at the limit). 500 kB leaves room for a long feature while a mistaken input
# (a log, a dump) is refused at once.
MAX_INPUT_BYTES = 500_000
# Share of control characters (other than tab, newline, carriage return,
# form feed) above which a file is taken as binary.
MAX_CONTROL_SHARE = 0.01
# Byte order marks of the encodings a UTF-8 reader would misread. UTF-32-LE's
# (FF FE 00 00) begins with UTF-16-LE's (FF FE), so the UTF-32 marks come first.
_BOMS = {
    codecs.BOM_UTF32_LE: "utf-32",
    codecs.BOM_UTF32_BE: "utf-32",
    codecs.BOM_UTF16_LE: "utf-16",
    codecs.BOM_UTF16_BE: "utf-16",
}


# A stretch of ordinary news text, with a sentence longer than a domain-name
# label. A codec fit to read a file encodes it in pieces and decodes the
# joined bytes to the joined text; codecs made for something else (a domain
# name: idna, punycode; no text at all: undefined) fail this, whatever they are called.
_TRIAL_TEXT = (
    "The mayor said on Monday that the city would open three new schools in the autumn "
    "(2024-25): \"Yes\", 'no' & more.\n"
)


@lru_cache(maxsize=64)
def check_encoding(encoding: str) -> str:
    """The codec's canonical name for ``encoding``, if it can decode a text file.

    A codec must be a text encoding (bytes to str, not ``base64`` or
    ``rot13``) and must decode a text it encoded in two pieces, joined, back
    to the text: a file is a stream, read whole. That refuses ``undefined``,
    ``punycode`` and ``idna``, which are not made for files.

    Raises:
        MtqaError: If Python knows no such encoding, or it cannot decode a text file.
    """
    try:
        info = codecs.lookup(encoding)
    except LookupError:
        raise MtqaError(f"unknown encoding {encoding!r}") from None
    if not getattr(info, "_is_text_encoding", True):
        raise MtqaError(f"{encoding!r} is not a text encoding; name a file encoding such as utf-8 or cp1252")
    try:
        encoder = info.incrementalencoder()
        data = encoder.encode(_TRIAL_TEXT) + encoder.encode(_TRIAL_TEXT, final=True)
        readable = info.decode(data)[0] == _TRIAL_TEXT * 2
    except (UnicodeError, ValueError, TypeError, LookupError):
        readable = False
    if not readable:
        raise MtqaError(
            f"{encoding!r} cannot decode a text file (it is not a file encoding); name one such as utf-8 or cp1252"
        )
    return info.name


# The name a command-line argument gives standard input, and how messages and reports call it.
STDIN = "-"
STDIN_NAME = "<stdin>"


def is_stdin(path: str | Path) -> bool:
    """Whether ``path`` is ``-``, which names standard input on the command line."""
    return str(path) == STDIN


def input_name(path: str | Path) -> str:
    """How messages and reports name an input: its path, or ``<stdin>``."""
    return STDIN_NAME if is_stdin(path) else str(path)


def read_text(
    path: str | Path, encoding: str = "utf-8", max_bytes: int = MAX_INPUT_BYTES, option: str | None = "--encoding"
) -> str:
    """Read and decode a text file, or standard input for ``-``.

    Args:
        path: The file, or ``-`` for standard input.
        encoding: Its encoding; UTF-8 unless the user says otherwise.
        max_bytes: Largest accepted file size.
        option: The command-line option that sets this file's encoding, which
            an encoding error suggests; None for a file that must be UTF-8 (a manifest).

    Returns:
        The decoded text, without a byte order mark.

    Raises:
        MtqaError: If the file is missing, a directory, empty or blank,
            binary, not valid in ``encoding``, or over ``max_bytes``; or,
            for ``-``, if standard input is a terminal.
    """
    return decode_text(_read_bytes(path, max_bytes), input_name(path), encoding, option)


def _read_bytes(path: str | Path, max_bytes: int) -> bytes:
    """The bytes of a file, or of standard input for ``-``, refused over ``max_bytes``."""
    if is_stdin(path):
        import sys

        if sys.stdin is None or sys.stdin.isatty():  # a terminal would wait, silently, for the user's EOF
            raise MtqaError("standard input is a terminal; pipe a text into it or give a file")
        # one byte past the limit tells an input over it without reading all of a mistaken stream
        data = sys.stdin.buffer.read(max_bytes + 1)
        if len(data) > max_bytes:
            raise MtqaError(f"{STDIN_NAME}: more than {max_bytes:,} bytes, over the limit for one text")
        return data
    file = Path(path)
    if not file.exists():
        raise MtqaError(f"{path}: no such file")
    if file.is_dir():
        raise MtqaError(f"{path}: is a directory, not a text file")
    if not file.is_file():
        raise MtqaError(f"{path}: is not a regular file")
    size = file.stat().st_size
    if size > max_bytes:
        raise MtqaError(f"{path}: {_over(size, max_bytes)}")
    try:
        return file.read_bytes()
    except OSError as error:
        raise MtqaError(f"{path}: cannot read: {error.strerror}") from error


def decode_text(data: bytes, name: str, encoding: str = "utf-8", option: str | None = "--encoding") -> str:
    """Decode the bytes of a text, refusing what is empty, binary or not valid in ``encoding``.

    Args:
        data: The bytes read.
        name: Where they came from, for messages (a path or ``<stdin>``).
        encoding: Their encoding.
        option: The command-line option that sets this encoding (see ``read_text``).

    Returns:
        The decoded text, without a byte order mark.

    Raises:
        MtqaError: If the text is empty or blank, binary, or not valid in ``encoding``.
    """
    if not data.strip():
        raise MtqaError(f"{name}: is empty")
    codec = check_encoding(encoding)
    utf8 = codec in ("utf-8", "utf-8-sig")
    if utf8:
        for bom, bom_name in _BOMS.items():
            if data.startswith(bom):
                advice = f"pass {option} {bom_name}" if option else "re-encode it as UTF-8"
                raise MtqaError(f"{name}: is {bom_name.upper()}, not UTF-8; {advice}")
        if b"\x00" in data:
            raise MtqaError(f"{name}: looks binary (it contains NUL bytes), not a text file")
    # A UTF-8 mark is cut from the bytes rather than by decoding with
    # utf-8-sig, whose error offsets count from after the mark and so would
    # name the wrong byte of the file.
    skipped = len(codecs.BOM_UTF8) if utf8 and data.startswith(codecs.BOM_UTF8) else 0
    try:
        text = data[skipped:].decode("utf-8" if utf8 else codec)
    except UnicodeDecodeError as error:
        offset = skipped + error.start
        if option is None:
            advice = "re-encode the file as UTF-8 (it is read as UTF-8 only)"
        elif utf8:
            advice = f"re-encode the file as UTF-8 or pass its encoding with {option}, e.g. {option} cp1252"
        else:
            advice = f"pass the file's own encoding with {option}"
        raise MtqaError(
            f"{name}: not valid {'utf-8' if utf8 else codec} (byte 0x{data[offset]:02x} at offset {offset}); {advice}"
        ) from error
    binary = binary_reason(text)
    if binary is not None:
        raise MtqaError(f"{name}: looks binary ({binary}), not a text file")
    if not text.strip():
        raise MtqaError(f"{name}: is empty (only whitespace)")
    return text


def binary_reason(text: str) -> str | None:
    """Why a decoded text looks binary rather than written, or None.

    A NUL character, or control characters (other than tab, newline, carriage
    return, form feed) beyond ``MAX_CONTROL_SHARE`` of the text: the check a
    text file gets, for a text that comes from elsewhere (a row of a table).
    """
    if "\x00" in text:
        return "it contains NUL characters"
    controls = sum(1 for ch in text if ord(ch) < 32 and ch not in "\t\n\r\f")
    if controls > MAX_CONTROL_SHARE * len(text):
        return f"{controls} control characters"
    return None


def size_reason(text: str, max_bytes: int = MAX_INPUT_BYTES) -> str | None:
    """Why a decoded text is too long to audit (its UTF-8 size over ``max_bytes``), or None."""
    if len(text) * 4 <= max_bytes:  # a character is at most 4 bytes in UTF-8
        return None
    size = len(text.encode("utf-8", "surrogatepass"))
    return _over(size, max_bytes) if size > max_bytes else None


# A saved page carries scripts, styles and markup around its article; the
# article it yields must still be within MAX_INPUT_BYTES.
MAX_PAGE_BYTES = 5_000_000


@dataclass(frozen=True)
class Story:
    """A text to audit, and where it came from.

    Attributes:
        text: The plain text, or the article extracted from a web page.
        source: ``{"format": "text"}``, or for a page what ``Extraction.record`` keeps
            (the extractor and its version, the title and the date found).
    """

    text: str
    source: dict[str, Any]


def read_story(
    path: str | Path, encoding: str = "utf-8", input_format: str = "auto", option: str = "--encoding"
) -> Story:
    """Read a plain-text story or a saved web page, by content or as ``input_format`` says.

    Args:
        path: The file, or ``-`` for standard input (recorded as ``<stdin>`` in the source).
        encoding: Its encoding.
        input_format: ``"auto"`` (a file that opens with markup is a page),
            ``"text"`` or ``"html"``.
        option: The command-line option that sets this file's encoding (see ``read_text``).

    Raises:
        MtqaError: As ``read_text``, for an unknown ``input_format``, or for a
            page with no article text.
    """
    from mtqa.pages.detect import looks_like_html
    from mtqa.pages.extract import INPUT_FORMATS, extract_article

    if input_format not in INPUT_FORMATS:
        raise MtqaError(f"unknown input format {input_format!r}; choose from {', '.join(INPUT_FORMATS)}")
    name = input_name(path)
    # read once: standard input cannot be read again to apply the plain-text limit
    data = _read_bytes(path, MAX_INPUT_BYTES if input_format == "text" else MAX_PAGE_BYTES)
    raw = decode_text(data, name, encoding, option)
    read_from = {"file": STDIN_NAME} if is_stdin(path) else {}
    if input_format == "html" or (input_format == "auto" and looks_like_html(raw)):
        article = extract_article(raw, name)
        size = len(article.text.encode("utf-8"))
        if size > MAX_INPUT_BYTES:
            raise MtqaError(f"{name}: the page's article has {_over(size, MAX_INPUT_BYTES)}")
        return Story(article.text, {**article.record(), **read_from})
    if len(data) > MAX_INPUT_BYTES:  # plain text keeps the plain-text limit
        raise MtqaError(f"{name}: {_over(len(data), MAX_INPUT_BYTES)}")
    return Story(raw, {"format": "text", **read_from})


def _over(size: int, limit: int) -> str:
    return f"{size:,} bytes is over the limit of {limit:,} bytes for one text"
