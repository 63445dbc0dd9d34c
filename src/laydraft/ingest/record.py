"""One record as a format parser found it, and the single place it becomes an ``Abstract``.

Every format (pasted text, XML, MEDLINE, RIS, BibTeX, CSV, JSONL, E-utilities) ends here, so
cleaning, section detection, the "is this an abstract?" check and the prompt-injection flags
are the same whatever the source.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..errors import InputError
from ..models import Abstract, AbstractSection, SourcePosition
from ..text.escaping import safe_url
from ..text.sentences import ends_a_sentence
from ..text.suspicious import injection_flags
from .clean import clean_text, squash
from .labels import category_for, nlm_category
from .sections import Block, segment, take_title

MIN_WORDS = 10
SHORT_WORDS = 30


@dataclass
class RawSection:
    label: str
    text: str
    nlm_category: str | None = None


@dataclass
class RawRecord:
    """Fields a parser read; ``problem`` says why the record cannot be used, if it cannot."""

    abstract: str = ""
    sections: list[RawSection] = field(default_factory=list)
    title: str | None = None
    authors: list[str] = field(default_factory=list)
    journal: str | None = None
    volume: str | None = None
    issue: str | None = None
    pages: str | None = None
    doi: str | None = None
    pmid: str | None = None
    published: str | None = None
    url: str | None = None
    flags: list[str] = field(default_factory=list)
    problem: str | None = None


def reject(reason: str, source: SourcePosition | None) -> InputError:
    """An InputError naming where the record came from; ``reason`` is kept for RecordError."""
    where = f"{source}: " if source else ""
    return InputError(where + reason, reason=reason, source=str(source) if source else "")


def _check_is_abstract(text: str, source: SourcePosition | None) -> list[str]:
    """Refuse text that cannot be an abstract; flag text that is only short (a notice, a letter)."""
    if not text.strip():
        raise reject("the abstract is empty; paste or point to text with the abstract in it",
                     source)
    words = len(text.split())
    if words < MIN_WORDS or not ends_a_sentence(text):
        raise reject(
            f"this does not look like an abstract ({words} words; at least {MIN_WORDS} words "
            "in full sentences expected); check that the whole abstract was copied",
            source,
        )
    if words < SHORT_WORDS:
        return [f"short: only {words} words; check that the whole abstract was copied"]
    return []


def _sections_from_blocks(blocks: list[Block]) -> list[AbstractSection]:
    if not any(b.label for b in blocks):
        return []
    return [
        AbstractSection(label=b.label or "", category=category_for(b.label or ""), text=b.text)
        for b in blocks
        if b.text
    ]


def _render(sections: list[AbstractSection], blocks: list[Block]) -> str:
    """Readable flat text: labelled sections as ``LABEL: text`` paragraphs."""
    if not sections:
        return "\n\n".join(b.text for b in blocks if b.text)
    return "\n\n".join(f"{s.label}: {s.text}" if s.label else s.text for s in sections)


def _from_flat(text: str, title: str | None) -> tuple[str | None, list[AbstractSection], str]:
    """Sections found in flat text; a title line is looked for only when ``title`` is None."""
    text = clean_text(text)
    if title is None:
        title, text = take_title(text)
    blocks = segment(text)
    sections = _sections_from_blocks(blocks)
    return title, sections, _render(sections, blocks)


def _from_sections(raw: RawRecord) -> tuple[str | None, list[AbstractSection], str]:
    """Sections as the source labelled them; unlabelled parts are read as flat text."""
    sections = [
        AbstractSection(
            label=squash(s.label),
            category=nlm_category(s.label, s.nlm_category),
            text=squash(s.text),
        )
        for s in raw.sections
        if s.text.strip()
    ]
    if not any(s.label for s in sections):
        return _from_flat("\n\n".join(s.text for s in sections), raw.title or "")
    return raw.title, sections, _render(sections, [])


@dataclass(frozen=True)
class KnownRecord:
    """A record the reader was told to pass over by its key (``iter_records``'s ``skip``),
    without building its Abstract; ``reason`` is what ``skip`` said."""

    key: str
    reason: str
    source: str


def record_key(raw: RawRecord) -> str | None:
    """The ``Abstract.stable_key`` this record's Abstract will have, when its DOI or PMID
    says it without building the Abstract; None for a record keyed by its text, or one that
    cannot be used."""
    if raw.problem:
        return None
    doi = _tidy_doi(raw.doi)
    if doi:
        return "doi:" + doi.strip().lower()
    if raw.pmid and raw.pmid.strip():
        return "pmid:" + raw.pmid.strip()
    return None


def build_abstract(raw: RawRecord, source: SourcePosition | None = None) -> Abstract:
    """Validate and assemble an Abstract; raises InputError naming ``source``."""
    if raw.problem:
        raise reject(raw.problem, source)
    if raw.sections:
        title, sections, text = _from_sections(raw)
    else:
        title, sections, text = _from_flat(raw.abstract, raw.title)
    short = _check_is_abstract(text, source)
    # Scan the text before lines were joined, so a "system:" at a line start is still seen.
    scanned = "\n".join(filter(None, [title, clean_text(raw.abstract) if raw.abstract else text]))
    flags = [*raw.flags, *short, *injection_flags(scanned)]
    url = safe_url(raw.url)
    if raw.url and url is None:
        flags.append(f"link dropped: {raw.url.strip()[:120]!r} is not an http(s) address")
    return Abstract(
        text=text,
        title=squash(title) if title else None,
        authors=[squash(name) for name in raw.authors if name.strip()],
        journal=squash(raw.journal) if raw.journal else None,
        volume=_tidy(raw.volume),
        issue=_tidy(raw.issue),
        pages=_tidy(raw.pages),
        doi=_tidy_doi(raw.doi),
        pmid=raw.pmid.strip() if raw.pmid and raw.pmid.strip() else None,
        published=raw.published or None,
        url=url or (f"https://doi.org/{_tidy_doi(raw.doi)}" if raw.doi else None),
        sections=sections,
        source=source,
        flags=flags,
    )


def _tidy(value: str | None) -> str | None:
    """A short metadata value on one line, or None when the source left it blank."""
    if not value:
        return None
    return squash(value) or None


def _tidy_doi(doi: str | None) -> str | None:
    """A bare DOI: no "https://doi.org/" or "doi:" prefix, no surrounding space."""
    if not doi or not doi.strip():
        return None
    doi = doi.strip()
    doi = re.sub(r"^(?:https?://(?:dx\.)?doi\.org/|doi:\s*)", "", doi, flags=re.IGNORECASE)
    return doi or None
