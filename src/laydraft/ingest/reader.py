"""Files and stdin: checks that apply to the whole file, format dispatch, record positions.

File-level problems (missing, a folder, empty, binary, undecodable, too large for a single
abstract) raise ``InputError`` at once. Record-level problems in a reading list come back as
``RecordError`` values so one bad record does not stop the others.
"""

from __future__ import annotations

import gzip
import io
import sys
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from ..errors import InputError, RecordError
from ..models import Abstract, SourcePosition
from .bibtex import iter_bibtex
from .decoding import LineReader, decode, refuse_binary
from .detect import Format, detect_format
from .jats import iter_jats
from .medline import iter_medline
from .pubmed_xml import iter_pubmed
from .readinglist import iter_csv, iter_jsonl
from .record import RawRecord, build_abstract
from .ris import RIS, WOS, iter_ris

SNIFF_BYTES = 65536
GZIP_MAGIC = b"\x1f\x8b"
WHOLE_FILE_FORMATS = frozenset({"text", "bibtex", "jats"})


@dataclass
class Source:
    """A file (or stdin, held in memory) that can be opened more than once, gzip undone."""

    name: str
    path: Path | None = None
    data: bytes | None = None

    @contextmanager
    def open(self) -> Iterator[BinaryIO]:
        """The content as a binary stream, decompressed when it starts like gzip."""
        opened = io.BytesIO(self.data) if self.data is not None else self.path.open("rb")  # type: ignore[union-attr]
        with opened as raw:
            compressed = raw.read(2) == GZIP_MAGIC
            raw.seek(0)
            if not compressed:
                yield raw
                return
            with gzip.GzipFile(fileobj=raw) as unpacked:
                yield unpacked  # type: ignore[misc]

    def read(self, limit: int) -> bytes:
        """Up to ``limit`` bytes of the (decompressed) content."""
        try:
            with self.open() as stream:
                return stream.read(limit)
        except (OSError, EOFError, zlib.error) as exc:
            raise InputError(f"{self.name}: cannot be read ({exc}); if it is gzip, check that "
                             "the download finished") from exc


def _source(path: str | Path, max_bytes: int) -> Source:
    if str(path) == "-":
        return Source(name="stdin", data=sys.stdin.buffer.read(max_bytes + 1))
    p = Path(path)
    if not p.exists():
        raise InputError(f"{p}: no such file; check the path")
    if p.is_dir():
        raise InputError(f"{p}: is a folder, not a file; name one file")
    return Source(name=str(p), path=p)


def _sniff(source: Source) -> Format:
    """Refuse empty and binary files; name the format."""
    sample = source.read(SNIFF_BYTES)
    if not sample.strip() and len(sample) < SNIFF_BYTES:
        raise InputError(f"{source.name}: is empty; it holds no abstract")
    refuse_binary(sample, source.name)
    text = sample.decode("utf-8", errors="replace")
    if sample.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = sample.decode("utf-16", errors="replace")
    return detect_format(source.name, text)


def _read_limited(source: Source, max_bytes: int) -> bytes:
    data = source.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise InputError(f"{source.name}: larger than the {max_bytes:,}-byte limit; raise "
                         "max_input_bytes in the config or split the file")
    return data


def _raw_records(source: Source, fmt: Format, max_bytes: int) -> Iterator[RawRecord]:
    """Every record of the file as parsed, in order."""
    if fmt in WHOLE_FILE_FORMATS:
        yield from _whole_file_records(source, fmt, max_bytes)
        return
    with source.open() as stream:
        if fmt == "pubmed-xml":
            yield from iter_pubmed(stream, max_bytes)
        elif fmt == "csv":
            yield from iter_csv(LineReader(stream), source.name, max_bytes)
        elif fmt == "jsonl":
            yield from iter_jsonl(LineReader(stream), max_bytes)
        elif fmt == "medline":
            yield from iter_medline(LineReader(stream), max_bytes)
        else:
            yield from iter_ris(LineReader(stream), max_bytes, WOS if fmt == "wos" else RIS)


def _whole_file_records(source: Source, fmt: Format, max_bytes: int) -> Iterator[RawRecord]:
    data = _read_limited(source, max_bytes)
    if fmt == "jats":
        yield from iter_jats(data)
        return
    text, flags = decode(data, source.name)
    if fmt == "bibtex":
        for raw in iter_bibtex(text):
            raw.flags = flags + raw.flags
            yield raw
        return
    yield RawRecord(abstract=text, flags=flags)


def _checked(source: Source, fmt: Format, max_bytes: int) -> Iterator[Abstract | RecordError]:
    for index, raw in enumerate(_raw_records(source, fmt, max_bytes), start=1):
        position = SourcePosition(file=source.name, record=index)
        try:
            yield build_abstract(raw, position)
        except InputError as exc:
            yield RecordError(exc.context.get("reason", exc.message), source=str(position))


def iter_records(path: str | Path, max_bytes: int) -> Iterator[Abstract | RecordError]:
    """Every record of a reading list, streamed; bad records come back as RecordError.

    Missing, empty, binary or (for whole-file formats) oversized files raise InputError here,
    before the first record; for streamed formats ``max_bytes`` limits each record.
    """
    source = _source(path, max_bytes)
    fmt = _sniff(source)
    if fmt in WHOLE_FILE_FORMATS:
        _read_limited(source, max_bytes)
    return _checked(source, fmt, max_bytes)


def read_abstract(path: str | Path, max_bytes: int) -> Abstract:
    """Exactly one abstract from a file, or from stdin when ``path`` is ``-``."""
    source = _source(path, max_bytes)
    source = Source(name=source.name, data=_read_limited(source, max_bytes))
    records = _checked(source, _sniff(source), max_bytes)
    first = next(records, None)
    rest = sum(1 for _ in records)
    if rest:
        raise InputError(
            f"{source.name}: holds {rest + 1} records, but one abstract was expected; draft "
            f"them all with `laydraft batch {source.name}`"
        )
    if first is None:
        raise InputError(f"{source.name}: holds no record; check that it is the file you meant")
    if isinstance(first, RecordError):
        raise first
    return first


def read_text(path: str | Path, max_bytes: int) -> str:
    """A whole text file (or stdin) with the same guards as abstracts: size, binary, encoding."""
    source = _source(path, max_bytes)
    sample = source.read(SNIFF_BYTES)
    if not sample.strip() and len(sample) < SNIFF_BYTES:
        raise InputError(f"{source.name}: is empty")
    refuse_binary(sample, source.name)
    text, _warnings = decode(_read_limited(source, max_bytes), source.name)
    return text
