"""Which format a file is in, from its content first and its extension second.

Content wins because tools name files loosely: PubMed saves MEDLINE text as ``.txt``, and a
``.xml`` file may be PubMed or JATS.
"""

from __future__ import annotations

import re
from pathlib import PurePath
from typing import Literal

from ..errors import InputError

Format = Literal["pubmed-xml", "jats", "medline", "ris", "wos", "bibtex", "csv", "jsonl", "text"]

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


def detect_format(name: str, sample: str) -> Format:
    """The format of a file named ``name`` whose first kilobytes are ``sample``."""
    suffix = PurePath(name.removesuffix(".gz")).suffix.lower()
    if sample.lstrip().startswith("<"):
        return _xml_format(name, sample, suffix)
    if suffix in (".csv", ".tsv"):
        return "csv"
    for pattern, fmt in ((_MEDLINE, "medline"), (_RIS, "ris"), (_WOS, "wos")):
        if pattern.search(sample):
            return fmt  # type: ignore[return-value]
    if suffix in (".bib", ".bibtex") or _BIBTEX.match(sample):
        return "bibtex"
    if suffix in (".jsonl", ".ndjson") or sample.lstrip().startswith("{"):
        return "jsonl"
    if suffix == ".json":
        raise InputError(f"{name}: a JSON array is not read; write one JSON object per line "
                         "(JSONL, .jsonl) with an 'abstract' key")
    return "text"


def _xml_format(name: str, sample: str, suffix: str) -> Format:
    root = xml_root(sample)
    if root in PUBMED_ROOTS:
        return "pubmed-xml"
    if root in JATS_ROOTS:
        return "jats"
    if root is None or root.lower() in HTML_ROOTS or suffix in (".txt", ".md", ".html", ".htm"):
        return "text"
    raise InputError(
        f"{name}: XML with root <{root}> is not a format laydraft reads; use PubMed XML "
        "(PubmedArticleSet or MedlineCitationSet from efetch or the baseline) or PMC JATS "
        "(<article>)"
    )
