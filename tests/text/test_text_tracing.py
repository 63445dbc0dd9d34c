"""Tracing alone: given mentions, what a source supports (the source's own figures, derived
figures per sentence, rounding windows)."""

from __future__ import annotations

from laydraft.text.numbers import NumberMention, extract_numbers
from laydraft.text.rounding import hit, step, window
from laydraft.text.tracing import NumberIndex, by_clause, index_for


def mention(**fields: object) -> NumberMention:
    base: dict[str, object] = {"text": "x", "start": 0, "end": 1, "kind": "count"}
    return NumberMention.model_validate(base | fields)


def test_rounding_windows() -> None:
    assert step(92, 0, loose=False) == 1
    assert step(7800, 0, loose=False) == 100
    assert step(3660, 0, loose=False) == 1  # one zero unhedged is a count
    assert step(3660, 0, loose=True) == 10
    assert window(7000, 0, "more") == (7000, 8000)
    assert window(50, 0, "less") == (40, 50)
    low, high = window(25, 0, "approx")
    assert low <= 24 and high >= 26
    assert hit([1.0, 2.0, 3.0], 1.5, 2.5) and not hit([1.0, 3.0], 1.5, 2.5)


def test_trace_built_mentions_without_extraction() -> None:
    index = NumberIndex("The risk was 20% with the drug and 40% with placebo.")
    assert index.trace(mention(values=(40.0,), kind="percent", unit="percent")) == "value"
    difference = mention(values=(20.0,), kind="percent", unit="points")
    assert index.trace(difference) in ("value", "percent")
    assert index.trace(mention(values=(0.4,), kind="ratio", decimals=(1,))) == "fraction"
    twice = mention(values=(2.0,), kind="multiplier", unit="times")
    assert index.trace(twice) == "multiplier"  # 40% is twice 20%, in one clause (issue 14)
    apart = NumberIndex("The risk was 20% with the drug. It was 40% with placebo.")
    assert apart.trace(twice) is None
    assert index.trace(mention(values=(3.0,), kind="multiplier", unit="times")) is None
    counts = NumberIndex("In all, 20 people fell with the drug and 40 with placebo.")
    assert counts.trace(twice) == "multiplier"
    assert index.trace(mention(values=(30.0,), kind="percent", unit="percent")) is None


def test_derived_figures_stay_within_a_sentence() -> None:
    same = NumberIndex("The risk was 62% with the drug and 40% with placebo.")
    apart = NumberIndex("The risk was 62% with the drug. It was 40% with placebo.")
    change = mention(values=(22.0,), kind="percent", unit="percent", change=True)
    assert same.trace(change) == "change"
    assert apart.trace(change) is None


def test_by_clause_uses_the_one_sentence_rule_and_semicolons() -> None:
    text = "Of 10 people, 5 left. Dr. Smith saw 3 more. Then 2 stayed; 7 trials, 9 people."
    groups = by_clause(text, extract_numbers(text))
    assert [[m.value for m in g] for g in groups] == [[10.0, 5.0], [3.0], [2.0], [7.0, 9.0]]


def test_no_derived_figures_across_semicolons() -> None:
    joined = NumberIndex("Falls were rarer (RR 3.18; 710 participants, 3 trials).")
    apart = NumberIndex("Falls were rarer (RR 3.18; 710 participants; 3 trials).")
    share = extract_numbers("4 per 1000")[0]
    assert joined.trace(share) == "fraction" and apart.trace(share) is None


def test_counts_need_their_context() -> None:
    index = NumberIndex("We included 12 trials with 300 patients.")
    bare = extract_numbers("There were 12 of them")[0]
    assert index.trace(bare) == "value"
    assert index.trace(bare, "There were 12 of them") is None
    assert index.trace(bare, "There were 12 trials") == "value"


def test_verbatim_words_and_unicode_hyphens() -> None:
    index = NumberIndex("Twenty\u2010five people took part.")
    (words,) = extract_numbers("twenty-five people")
    assert index.trace(words) in ("verbatim", "value")
    assert index.verbatim(words)


def test_index_for_is_cached() -> None:
    assert index_for("We saw 5 people.") is index_for("We saw 5 people.")
