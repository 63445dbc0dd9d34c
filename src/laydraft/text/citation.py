"""A study's citation for a published page, in the NLM (Vancouver) style PubMed uses.

``Example A, Sample B, Other C, et al. Title. Journal. 2021;12(2):15-22.``

Sources give author names in several shapes ("Example A" from PubMed, "Example, Ann" from RIS
and BibTeX, "Ann Example" from a spreadsheet, a group's name); ``nlm_name`` brings each to
"Surname Initials". Journal names come in NLM sentence case ("Invented rehabilitation journal")
or all capitals from some exports; ``journal_title`` puts them in title case with the maintained
``titlecase`` library, keeping acronyms (JAMA, BMJ) and names already in title or mixed case.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from titlecase import titlecase

# Acronyms in journal names that title case would otherwise turn into "Jama" or "Bmj" when a
# source gives the name in capitals; a word written in mixed case ("PLoS") is kept as written.
JOURNAL_ACRONYMS = frozenset({
    "AIDS", "AJNR", "AMA", "BJOG", "BMC", "BMJ", "CMAJ", "CNS", "EMBO", "FEBS", "HIV", "IEEE",
    "JAMA", "JCI", "JNNP", "MS", "NEJM", "NIH", "PLOS", "PNAS", "QJM", "UK", "USA", "US",
})
_SMALL = frozenset({"a", "an", "and", "as", "at", "but", "by", "en", "for", "if", "in", "of",
                    "on", "or", "the", "to", "v", "vs", "via", "de", "la", "le", "und", "der"})
_INITIALS = re.compile(r"^[A-Z]{1,4}$")
_GROUP = re.compile(r"\b(?:group|collaborat\w*|consortium|investigators|study|network|"
                    r"committee|team|society|association|working|trial|trialists)\b", re.I)


def _acronyms(word: str, all_caps: bool = False, **_: object) -> str | None:
    """titlecase's callback: a known acronym stays in capitals (``PLOS`` as written)."""
    bare = word.strip(".,:;()")
    if bare.upper() not in JOURNAL_ACRONYMS:
        return None
    mixed = bare != bare.upper() and bare != bare.lower()
    return word if mixed else word.replace(bare, bare.upper())


def needs_title_case(name: str) -> bool:
    """True for a name in capitals or in sentence case (a long word after the first is lower)."""
    letters = [c for c in name if c.isalpha()]
    if letters and all(c.isupper() for c in letters) and len(letters) > 4:
        return True
    words = re.findall(r"[^\W\d_][\w'-]*", name)
    return any(w[0].islower() and w.lower() not in _SMALL and w == w.lower()
               for w in words[1:])


def journal_title(name: str | None) -> str | None:
    """The journal's name in title case when the source gave it in sentence case or capitals."""
    if not name or not name.strip():
        return None
    name = " ".join(name.split())
    return titlecase(name, callback=_acronyms) if needs_title_case(name) else name


def nlm_name(name: str) -> str:
    """"Surname Initials" from "Surname, Given Names", "Given Names Surname" or "Surname GN".

    A group's name (more than three words, or with no given name) is kept as given.
    """
    name = " ".join(name.split()).strip(" ,;")
    if _GROUP.search(name):
        return name
    if "," in name:
        surname, _, given = name.partition(",")
        given = given.strip()
        return f"{surname.strip()} {_initials(given)}".strip() if given else surname.strip()
    words = name.split(" ")
    if len(words) == 1 or len(words) > 4 or _INITIALS.match(words[-1]):
        return name  # "Example A" already, a single name, or a group
    return f"{words[-1]} {_initials(' '.join(words[:-1]))}"


def _initials(given: str) -> str:
    if _INITIALS.match(given.replace(" ", "").replace(".", "")):
        return given.replace(" ", "").replace(".", "")
    parts = re.split(r"[\s.]+", given)
    return "".join(p[0].upper() for p in parts if p and p[0].isalpha())


def author_list(authors: list[str], most: int) -> str:
    """Vancouver's author list: the first ``most`` names, then "et al." (0: every name)."""
    names = [nlm_name(a) for a in authors if a.strip()]
    if most and len(names) > most:
        return ", ".join(names[:most]) + ", et al."
    return ", ".join(names)


@dataclass(frozen=True)
class Citation:
    """The parts of a citation a page lays out, and the whole as one line of text."""

    authors: str
    title: str
    journal: str
    source: str  # "2021;12(2):15-22"

    def text(self) -> str:
        parts = [self.authors, self.title, self.journal]
        line = " ".join(full_stop(p) for p in parts if p)
        return f"{line} {full_stop(self.source)}".strip() if self.source else line


def full_stop(part: str) -> str:
    """A citation part ends with a full stop (one, after any "?" or "!")."""
    part = part.strip()
    return part if not part or part[-1] in ".?!" else part + "."


def source_line(year: str | None, volume: str | None, issue: str | None,
                pages: str | None) -> str:
    """Vancouver's "2021;12(2):15-22", with whatever parts are known."""
    line = year or ""
    if volume or issue:
        line += ";" if line else ""
        line += (volume or "") + (f"({issue})" if issue else "")
    if pages:
        line += f":{pages}" if line else pages
    return line


def citation(authors: list[str], title: str | None, journal: str | None, year: str | None,
             volume: str | None, issue: str | None, pages: str | None,
             most_authors: int) -> Citation:
    """A study's citation from its metadata; missing parts are left out."""
    return Citation(authors=author_list(authors, most_authors), title=(title or "").strip(),
                    journal=journal_title(journal) or "",
                    source=source_line(year, volume, issue, pages))
