"""Reading a lay summary a person wrote, so editors can run the checks on their own writing.

Two shapes are accepted. Markdown with a heading per section ("What was found", "Why it
matters", "Limitations"; the headline as a "Headline" section or as the first top-level
heading). Or plain text: a short first paragraph is the headline and the next paragraphs are
the three sections in order. Missing sections stay empty, so the completeness check can say
what is missing instead of the reader refusing the file.
"""

from __future__ import annotations

import re

from ..models import SECTION_TITLES, SUMMARY_SECTIONS, LaySummary, count_words

_HEADING = re.compile(r"^(#{1,6})\s+(.+?)\s*#*\s*$")
_BY_TITLE = {title.lower(): name for name, title in SECTION_TITLES.items()}
_BY_TITLE.update({name.replace("_", " "): name for name in SECTION_TITLES})
_HEADLINE_MAX_WORDS = 30


def _join(lines: list[str]) -> str:
    paragraphs = re.split(r"\n\s*\n", "\n".join(lines).strip())
    return "\n\n".join(" ".join(p.split()) for p in paragraphs if p.strip())


def _from_markdown(lines: list[str]) -> dict[str, str]:
    found: dict[str, list[str]] = {}
    current: str | None = None
    for line in lines:
        heading = _HEADING.match(line)
        if heading:
            title = heading.group(2).strip().rstrip(":").lower()
            if title in _BY_TITLE:
                current = _BY_TITLE[title]
                found.setdefault(current, [])
                continue
            if "headline" not in found and heading.group(1) == "#":
                found["headline"] = [heading.group(2)]
                current = None
                continue
        if current is not None:
            found[current].append(line)
    return {name: _join(found.get(name, [])) for name in SECTION_TITLES}


def _from_plain_text(text: str) -> dict[str, str]:
    paragraphs = [" ".join(p.split()) for p in re.split(r"\n\s*\n", text.strip()) if p.strip()]
    fields = dict.fromkeys(SECTION_TITLES, "")
    if paragraphs and count_words(paragraphs[0]) <= _HEADLINE_MAX_WORDS and len(paragraphs) > 1:
        fields["headline"] = paragraphs.pop(0)
    if len(paragraphs) > len(SUMMARY_SECTIONS):
        paragraphs = [" ".join(paragraphs[:-2]), *paragraphs[-2:]]
    for name, paragraph in zip(SUMMARY_SECTIONS, paragraphs, strict=False):
        fields[name] = paragraph
    return fields


def read_summary(text: str) -> LaySummary:
    """A LaySummary from Markdown or plain text; sections not found are left empty."""
    lines = text.splitlines()
    has_sections = any((m := _HEADING.match(line)) and m.group(2).strip().rstrip(":").lower()
                       in _BY_TITLE for line in lines)
    fields = _from_markdown(lines) if has_sections else _from_plain_text(text)
    return LaySummary.model_construct(None, **fields)
