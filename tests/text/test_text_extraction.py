"""Extraction alone: what a number is, without any source to trace it to."""

from __future__ import annotations

import pytest

from laydraft.text.number_words import parse_number, parse_words
from laydraft.text.numbers import NumberMention, dimension, extract_numbers


def one(text: str) -> NumberMention:
    (mention,) = extract_numbers(text)
    return mention


@pytest.mark.parametrize(("text", "value"), [
    ("ninety-four", 94.0), ("two thousand and five", 2005.0), ("a hundred", 100.0),
    ("three hundred and twelve", 312.0), ("one million", 1_000_000.0),
])
def test_parse_words(text: str, value: float) -> None:
    assert parse_words(text) == value


def test_parse_number_reads_precision() -> None:
    assert parse_number("0.41") == (0.41, 2)
    assert parse_number("7,843") == (7843.0, 0)
    assert parse_number("1.2 million") == (1_200_000.0, -5)
    assert parse_number("a dozen") == (1.0, 0)  # "a" reads as one; callers match "dozen"
    assert parse_number("few") is None


@pytest.mark.parametrize(("text", "qualifier"), [
    ("about 40 people", "approx"), ("more than 40 people", "more"), ("<40 people", "less"),
    ("at least 40 people", "more"), ("no more than 40 people", "less"),
    ("(approximately 40 people", "approx"), ("about one hour and 20 minutes", "approx"),
    ("p<40", None), ("40 people", None),
])
def test_qualifiers(text: str, qualifier: str | None) -> None:
    assert extract_numbers(text)[-1].qualifier == qualifier


@pytest.mark.parametrize(("text", "counts"), [
    ("14 studies in adults", "study"), ("1742 trial participants", "person"),
    ("300 mg daily", "mg"), ("7-point scale", "point"), ("20 of which included people", None),
    ("type 2 diabetes", "type"),
])
def test_what_a_number_counts(text: str, counts: str | None) -> None:
    assert one(text).counts == counts


def test_labels_and_decades() -> None:
    day = one("on day 28")
    assert day.unit == "day" and dimension(day) == "day"
    assert one("in the 1970s").kind == "year"
    assert one("In 2019 we began").kind == "year"
    assert one("2019 patients").kind == "count"


def test_kinds_of_shape() -> None:
    assert one("twice daily").counts == "frequency"
    assert one("three times higher").kind == "multiplier"
    assert one("one in five").kind == "ratio" and one("one in five").spelled
    assert one("131/212").values == (131.0, 212.0)
    assert one("a dozen").value == 12.0
    assert one("two thirds").value == pytest.approx(2 / 3)
    assert one("12 March 2020").kind == "date"
    assert one("25% fewer").change and not one("25% of people").change


def test_names_and_list_markers_are_not_numbers() -> None:
    assert extract_numbers("5-FU and 5-fluorouracil") == []
    assert extract_numbers("FEV1 and COVID-19") == []
    assert [m.value for m in extract_numbers("Aims: 1) To test 40 people.")] == [40.0]


def test_unicode_hyphens_read_as_hyphens() -> None:
    # U+2010 and U+2011 once split "COVID-19" and "ninety-four" into separate readings
    assert extract_numbers("COVID\u201019") == []
    assert one("ninety\u2011four people").value == 94.0
    assert one("a 4\u2010fold rise").kind == "multiplier"
    assert one("40\u201260 years").kind == "range"  # a figure dash reads as an en dash
    assert [m.text for m in extract_numbers("95% CI\u22120.95 to 0.39")][1:] == [
        "0.95 to 0.39"]  # a minus sign is not a hyphen joining a name


def test_spans_and_text_are_the_callers() -> None:
    text = "Of 1,024\u00a0people, ninety\u2010four left."
    for mention in extract_numbers(text):
        assert text[mention.start:mention.end] == mention.text
    assert [m.value for m in extract_numbers(text)] == [1024.0, 94.0]
