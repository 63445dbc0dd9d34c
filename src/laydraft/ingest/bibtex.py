"""BibTeX entries with an ``abstract`` field, via bibtexparser v2.

LaTeX in fields (``{\\"u}``, ``\\textpm``, ``$\\beta$``) is decoded to Unicode so the abstract
reads as published. BibTeX files are read whole: bibtexparser has no streaming API, and
reference-manager exports are small.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator

from bibtexparser import model
from bibtexparser.entrypoint import parse_string
from bibtexparser.library import Library
from bibtexparser.middlewares import LatexDecodingMiddleware

from .dates import iso_date, parse_date
from .record import RawRecord


def iter_bibtex(text: str) -> Iterator[RawRecord]:
    """One RawRecord per entry; a block bibtexparser could not parse is a problem record."""
    library = _parse_quietly(text)
    for block in library.blocks:
        if isinstance(block, model.Entry):
            yield _record(block)
        elif isinstance(block, model.ParsingFailedBlock):
            yield RawRecord(problem=f"malformed BibTeX entry: {_reason(block)}; check its "
                                    "braces and commas")


def _parse_quietly(text: str) -> Library:
    """Parse without bibtexparser's own warning on stderr: failed blocks are reported by us."""
    logger = logging.getLogger("bibtexparser")
    level = logger.level
    logger.setLevel(logging.ERROR)
    try:
        return parse_string(
            text, append_middleware=[LatexDecodingMiddleware(keep_math_mode=False)]
        )
    finally:
        logger.setLevel(level)


def _reason(block: model.ParsingFailedBlock) -> str:
    reason = getattr(block.error, "abort_reason", None) or str(block.error) or "unreadable"
    line = (block.start_line or 0) + 1
    return f"{reason.strip().rstrip('.')} (entry starting on line {line})"


def _field(entry: model.Entry, name: str) -> str | None:
    for field in entry.fields:
        if field.key.lower() == name and str(field.value).strip():
            return str(field.value).strip()
    return None


def _published(entry: model.Entry) -> str | None:
    date = _field(entry, "date")
    if date:
        return parse_date(date)
    return iso_date(_field(entry, "year"), _field(entry, "month"), _field(entry, "day"))


def split_names(authors: str | None) -> list[str]:
    """BibTeX's ``A and B and C`` as a list of names, each as written ("Example, Cara")."""
    if not authors:
        return []
    return [name.strip() for name in re.split(r"\s+and\s+", authors) if name.strip()]


def _pages(pages: str | None) -> str | None:
    """``15--22`` (BibTeX's en dash, decoded to "\u2013") as ``15-22``, as Vancouver writes it."""
    return re.sub(r"\s*(?:-{1,3}|[\u2013\u2014])\s*", "-", pages) if pages else None


def _record(entry: model.Entry) -> RawRecord:
    abstract = _field(entry, "abstract")
    return RawRecord(
        abstract=abstract or "",
        title=_field(entry, "title") or "",
        authors=split_names(_field(entry, "author")),
        volume=_field(entry, "volume"),
        issue=_field(entry, "number") or _field(entry, "issue"),
        pages=_pages(_field(entry, "pages")),
        journal=_field(entry, "journal") or _field(entry, "journaltitle"),
        doi=_field(entry, "doi"),
        pmid=_field(entry, "pmid"),
        published=_published(entry),
        url=_field(entry, "url"),
        problem=None if abstract else f"entry '{entry.key}' has no abstract field; add one "
        "or export the reference with its abstract",
    )
