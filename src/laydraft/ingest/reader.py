"""Files, stdin and bytes: checks that apply to the whole input, format dispatch, positions.

Every input (a path, ``-`` for stdin, or bytes already in memory such as a web upload) becomes
a ``Source`` and takes the same path: sniff, pick the format from the registry in
``formats.py``, read its records. A regular file is opened as often as needed; anything else a
shell can give (a pipe, ``/dev/stdin``, ``<(...)``, a FIFO) is read once into memory by
``pipes.py``, under the size cap and with a timeout, since it cannot be read twice. File-level problems (missing, a folder, empty, binary,
undecodable, too large for a single abstract) raise ``InputError`` at once. Record-level
problems in a reading list come back as ``RecordError`` values so one bad record does not stop
the others.
"""

from __future__ import annotations

import gzip
import io
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, overload

from ..errors import ErrorCode, InputError, RecordError
from ..models import Abstract, SourcePosition
from .decoding import decode, refuse_binary
from .formats import InputFormat, detect_format
from .pipes import DEFAULT_TIMEOUT, is_regular_file, read_path, read_stdin, too_large
from .record import KnownRecord, RawRecord, build_abstract, record_key

SNIFF_BYTES = 65536
GZIP_MAGIC = b"\x1f\x8b"


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
            reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else exc
            hint = "; if it is gzip, check that the download finished" if self._gzip() else ""
            raise InputError(f"{self.name}: cannot be read ({reason}){hint}",
                             code=ErrorCode.FILE_UNREADABLE, path=self.name) from exc

    def _gzip(self) -> bool:
        """True when the raw content starts like gzip (only then is a gzip hint any help)."""
        if self.data is not None:
            return self.data.startswith(GZIP_MAGIC)
        try:
            with self.path.open("rb") as raw:  # type: ignore[union-attr]
                return raw.read(2) == GZIP_MAGIC
        except OSError:
            return False


def open_input(path: str | Path | Source, max_bytes: int,
               timeout: float = DEFAULT_TIMEOUT) -> Source:
    """The input named ``path`` (``-`` for stdin) as a Source that can be read more than once.

    A regular file stays on disk; a pipe, FIFO, ``/dev/stdin`` or ``<(...)`` is read now, once,
    into memory: all of it must fit ``max_bytes``, and ``timeout`` seconds without input (a
    FIFO nobody writes to) end in an error. Give the Source to ``iter_records`` as often as
    needed (``laydraft batch`` counts the records, then reads them).
    """
    if isinstance(path, Source):
        return path
    if str(path) == "-":
        return _in_memory("stdin", read_stdin(max_bytes, timeout), max_bytes)
    p = Path(path)
    if not p.exists():
        raise InputError(f"{p}: no such file; check the path", code=ErrorCode.FILE_MISSING,
                         path=str(p))
    if p.is_dir():
        raise InputError(f"{p}: is a folder, not a file; name one file",
                         code=ErrorCode.FILE_IS_FOLDER, path=str(p))
    if is_regular_file(p):
        return Source(name=str(p), path=p)
    return _in_memory(str(p), read_path(p, max_bytes, timeout), max_bytes)


def _in_memory(name: str, data: bytes, max_bytes: int) -> Source:
    if len(data) > max_bytes:
        raise too_large(name, max_bytes)
    return Source(name=name, data=data)


def _sniff(source: Source) -> InputFormat:
    """Refuse empty and binary files; name the format."""
    sample = source.read(SNIFF_BYTES)
    if not sample.strip() and len(sample) < SNIFF_BYTES:
        raise InputError(f"{source.name}: is empty; it holds no abstract",
                         code=ErrorCode.FILE_EMPTY, path=source.name)
    refuse_binary(sample, source.name)
    text = sample.decode("utf-8", errors="replace")
    if sample.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = sample.decode("utf-16", errors="replace")
    return detect_format(source.name, text)


def _read_limited(source: Source, max_bytes: int) -> bytes:
    data = source.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise InputError(f"{source.name}: larger than the {max_bytes:,}-byte limit",
                         code=ErrorCode.FILE_TOO_LARGE, path=source.name, max_bytes=max_bytes,
                         setting="max_input_bytes")
    return data


def _raw_records(source: Source, fmt: InputFormat, max_bytes: int) -> Iterator[RawRecord]:
    """Every record of the input as parsed, in order; whole-file formats are size-checked."""
    if fmt.whole_file:
        data = _read_limited(source, max_bytes)
        yield from fmt.read(io.BytesIO(data), source.name, max_bytes)
        return
    with source.open() as stream:
        yield from fmt.read(stream, source.name, max_bytes)


Skip = Callable[[str], str | None]  # a record's key -> why it needs no Abstract, or None


def _build(raw: RawRecord, position: SourcePosition) -> Abstract | RecordError:
    try:
        return build_abstract(raw, position)
    except InputError as exc:
        return RecordError(exc.context.get("reason", exc.message), source=str(position))


