"""Reading files and stdin safely: size limit, binary detection, decoding."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

from ..errors import InputError, RecordError
from ..models import Abstract, SourcePosition
from .text import parse_text


def _read_bytes(path: str | Path, max_bytes: int) -> tuple[bytes, str]:
    if str(path) == "-":
        data = sys.stdin.buffer.read(max_bytes + 1)
        name = "stdin"
    else:
        p = Path(path)
        if not p.exists():
            raise InputError(f"{p}: no such file")
        if p.is_dir():
            raise InputError(f"{p}: is a folder, not a file")
        with p.open("rb") as fh:
            data = fh.read(max_bytes + 1)
        name = str(p)
    if len(data) > max_bytes:
        raise InputError(f"{name}: larger than the {max_bytes:,}-byte limit (max_input_bytes)")
    return data, name


def _decode(data: bytes, name: str) -> str:
    if b"\x00" in data[:8192]:
        raise InputError(f"{name}: looks like a binary file, not text")
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise InputError(f"{name}: cannot be decoded as UTF-8 or Windows-1252 text")


def read_abstract(path: str | Path, max_bytes: int) -> Abstract:
    """Exactly one abstract from a file, or from stdin when ``path`` is ``-``."""
    data, name = _read_bytes(path, max_bytes)
    return parse_text(_decode(data, name), SourcePosition(file=name, record=1))


def iter_records(path: str | Path, max_bytes: int) -> Iterator[Abstract | RecordError]:
    """Every record of a reading list, streamed; bad records come back as RecordError."""
    abstract = read_abstract(path, max_bytes)
    yield abstract
