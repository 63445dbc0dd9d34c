"""RIS (``TY  - `` ... ``ER  - ``) and Web of Science tagged exports, via rispy.

rispy parses a whole file into a list, so records are cut here (streamed, line by line) and
each one is handed to rispy's parser alone: memory stays flat and a broken record (no ``ER``,
text outside a record) fails alone.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import rispy

from .dates import parse_date
from .decoding import LineReader
from .record import RawRecord


@dataclass(frozen=True)
class Dialect:
    start: str
    end: str
    parser: type[rispy.RisParser]
    skip: tuple[str, ...]
    name: str


RIS = Dialect("TY  - ", "ER  -", rispy.RisParser, (), "RIS")
WOS = Dialect("PT ", "ER", rispy.WokParser, ("FN ", "VR ", "EF"), "Web of Science")


def iter_ris(lines: LineReader, max_bytes: int, dialect: Dialect = RIS) -> Iterator[RawRecord]:
    """One RawRecord per RIS record."""
    for chunk, problem in _chunks(lines, dialect):
        flags, decode_problem = lines.take_notes()
        size = sum(len(line) for line in chunk)
        if size > max_bytes:
            yield RawRecord(problem=f"larger than the {max_bytes:,}-byte limit (max_input_bytes)")
        elif problem or decode_problem:
            yield RawRecord(problem=problem or decode_problem)
        else:
            parsed = dialect.parser().parse_lines(iter(chunk))
            raw = _record(parsed[0]) if parsed else RawRecord(
                problem=f"malformed {dialect.name} record: rispy found no record in it")
            raw.flags = flags
            yield raw


def _chunks(lines: LineReader, dialect: Dialect) -> Iterator[tuple[list[str], str | None]]:
    """Lines of each record; text outside a record or a missing end tag is a problem."""
    chunk: list[str] = []
    for line in lines:
        line = line.rstrip("\r\n")
        if not chunk:
            if line.startswith(dialect.start):
                chunk = [line]
            elif line.strip() and not line.startswith(dialect.skip):
                yield [line], _stray(line, dialect)
            continue
        if line.startswith(dialect.start):
            yield chunk, _unterminated(dialect)
            chunk = [line]
            continue
        chunk.append(line)
        if line.rstrip() == dialect.end.rstrip() or line.startswith(dialect.end + " "):
            yield chunk, None
            chunk = []
    if chunk:
        yield chunk, _unterminated(dialect)


def _stray(line: str, dialect: Dialect) -> str:
    return (f"malformed {dialect.name} record: {line[:40]!r} is outside any record (records "
            f"start with '{dialect.start.strip()}'); export the file again")


def _unterminated(dialect: Dialect) -> str:
    return (f"malformed {dialect.name} record: no '{dialect.end.strip()}' line ends it (the file "
            "may be cut short); export the file again")


def _first(record: dict[str, Any], *keys: str) -> str | None:
    for key in keys:
        value = record.get(key)
        if isinstance(value, list):
            value = value[0] if value else None
        if value and str(value).strip():
            return str(value).strip()
    return None


def _all(record: dict[str, Any], *keys: str) -> list[str]:
    """Every value of the first list field among ``keys`` that has any (authors)."""
    for key in keys:
        value = record.get(key)
        values = value if isinstance(value, list) else [value] if value else []
        names = [str(v).strip() for v in values if v and str(v).strip()]
        if names:
            return names
    return []


def _pages(record: dict[str, Any]) -> str | None:
    start = _first(record, "start_page", "beginning_page")
    end = _first(record, "end_page", "ending_page")
    if start and end and end != start and "-" not in start:
        return f"{start}-{end}"
    return start or _first(record, "article_number")


def _record(record: dict[str, Any]) -> RawRecord:
    abstract = _first(record, "abstract", "notes_abstract")
    year = _first(record, "publication_year", "year")
    wos_date = _first(record, "publication_date")
    published = parse_date(_first(record, "date")) or parse_date(year and year.strip("/"))
    if wos_date and year:
        published = parse_date(f"{wos_date} {year}") or published
    return RawRecord(
        abstract=abstract or "",
        title=_first(record, "title", "primary_title", "document_title") or "",
        authors=_all(record, "authors", "first_authors") or _all(record, "author_full_name"),
        volume=_first(record, "volume"),
        issue=_first(record, "number", "issue"),
        pages=_pages(record),
        journal=_first(record, "journal_name", "alternate_title3", "secondary_title",
                       "publication_name", "alternate_title2"),
        doi=_first(record, "doi"),
        pmid=_first(record, "pubmed_id"),
        published=published,
        url=_first(record, "urls"),
        problem=None if abstract else "no abstract (no AB or N2 field); laydraft needs the "
        "abstract text",
    )