def _checked(source: Source, fmt: InputFormat, max_bytes: int
             ) -> Iterator[Abstract | RecordError]:
    for index, raw in enumerate(_raw_records(source, fmt, max_bytes), start=1):
        yield _build(raw, SourcePosition(file=source.name, record=index))


def _checked_unless_known(source: Source, fmt: InputFormat, max_bytes: int, skip: Skip
                          ) -> Iterator[Abstract | RecordError | KnownRecord]:
    """``_checked``, but a record ``skip`` gives a reason for is not built."""
    for index, raw in enumerate(_raw_records(source, fmt, max_bytes), start=1):
        position = SourcePosition(file=source.name, record=index)
        key = record_key(raw)
        reason = skip(key) if key is not None else None
        yield KnownRecord(key, reason, str(position)) if key is not None and reason is not None \
            else _build(raw, position)


@overload
def _records(source: Source, max_bytes: int, skip: None = None
             ) -> Iterator[Abstract | RecordError]: ...


@overload
def _records(source: Source, max_bytes: int, skip: Skip | None = None
             ) -> Iterator[Abstract | RecordError | KnownRecord]: ...


def _records(source: Source, max_bytes: int, skip: Skip | None = None
             ) -> Iterator[Abstract | RecordError | KnownRecord]:
    fmt = _sniff(source)
    if fmt.whole_file:
        _read_limited(source, max_bytes)
    if skip is None:
        return _checked(source, fmt, max_bytes)
    return _checked_unless_known(source, fmt, max_bytes, skip)


@overload
def iter_records(path: str | Path | Source, max_bytes: int, timeout: float = ...,
                 skip: None = None) -> Iterator[Abstract | RecordError]: ...


@overload
def iter_records(path: str | Path | Source, max_bytes: int, timeout: float = ...,
                 skip: Skip | None = None) -> Iterator[Abstract | RecordError | KnownRecord]: ...


def iter_records(path: str | Path | Source, max_bytes: int, timeout: float = DEFAULT_TIMEOUT,
                 skip: Skip | None = None) -> Iterator[Abstract | RecordError | KnownRecord]:
    """Every record of a reading list, streamed; bad records come back as RecordError.

    Missing, empty, binary or (for whole-file formats) oversized files raise InputError here,
    before the first record; for streamed formats ``max_bytes`` limits each record (input
    from a pipe must fit it whole, see ``open_input``).

    ``skip`` is asked about each record whose DOI or PMID gives its key before it is built;
    a reason back means the caller needs no Abstract (a re-run of a drafted list): the record
    comes back as a ``KnownRecord`` without the cost of cleaning and checking its text.
    """
    return _records(open_input(path, max_bytes, timeout), max_bytes, skip)


def read_records_bytes(data: bytes, filename: str,
                       max_bytes: int) -> Iterator[Abstract | RecordError]:
    """``iter_records`` for content already in memory; ``filename`` names it and hints its type."""
    return _records(Source(name=filename, data=data), max_bytes)


def read_abstract(path: str | Path, max_bytes: int,
                  timeout: float = DEFAULT_TIMEOUT) -> Abstract:
    """Exactly one abstract from a file, a pipe or FIFO, or from stdin when ``path`` is ``-``."""
    source = open_input(path, max_bytes, timeout)
    return _one_abstract(Source(name=source.name, data=_read_limited(source, max_bytes)),
                         max_bytes)


def read_abstract_bytes(data: bytes, filename: str, max_bytes: int) -> Abstract:
    """Exactly one abstract from content in memory (a web upload); ``filename`` names it."""
    source = Source(name=filename, data=data)
    _read_limited(source, max_bytes)
    return _one_abstract(source, max_bytes)


def _one_abstract(source: Source, max_bytes: int) -> Abstract:
    records = _checked(source, _sniff(source), max_bytes)
    first = next(records, None)
    rest = sum(1 for _ in records)
    if rest:
        raise InputError(
            f"{source.name}: holds {rest + 1} records, but one abstract was expected",
            code=ErrorCode.SEVERAL_RECORDS, path=source.name, count=rest + 1,
        )
    if first is None:
        raise InputError(f"{source.name}: holds no record; check that it is the file you meant",
                         code=ErrorCode.NO_RECORD, path=source.name)
    if isinstance(first, RecordError):
        raise first
    return first


def read_text(path: str | Path, max_bytes: int, timeout: float = DEFAULT_TIMEOUT) -> str:
    """A whole text file (or stdin, a pipe) with the same guards as abstracts: size, binary,
    encoding."""
    source = open_input(path, max_bytes, timeout)
    sample = source.read(SNIFF_BYTES)
    if not sample.strip() and len(sample) < SNIFF_BYTES:
        raise InputError(f"{source.name}: is empty", code=ErrorCode.FILE_EMPTY, path=source.name)
    refuse_binary(sample, source.name)
    text, _warnings = decode(_read_limited(source, max_bytes), source.name)
    return text
