"""PubMed XML: ``PubmedArticleSet`` from efetch and ``MedlineCitationSet`` from the baseline.

Read with ``iterparse`` and each record dropped once built, so a 30,000-citation baseline file
takes the memory of one citation. defusedxml refuses entity declarations (billion-laughs).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import BinaryIO
from xml.etree.ElementTree import Element, ParseError

import defusedxml.ElementTree as SafeET
from defusedxml import DefusedXmlException

from .dates import iso_date, parse_date
from .record import RawRecord, RawSection
from .xmltext import element_text, find_text, local

RECORD_TAGS = frozenset({"PubmedArticle", "MedlineCitation", "PubmedBookArticle"})
PUBMED_URL = "https://pubmed.ncbi.nlm.nih.gov/{pmid}/"


def iter_pubmed(stream: BinaryIO, max_bytes: int) -> Iterator[RawRecord]:
    """One RawRecord per citation; a syntax error ends the file with one record that says so."""
    depth, root = 0, None
    try:
        for event, element in SafeET.iterparse(stream, events=("start", "end")):
            if event == "start":
                root = element if root is None else root
                depth += 1
                continue
            depth -= 1
            if depth <= 1 and local(element.tag) in RECORD_TAGS:
                yield _record(element, max_bytes)
            if depth == 1 and root is not None:
                root.clear()
    except ParseError as exc:
        yield RawRecord(problem=f"malformed XML ({exc}); the records before it were read, "
                                "re-export or repair the file for the rest")
    except DefusedXmlException as exc:
        yield RawRecord(problem=f"unsafe XML refused ({type(exc).__name__}): entity "
                                "declarations are not allowed; export the file again from PubMed")


def _record(element: Element, max_bytes: int) -> RawRecord:
    citation = element if local(element.tag) == "MedlineCitation" else element.find(
        "MedlineCitation")
    if citation is None:
        citation = element.find("BookDocument")
    if citation is None:
        return RawRecord(problem="no MedlineCitation in this PubMed record")
    size = sum(len(t) for t in element.itertext())
    if size > max_bytes:
        return RawRecord(problem=f"larger than the {max_bytes:,}-byte limit (max_input_bytes)")
    raw = _metadata(citation, element)
    raw.sections = _sections(citation)
    if not raw.sections:
        raw.problem = f"no abstract (PMID {raw.pmid or 'unknown'}); laydraft needs the abstract text"
    return raw


def _sections(citation: Element) -> list[RawSection]:
    abstract = citation.find(".//Abstract")
    if abstract is None:
        return []
    return [
        RawSection(
            label=part.get("Label") or "",
            text=element_text(part),
            nlm_category=part.get("NlmCategory"),
        )
        for part in abstract.findall("AbstractText")
    ]


def _metadata(citation: Element, record: Element) -> RawRecord:
    pmid = find_text(citation, "PMID")
    return RawRecord(
        title=find_text(citation, ".//ArticleTitle") or find_text(citation, ".//BookTitle"),
        authors=_authors(citation),
        journal=find_text(citation, ".//Journal/Title"),
        volume=find_text(citation, ".//JournalIssue/Volume"),
        issue=find_text(citation, ".//JournalIssue/Issue"),
        pages=_pages(citation),
        doi=_doi(citation, record),
        pmid=pmid,
        published=_pub_date(citation),
        url=PUBMED_URL.format(pmid=pmid) if pmid else None,
    )


def _authors(citation: Element) -> list[str]:
    """NLM form, as PubMed shows it: "Example A", or a group's name."""
    names = []
    for author in citation.findall(".//AuthorList/Author"):
        if author.get("ValidYN") == "N":
            continue
        group = find_text(author, "CollectiveName")
        last = find_text(author, "LastName")
        initials = find_text(author, "Initials") or ""
        if last:
            names.append(f"{last} {initials}".strip())
        elif group:
            names.append(group)
    return names


def _pages(citation: Element) -> str | None:
    pagination = citation.find(".//Pagination")
    if pagination is not None:
        medline = find_text(pagination, "MedlinePgn")
        if medline:
            return medline
        start, end = find_text(pagination, "StartPage"), find_text(pagination, "EndPage")
        if start:
            return f"{start}-{end}" if end else start
    for location in citation.iter("ELocationID"):
        if location.get("EIdType") == "pii" and location.text:
            return location.text.strip()
    return None


def _doi(citation: Element, record: Element) -> str | None:
    for location in citation.iter("ELocationID"):
        if location.get("EIdType") == "doi" and location.text:
            return location.text.strip()
    for article_id in record.iter("ArticleId"):
        if article_id.get("IdType") == "doi" and article_id.text:
            return article_id.text.strip()
    return None


def _pub_date(citation: Element) -> str | None:
    date = citation.find(".//JournalIssue/PubDate")
    if date is None:
        date = citation.find(".//PubDate")
    if date is None:
        return None
    medline_date = find_text(date, "MedlineDate")
    if medline_date:
        return parse_date(medline_date)
    return iso_date(find_text(date, "Year"), find_text(date, "Month"), find_text(date, "Day"))
