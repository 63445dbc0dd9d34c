"""Pasted text: clean it, find a title and labelled sections, and build an ``Abstract``."""

from __future__ import annotations

from ..models import Abstract, SourcePosition
from .record import RawRecord, build_abstract


def parse_text(
    text: str,
    source: SourcePosition | None = None,
    *,
    title: str | None = None,
    flags: list[str] | None = None,
) -> Abstract:
    """Build an Abstract from pasted text, refusing text too short to be an abstract.

    ``title`` skips looking for a title line (the caller already knows it); ``flags`` are notes
    from reading the file (for example an encoding guess) to keep on the record.
    """
    raw = RawRecord(abstract=text, title=title, flags=list(flags or []))
    return build_abstract(raw, source)
