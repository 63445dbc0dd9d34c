"""Pasted text: normalise whitespace and build an ``Abstract``."""

from __future__ import annotations

import re
import unicodedata

from ..errors import InputError
from ..models import Abstract, SourcePosition

MIN_WORDS = 30


def parse_text(text: str, source: SourcePosition | None = None) -> Abstract:
    """Build an Abstract from pasted text, refusing text too short to be an abstract."""
    text = unicodedata.normalize("NFC", text)
    paragraphs = [" ".join(p.split()) for p in re.split(r"\n\s*\n", text)]
    body = "\n\n".join(p for p in paragraphs if p)
    where = f"{source}: " if source else ""
    if not body:
        raise InputError(f"{where}the input is empty")
    if len(body.split()) < MIN_WORDS or not re.search(r"[.!?]", body):
        raise InputError(
            f"{where}this does not look like an abstract ({len(body.split())} words, "
            f"at least {MIN_WORDS} words in full sentences expected)"
        )
    return Abstract(text=body, source=source)
