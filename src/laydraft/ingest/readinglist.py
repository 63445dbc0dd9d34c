"""Reading lists as CSV (or TSV) and JSONL: one abstract per row or line, streamed.

Header names and JSON keys are matched case-insensitively, with a few common aliases, so an
export from a spreadsheet or a reference manager works without renaming columns.
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Iterator, Mapping
from typing import Any

from ..errors import ErrorCode, InputError
from .dates import parse_date
from .decoding import LineReader
from .record import RawRecord

ALIASES: dict[str, tuple[str, ...]] = {
    "abstract": ("abstract", "abstract text", "abstract_text", "abstracttext", "ab"),
    "title": ("title", "article title", "article_title", "ti"),
    "doi": ("doi",),
    "pmid": ("pmid", "pubmed id", "pubmed_id"),
    "journal": ("journal", "journal title", "source", "journal_title"),
    "authors": ("authors", "author", "author(s)", "au"),
    "volume": ("volume", "vol", "vi"),
    "issue": ("issue", "number", "no", "ip"),
    "pages": ("pages", "page", "pagination", "pg"),
    "date": ("date", "published", "publication date", "publication_date", "year", "pubdate"),
    "url": ("url", "link"),
}


def _columns(names: list[str]) -> dict[str, int]:
    """Which position holds each field, from header names in any case."""
    lowered = [" ".join(n.strip().lstrip("\ufeff").lower().split()) for n in names]
    found: dict[str, int] = {}
    for field, aliases in ALIASES.items():
        for alias in aliases:
            if alias in lowered:
                found[field] = lowered.index(alias)
                break
    return found


def _from_fields(values: Mapping[str, Any]) -> RawRecord:
    def get(name: str) -> str | None:
        value = values.get(name)
        return str(value).strip() if value not in (None, "") and str(value).strip() else None

    abstract = get("abstract")
    return RawRecord(
        abstract=abstract or "",
        title=get("title") or "",
        authors=_names(values.get("authors")),
        journal=get("journal"),
        volume=get("volume"),
        issue=get("issue"),
        pages=get("pages"),
        doi=get("doi"),
        pmid=get("pmid"),
        published=parse_date(get("date")),
        url=get("url"),
        problem=None if abstract else "the abstract is empty in this row; fill it in or "
        "remove the row",
    )


def _names(value: Any) -> list[str]:
    """Authors from a JSON list, or a cell of names split at ";", " and ", or PubMed's ", "."""
    if isinstance(value, list):
        return [str(name).strip() for name in value if str(name).strip()]
    if value in (None, "") or not str(value).strip():
        return []
    text = str(value)
    if ";" in text:
        parts = text.split(";")
    elif re.search(r"\s+and\s+", text):
        parts = re.split(r"\s+and\s+", text)
    else:
        # PubMed's CSV: "Example A, Sample B"; but "Example, Ann" is one name.
        commas = text.split(",")
        parts = commas if all(" " in p.strip() for p in commas) else [text]
    return [name.strip() for name in parts if name.strip()]


def _delimiter(header: str, name: str) -> str:
    if name.lower().removesuffix(".gz").endswith(".tsv"):
        return "\t"
    counts = {d: header.count(d) for d in (",", ";", "\t")}
    return max(counts, key=lambda d: counts[d]) if any(counts.values()) else ","


def iter_csv(lines: LineReader, name: str, max_bytes: int) -> Iterator[RawRecord]:
    """One RawRecord per data row (row 1 is the first row after the header)."""
    stream = iter(lines)
    header_line = next(stream, "")
    delimiter = _delimiter(header_line, name)
    header = next(csv.reader([header_line], delimiter=delimiter), [])
    columns = _columns(header)
    if "abstract" not in columns:
        found = ", ".join(repr(h.strip()) for h in header if h.strip()) or "none"
        raise InputError(f"{name}: no 'abstract' column (columns found: {found}); name the "
                         "column that holds the abstract text 'abstract'",
                         code=ErrorCode.NO_ABSTRACT_COLUMN, path=name)
    csv.field_size_limit(max(csv.field_size_limit(), max_bytes + 1))
    for row in csv.reader(stream, delimiter=delimiter):
        flags, problem = lines.take_notes()
        if not any(cell.strip() for cell in row):
            continue
        size = sum(len(cell) for cell in row)
        values = {f: row[i] for f, i in columns.items() if i < len(row)}
        raw = _from_fields(values)
        raw.flags = flags
        raw.problem = _size_problem(size, max_bytes) or problem or raw.problem
        yield raw


def iter_jsonl(lines: LineReader, max_bytes: int) -> Iterator[RawRecord]:
    """One RawRecord per non-blank line."""
    for line in lines:
        flags, problem = lines.take_notes()
        if not line.strip():
            continue
        if _size_problem(len(line), max_bytes):
            yield RawRecord(problem=_size_problem(len(line), max_bytes))
            continue
        raw = RawRecord(problem=problem) if problem else _json_record(line)
        raw.flags = flags
        yield raw


def _json_record(line: str) -> RawRecord:
    try:
        data = json.loads(line)
    except json.JSONDecodeError as exc:
        return RawRecord(problem=f"not valid JSON ({exc.msg}, column {exc.colno}); each line "
                                 "must be one JSON object")
    if not isinstance(data, dict):
        return RawRecord(problem="not a JSON object; each line must be {\"abstract\": ...}")
    columns = _columns(list(data))
    if "abstract" not in columns:
        keys = ", ".join(repr(k) for k in data) or "none"
        return RawRecord(problem=f"no 'abstract' key (keys found: {keys}); add the abstract text "
                                 "under 'abstract'")
    values = list(data.values())
    return _from_fields({field: values[i] for field, i in columns.items()})


def _size_problem(size: int, max_bytes: int) -> str | None:
    if size > max_bytes:
        return f"larger than the {max_bytes:,}-byte limit (max_input_bytes)"
    return None
