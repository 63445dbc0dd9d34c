"""The one sentence rule: splitting, counting and "has a finished sentence" agree."""

from __future__ import annotations

import pytest

from laydraft.text.sentences import (
    clause_spans,
    count_sentences,
    ends_a_sentence,
    split_sentences,
)


def texts(text: str) -> list[str]:
    return [s.text for s in split_sentences(text)]


@pytest.mark.parametrize(("text", "expected"), [
    ("One. Two.", ["One.", "Two."]),
    ("It rose! Did it fall? No.", ["It rose!", "Did it fall?", "No."]),
    ("The rate was 0.41 overall. It fell.", ["The rate was 0.41 overall.", "It fell."]),
    ("It fell (p<0.05). Then it rose.", ["It fell (p<0.05).", "Then it rose."]),
    ('He said "stop." Then he left.', ['He said "stop."', "Then he left."]),
    ("In 2010. 15 people took part.", ["In 2010.", "15 people took part."]),
    ("Drugs, e.g. Aspirin, help.", ["Drugs, e.g. Aspirin, help."]),
    ("Smith et al. Found it.", ["Smith et al. Found it."]),
    ("See Fig. 2 and Dr. Jones.", ["See Fig. 2 and Dr. Jones."]),
    ("J. Smith wrote it.", ["J. Smith wrote it."]),
    ("It was approx. three.", ["It was approx. three."]),
    ("It fell. and then rose", ["It fell. and then rose"]),  # no capital: not an end
    ("Results\n\nWe found it", ["Results", "We found it"]),  # a blank line ends one
    ("Studies (Brown 1997; Hack 2000) agreed.", ["Studies (Brown 1997; Hack 2000) agreed."]),
    ("  Leading and trailing.  ", ["Leading and trailing."]),
    ("No stop at the end", ["No stop at the end"]),
])
def test_split(text: str, expected: list[str]) -> None:
    assert texts(text) == expected


def test_spans_point_into_the_text() -> None:
    text = "  First one.\u00a0Second\u2010one here.  "
    for sentence in split_sentences(text):
        assert text[sentence.start:sentence.end] == sentence.text
    assert texts(text) == ["First one.", "Second\u2010one here."]


@pytest.mark.parametrize("text", [
    "", "   ", "One.", "One. Two. Three.", "Dr. Who. Fig. 2 shows it", "a\n\nb", "x e.g. Y",
])
def test_count_agrees_with_split(text: str) -> None:
    assert count_sentences(text) == len(split_sentences(text))


def test_count_blank_is_zero() -> None:
    assert count_sentences("") == 0 and count_sentences(" \n ") == 0


@pytest.mark.parametrize(("text", "expected"), [
    ("We treated 40 people.", True),
    ("It worked (p=0.03).", True),
    ("Rates fell to 5%. Then", True),
    ("keywords, more keywords, and others", False),
    ("A title without a stop", False),
    ("Ellipsis only ...", False),
    ("", False),
])
def test_ends_a_sentence(text: str, expected: bool) -> None:
    assert ends_a_sentence(text) is expected


def test_clauses_cut_sentences_after_semicolons() -> None:
    text = "One; two;three. Four;  five"
    assert [text[s:e] for s, e in clause_spans(text)] == ["One;", "two;three.", "Four;", "five"]
