"""MEDLINE / NBIB tagged text (PubMed's "Save as PubMed format"), streamed record by record.

Lines are ``TAG - value`` with the tag padded to four characters; values wrap onto lines that
start with six spaces; records start with ``PMID-`` and are separated by blank lines. The
format is simple enough that a hand parser is smaller than any dependency, and it streams.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from .dates import parse_date
from .decoding import LineReader
from .record import RawRecord

_TAG = re.compile(r"^([A-Z][A-Z0-9]{0,3})\s*- ?(.*)$")
PUBMED_URL = "https://pubmed.ncbi.nlm.nih.gov/{pmid}/"


def iter_medline(lines: LineReader, max_bytes: int) -> Iterator[RawRecord]:
    """One RawRecord per citation."""
    for fields, problem, size in _chunks(lines):
        flags, decode_problem = lines.take_notes()
        if size > max_bytes:
            yield RawRecord(problem=f"larger than the {max_bytes:,}-byte limit (max_input_bytes)")
        elif problem or decode_problem:
            yield RawRecord(problem=problem or decode_problem)
        else:
            raw = _record(fields)
            raw.flags = flags
            yield raw


def _chunks(lines: Iterable[str]) -> Iterator[tuple[dict[str, list[str]], str | None, int]]:
    """(fields, problem, size) per record; a record ends at a blank line or the next PMID."""
    fields: dict[str, list[str]] = {}
    problem: str | None = None
    size, last = 0, None
    for line in lines:
        line = line.rstrip("\r\n")
        if not line.strip() or (line.startswith("PMID-") and fields):
            if fields or problem:
                yield fields, problem, size
            fields, problem, size, last = {}, None, 0, None
            if not line.strip():
                continue
        size += len(line)
        last, problem = _add_line(fields, line, last, problem)
    if fields or problem:
        yield fields, problem, size


def _add_line(fields: dict[str, list[str]], line: str, last: str | None,
              problem: str | None) -> tuple[str | None, str | None]:
    match = _TAG.match(line)
    if match and not line.startswith(" "):
        tag = match.group(1)
        fields.setdefault(tag, []).append(match.group(2).strip())
        return tag, problem
    if line.startswith(" ") and last:
        fields[last][-1] += " " + line.strip()
        return last, problem
    return last, problem or (
        f"malformed MEDLINE record: {line[:40]!r} is neither a 'TAG - value' line nor an "
        "indented continuation; export the file again from PubMed"
    )


def _first(fields: dict[str, list[str]], *tags: str) -> str | None:
    for tag in tags:
        if fields.get(tag):
            return fields[tag][0]
    return None


def _doi(fields: dict[str, list[str]]) -> str | None:
    for value in fields.get("AID", []) + fields.get("LID", []):
        if value.endswith("[doi]"):
            return value.removesuffix("[doi]").strip()
    return None


def _record(fields: dict[str, list[str]]) -> RawRecord:
    pmid = _first(fields, "PMID")
    abstract = _first(fields, "AB")
    return RawRecord(
        abstract=abstract or "",
        title=_first(fields, "TI", "BTI") or "",
        authors=(fields.get("AU") or fields.get("FAU") or []) + fields.get("CN", []),
        journal=_first(fields, "JT", "TA"),
        volume=_first(fields, "VI"),
        issue=_first(fields, "IP"),
        pages=_first(fields, "PG"),
        doi=_doi(fields),
        pmid=pmid,
        published=parse_date(_first(fields, "DP", "DEP")),
        url=PUBMED_URL.format(pmid=pmid) if pmid else None,
        problem=None if abstract else f"no abstract (PMID {pmid or 'unknown'}); "
        "laydraft needs the abstract text",
    )
