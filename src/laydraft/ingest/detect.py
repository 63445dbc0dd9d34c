"""Detectors: does a file look like a format, from its content first and its extension second.

Content wins because tools name files loosely: PubMed saves MEDLINE text as ``.txt``, and a
``.xml`` file may be PubMed or JATS. The registry in ``formats.py`` pairs each detector with
its reader and asks them in order.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import PurePath

from ..errors import ErrorCode, InputError

PUBMED_ROOTS = frozenset(
    {"PubmedArticleSet", "PubmedArticle", "MedlineCitationSet", "MedlineCitation",
     "PubmedBookArticle", "eFetchResult"}
)
JATS_ROOTS = frozenset({"article", "pmc-articleset"})
HTML_ROOTS = frozenset({"html", "body", "p", "div", "span", "section", "br", "b", "i", "h1",
                        "h2", "h3", "em", "strong", "abstract"})
_ROOT = re.compile(r"<([A-Za-z_][\w:.-]*)")
_XML_PROLOG = re.compile(
    r"^(?:\s|<\?.*?\?>|<!--.*?-->|<!DOCTYPE[^\[>]*(?:\[.*?\])?\s*>)*", re.DOTALL
)
_MEDLINE = re.compile(r"^PMID- ?\d", re.MULTILINE)
_RIS = re.compile(r"^TY  - ", re.MULTILINE)
_WOS = re.compile(r"^(?:FN |PT [A-Z]\s*$)", re.MULTILINE)
_BIBTEX = re.compile(r"^\s*@[A-Za-z]+\s*[{(]", re.MULTILINE)


def xml_root(sample: str) -> str | None:
    """The name of the first element, skipping the declaration, comments and DOCTYPE."""
    rest = sample[_XML_PROLOG.match(sample).end():]  # type: ignore[union-attr]
    match = _ROOT.match(rest)
    return match.group(1).split(":")[-1] if match else None


@dataclass(frozen=True)
class Sniff:
    """What format detection looks at: the file's name and its first kilobytes, decoded."""

    name: str
    sample: str

    @property
    def suffix(self) -> str:
        return PurePath(self.name.removesuffix(".gz")).suffix.lower()

    @property
    def xml(self) -> bool:
        return self.sample.lstrip().startswith("<")

    @property
    def root(self) -> str | None:
        return xml_root(self.sample) if self.xml else None


def is_pubmed_xml(s: Sniff) -> bool:
    return s.root in PUBMED_ROOTS


def is_jats(s: Sniff) -> bool:
    return s.root in JATS_ROOTS


def is_csv(s: Sniff) -> bool:
    return not s.xml and s.suffix in (".csv", ".tsv")


def is_medline(s: Sniff) -> bool:
    return not s.xml and bool(_MEDLINE.search(s.sample))


def is_ris(s: Sniff) -> bool:
    return not s.xml and bool(_RIS.search(s.sample))


def is_wos(s: Sniff) -> bool:
    return not s.xml and bool(_WOS.search(s.sample))


def is_bibtex(s: Sniff) -> bool:
    return not s.xml and (s.suffix in (".bib", ".bibtex") or bool(_BIBTEX.match(s.sample)))


def is_jsonl(s: Sniff) -> bool:
    return not s.xml and (s.suffix in (".jsonl", ".ndjson") or s.sample.lstrip().startswith("{"))


def is_text(s: Sniff) -> bool:
    """Plain text, Markdown or pasted HTML: the fallback once the refusals have passed."""
    return True


def refuse_unread(s: Sniff) -> None:
    """Refuse what looks like a format laydraft does not read, instead of reading it as text."""
    if not s.xml and s.suffix == ".json":
        raise InputError(f"{s.name}: a JSON array is not read; write one JSON object per line "
                         "(JSONL, .jsonl) with an 'abstract' key",
                         code=ErrorCode.FORMAT_UNSUPPORTED, path=s.name, format="json")
    root = s.root
    if s.xml and root is not None and root.lower() not in HTML_ROOTS \
            and s.suffix not in (".txt", ".md", ".html", ".htm"):
        raise InputError(
            f"{s.name}: XML with root <{root}> is not a format laydraft reads; use PubMed XML "
            "(PubmedArticleSet or MedlineCitationSet from efetch or the baseline) or PMC JATS "
            "(<article>)", code=ErrorCode.FORMAT_UNSUPPORTED, path=s.name, format="xml",
        )
