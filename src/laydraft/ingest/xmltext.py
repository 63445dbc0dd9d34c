"""Text of XML elements with inline markup (``<i>``, ``<sub>``, ``<sup>``) read as people read it."""

from __future__ import annotations

import re
from xml.etree.ElementTree import Element

INLINE_TAGS = frozenset({"i", "b", "u", "sub", "sup", "italic", "bold", "underline", "sc",
                         "monospace", "em", "strong", "mml:math", "inline-formula"})


def local(tag: object) -> str:
    """A tag without its namespace."""
    return str(tag).rsplit("}", 1)[-1]


def element_text(element: Element) -> str:
    """All text in ``element``, one line, without the line breaks pretty-printing added.

    PubMed indents inline elements onto their own lines (``β\\n\\t\\t<sub>2</sub>-agonist``);
    whitespace containing a newline before an inline element is layout, not a space.
    """
    parts: list[str] = []
    _collect(element, parts, top=True)
    return " ".join("".join(parts).split())


def _collect(element: Element, parts: list[str], top: bool = False) -> None:
    if not top and local(element.tag) in INLINE_TAGS and parts:
        parts[-1] = re.sub(r"\s*\n\s*$", "", parts[-1])
    parts.append(element.text or "")
    for child in element:
        _collect(child, parts)
        parts.append(child.tail or "")


def find_text(parent: Element | None, path: str) -> str | None:
    """The text of the first element at ``path``, or None when absent or empty."""
    if parent is None:
        return None
    found = parent.find(path)
    if found is None:
        return None
    return element_text(found) or None
