"""Dash, hyphen, minus and space variants read as their ASCII forms, offsets unchanged."""

from __future__ import annotations

import pytest

from laydraft.text.normalise import fold, for_reading, normalise


@pytest.mark.parametrize(("raw", "folded"), [
    ("COVID\u201019", "COVID-19"),  # U+2010 hyphen
    ("self\u2011reported", "self-reported"),  # U+2011 non-breaking hyphen
    ("\u22120.5", "\u22120.5"),  # a minus sign stays a sign
    ("\u27960.5", "\u22120.5"),  # heavy minus reads as a minus sign
    ("\uff0d", "-"),  # fullwidth hyphen-minus
    ("40\u201260", "40\u201360"),  # figure dash reads as an en dash
    ("a\u2015b", "a\u2014b"),  # horizontal bar reads as an em dash
    ("5\u00a0mg", "5 mg"),
    ("5\u202fmg", "5 mg"),
    ("5\u2009mg", "5 mg"),
    ("5\u3000mg", "5 mg"),
])
def test_fold_maps_variants(raw: str, folded: str) -> None:
    assert fold(raw) == folded


def test_fold_keeps_en_and_em_dashes_and_symbols() -> None:
    text = "40\u201360 \u2014 \u00b5g \u00b1 \u2265 5%"
    assert fold(text) == text


def test_fold_keeps_offsets() -> None:
    text = "Rates fell\u00a0by 25\u2011fold \u2212 in 40\u201260 people"
    assert len(fold(text)) == len(text)


def test_normalise_composes_but_for_reading_keeps_offsets() -> None:
    decomposed = "caf" + "e\u0301" + "\u2010au\u2010lait"
    assert normalise(decomposed) == "caf\u00e9-au-lait"
    assert for_reading(decomposed) == "cafe\u0301-au-lait"  # NFC would shift offsets
    assert for_reading("\u212b and 5\u2010fold") == "\u00c5 and 5-fold"  # same length: NFC


def test_checks_read_unicode_hyphens_as_ascii() -> None:
    from laydraft.checks.readability import readability
    from laydraft.models import Abstract
    from laydraft.text.design import DesignKind, detect_design

    assert readability("A self\u2010rated score.") == readability("A self-rated score.")
    text = ("This case\u2010control study compared 120 people with the disease and 240 "
            "people without it, and found that smoking was more common among cases.")
    assert detect_design(Abstract(text=text)).kind is DesignKind.case_control


def test_every_variant_is_outside_ascii_so_ascii_text_is_kept_as_it_is() -> None:
    from laydraft.text.normalise import _FOLD

    assert all(code > 127 for code in _FOLD)
    text = "Plain ASCII - with a hyphen -- and (brackets)."
    assert fold(text) is text
