"""The glossary: candidate terms and explanations, shared by the jargon check and drafter."""

from __future__ import annotations

from laydraft.text.glossary import Glossary, Term, candidate_terms, explained, glossary
from laydraft.text.plain_words import plain_wording

SMALL = Glossary({
    "terms": {"multiple sclerosis": "a disease of the nerves", "placebo": "a dummy treatment"},
    "abbreviations": {"MRI": "a brain scan"},
    "common": ["UK"],
})


def test_candidate_terms_phrases_claim_their_words() -> None:
    text = "People with multiple sclerosis in the UK had an MRI and a placebo."
    found = candidate_terms(text, SMALL)
    assert [t.term for t in found] == ["multiple sclerosis", "MRI", "placebo"]
    assert found[1] == Term(text.index("MRI"), text.index("MRI") + 3, "MRI", "a brain scan")


def test_rare_words_are_candidates_without_explanation() -> None:
    (term,) = candidate_terms("Some had hepatosplenomegaly.", SMALL)
    assert term.term == "hepatosplenomegaly" and term.plain is None


def test_unicode_hyphen_words_read_as_ascii_ones() -> None:
    for text in ("A hepato\u2010splenomegaly case.", "A placebo\u2011controlled study."):
        ascii_terms = candidate_terms(text.replace("\u2010", "-").replace("\u2011", "-"), SMALL)
        found = candidate_terms(text, SMALL)
        assert [(t.start, t.end) for t in found] == [(t.start, t.end) for t in ascii_terms]
        assert all(t.term == text[t.start:t.end] for t in found)
    assert [t.term for t in candidate_terms("hepato\u2010splenomegaly", SMALL)] == [
        "hepato\u2010splenomegaly"]


def test_explained_next_to_the_term() -> None:
    for text in ("PML (a rare infection) was seen", "PML, a rare infection, was seen",
                 "PML \u2013 a rare infection", "an infection called PML was seen"):
        start = text.index("PML")
        assert explained(text, start, start + 3), text
    assert not explained("PML was seen", 0, 3)


def test_shipped_glossary_loads() -> None:
    terms = glossary()
    assert terms.terms and terms.abbreviations and terms.phrase_pattern is not None


def test_plain_wording_explains_once() -> None:
    seen: set[str] = set()
    first = plain_wording("Participants had a relapse.", seen)
    second = plain_wording("Another relapse followed.", seen)
    assert first == "People had a relapse (flare-up)."
    assert second == "Another relapse followed."
