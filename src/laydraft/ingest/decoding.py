"""Bytes to text: refuse binary files, try UTF-8 (with or without BOM), then Windows-1252.

A Windows-1252 guess is recorded in ``Abstract.flags`` because it can turn a ± or µ into the
wrong character without any error, and a reviewer should check those symbols.
"""

from __future__ import annotations

import codecs
import io
from collections.abc import Iterator
from typing import BinaryIO

from ..errors import ErrorCode, InputError

CP1252_FLAG = (
    "encoding: the file is not UTF-8 and was read as Windows-1252; check symbols such as "
    "±, µ, ≥ and quotation marks against the source"
)
UNDECODABLE = (
    "cannot be decoded as UTF-8 or Windows-1252 text; save the file as UTF-8 and try again"
)
_MAGIC = {
    b"%PDF": "a PDF",
    b"PK\x03\x04": "a ZIP archive (Word, Excel or similar)",
    b"\x89PNG": "a PNG image",
    b"\xff\xd8\xff": "a JPEG image",
    b"\xd0\xcf\x11\xe0": "an old Office document",
}
_UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)


def binary_kind(sample: bytes) -> str | None:
    """What binary thing ``sample`` starts like, or None when it looks like text."""
    for magic, kind in _MAGIC.items():
        if sample.startswith(magic):
            return kind
    if sample.startswith(_UTF16_BOMS):
        return None
    controls = sum(1 for b in sample if b < 9 or 13 < b < 32)
    if b"\x00" in sample or (sample and controls / len(sample) > 0.1):
        return "a binary file"
    return None


def refuse_binary(sample: bytes, name: str) -> None:
    kind = binary_kind(sample)
    if kind:
        raise InputError(
            f"{name}: looks like {kind}, not text; copy the abstract text out of it, or export "
            "the citation as PubMed XML, MEDLINE, RIS, BibTeX, CSV or JSONL",
            code=ErrorCode.FILE_BINARY, path=name, kind=kind,
        )


def decode(data: bytes, name: str) -> tuple[str, list[str]]:
    """The text of a whole file and any flags the decoding earned."""
    if data.startswith(_UTF16_BOMS):
        return data.decode("utf-16"), []
    try:
        return data.decode("utf-8-sig"), []
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), [CP1252_FLAG]
    except UnicodeDecodeError as exc:
        raise InputError(f"{name}: {UNDECODABLE}", code=ErrorCode.FILE_UNDECODABLE,
                         path=name) from exc


class LineReader:
    """Decoded lines of a byte stream, one at a time, noting per record how they decoded.

    Decoding line by line keeps memory flat for large reading lists and lets one badly
    encoded row fail alone instead of the whole file.
    """

    def __init__(self, stream: BinaryIO) -> None:
        self._stream = stream
        self._guessed = False
        self._undecodable = False

    def __iter__(self) -> Iterator[str]:
        head = self._stream.read(2)
        if head in _UTF16_BOMS:
            buffered = io.BufferedReader(_Prefixed(head, self._stream))
            text = io.TextIOWrapper(buffered, encoding="utf-16", newline="")
            yield from text
            return
        for number, raw in enumerate(_Prefixed(head, self._stream), start=1):
            yield self._decode(raw, first=number == 1)

    def _decode(self, raw: bytes, first: bool) -> str:
        try:
            return raw.decode("utf-8-sig" if first else "utf-8")
        except UnicodeDecodeError:
            pass
        try:
            self._guessed = True
            return raw.decode("cp1252")
        except UnicodeDecodeError:
            self._undecodable = True
            return raw.decode("cp1252", errors="replace")

    def take_notes(self) -> tuple[list[str], str | None]:
        """(flags, problem) for the lines read since the last call."""
        flags = [CP1252_FLAG] if self._guessed and not self._undecodable else []
        problem = f"the record {UNDECODABLE}" if self._undecodable else None
        self._guessed = self._undecodable = False
        return flags, problem


class _Prefixed(io.RawIOBase):
    """A stream with a few already-read bytes put back in front."""

    def __init__(self, head: bytes, rest: BinaryIO) -> None:
        self._head = head
        self._rest = rest

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        chunk = self._head or self._rest.read(len(buffer))
        self._head = b""
        n = len(chunk)
        buffer[:n] = chunk
        return n

    def __iter__(self) -> Iterator[bytes]:
        yield from io.BufferedReader(self)
