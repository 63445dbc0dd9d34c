"""PMC JATS XML (``<article>``, or several in a ``<pmc-articleset>``): the front-matter abstract.

Full-text files run to megabytes but are read whole: the abstract sits in the front matter and
JATS files are one article each, so ``max_bytes`` bounds the memory.
"""

from __future__ import annotations

from collections.abc import Iterator
from xml.etree.ElementTree import Element, ParseError

import defusedxml.ElementTree as SafeET
from defusedxml import DefusedXmlException

from .dates import iso_date
from .record import RawRecord, RawSection
from .xmltext import element_text, find_text, local

PMC_URL = "https://www.ncbi.nlm.nih.gov/pmc/articles/PMC{pmcid}/"
_PREFERRED_DATES = ("epub", "ppub", "pub", "collection")


def iter_jats(data: bytes) -> Iterator[RawRecord]:
    """One RawRecord per ``<article>``."""
    try:
        root = SafeET.fromstring(data)
    except ParseError as exc:
        yield RawRecord(problem=f"malformed XML ({exc}); repair or download the file again")
        return
    except DefusedXmlException as exc:
        yield RawRecord(problem=f"unsafe XML refused ({type(exc).__name__}): entity "
                                "declarations are not allowed")
        return
    articles = [root] if local(root.tag) == "article" else root.findall(".//article")
    for article in articles:
        yield _record(article)


def _record(article: Element) -> RawRecord:
    meta = article.find("front/article-meta")
    if meta is None:
        return RawRecord(problem="no <front>/<article-meta> in this JATS article")
    raw = _metadata(article, meta)
    abstract = _main_abstract(meta)
    if abstract is None:
        raw.problem = "no <abstract> in the article's front matter"
        return raw
    sections = abstract.findall("sec")
    if sections:
        raw.sections = [_section(sec) for sec in sections]
    else:
        raw.abstract = "\n\n".join(element_text(p) for p in abstract.iter("p"))
    return raw


def _main_abstract(meta: Element) -> Element | None:
    """The plain abstract, not a graphical abstract, teaser or author summary."""
    abstracts = meta.findall("abstract")
    plain = [a for a in abstracts if a.get("abstract-type") in (None, "", "structured")]
    chosen = plain or abstracts
    return chosen[0] if chosen else None


def _section(sec: Element) -> RawSection:
    label = find_text(sec, "title") or find_text(sec, "label") or ""
    text = " ".join(element_text(p) for p in sec.iter("p"))
    return RawSection(label=label, text=text)


def _metadata(article: Element, meta: Element) -> RawRecord:
    ids = {i.get("pub-id-type"): (i.text or "").strip() for i in meta.findall("article-id")}
    doi, pmcid = ids.get("doi"), ids.get("pmc") or ids.get("pmcid")
    url = f"https://doi.org/{doi}" if doi else None
    if not url and pmcid:
        url = PMC_URL.format(pmcid=pmcid.removeprefix("PMC"))
    return RawRecord(
        title=find_text(meta, "title-group/article-title"),
        authors=_authors(meta),
        journal=find_text(article, "front/journal-meta//journal-title"),
        volume=find_text(meta, "volume"),
        issue=find_text(meta, "issue"),
        pages=_pages(meta),
        doi=doi or None,
        pmid=ids.get("pmid") or None,
        published=_published(meta),
        url=url,
    )


def _authors(meta: Element) -> list[str]:
    """"Surname Given-names" of each author, or a collaboration's name, in order."""
    names = []
    for contrib in meta.findall("contrib-group/contrib"):
        if contrib.get("contrib-type", "author") != "author":
            continue
        name = contrib.find("name")
        if name is not None:
            parts = [find_text(name, "surname"), find_text(name, "given-names")]
            names.append(", ".join(p for p in parts if p))
        elif find_text(contrib, "collab"):
            names.append(find_text(contrib, "collab") or "")
    return [n for n in names if n]


def _pages(meta: Element) -> str | None:
    first, last = find_text(meta, "fpage"), find_text(meta, "lpage")
    if first:
        return f"{first}-{last}" if last and last != first else first
    return find_text(meta, "elocation-id")


def _published(meta: Element) -> str | None:
    dates = meta.findall("pub-date")
    by_type = {d.get("pub-type") or d.get("date-type") or "": d for d in dates}
    for kind in _PREFERRED_DATES:
        if kind in by_type:
            date = by_type[kind]
            return iso_date(find_text(date, "year"), find_text(date, "month"),
                            find_text(date, "day"))
    if dates:
        return iso_date(find_text(dates[0], "year"), find_text(dates[0], "month"),
                        find_text(dates[0], "day"))
    return None
