"""The evaluation harness's own rules, on made-up texts: sample order, texts read, label keys,
precision counts, targets, and the label tool's round trip."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))

import eval_checks  # noqa: E402
import evalset  # noqa: E402
import evaluation  # noqa: E402
import label_tool  # noqa: E402
import numbers_context  # noqa: E402

from laydraft.models import Abstract, Finding, Severity  # noqa: E402
from laydraft.text.numbers import extract_numbers  # noqa: E402


def _text(text_id: str, source: evalset.Source, summary: str) -> evalset.Text:
    return evalset.Text(text_id=text_id, source=source, abstract=Abstract(text="An abstract."),
                        summary=evalset.as_summary(summary))


class _Fixed(evaluation.Checked):
    """A text with given findings instead of running the checks."""

    def __init__(self, text: evalset.Text, findings: list[Finding]) -> None:
        super().__init__(text)
        self.__dict__["everything"] = findings


def _finding(check: str, start: int | None, end: int | None, code: str = "x.y",
             severity: Severity = Severity.warning) -> Finding:
    return Finding(check=check, code=code, severity=severity,
                   section="what_was_found" if start is not None else "limitations",
                   start=start, end=end, message="m")


def _label(text: evalset.Text, check: str, span: str, label: str, **extra: str) -> evalset.Label:
    return evalset.Label(text_id=text.text_id, source=text.source, check=check,
                         section=extra.pop("section", "what_was_found"), span=span,
                         label=label, note="why", **extra)  # type: ignore[arg-type]


def test_the_sample_order_is_fixed_and_interleaves_the_sources() -> None:
    items = [evaluation.Checked(_text(f"t{i}", source, "S."))
             for source in evaluation.SOURCES for i in range(30)]
    order = evaluation.sample_order(items)
    assert [c.text.text_id for c in order] == [
        c.text.text_id for c in evaluation.sample_order(list(reversed(items)))]
    first = [c.text.source for c in order[:9]]
    assert sorted(first) == sorted(["human", "offline", "offline-raw"] * 3)
    # one more text does not reshuffle the others
    more = evaluation.sample_order([*items, evaluation.Checked(_text("new", "human", "S."))])
    humans = [c.text.text_id for c in order if c.text.source == "human"]
    assert [c.text.text_id for c in more if c.text.source == "human" and c.text.text_id != "new"] \
        == humans


def test_the_texts_read_for_a_check_are_those_with_its_labels() -> None:
    items = [evaluation.Checked(_text(f"t{i}", "human", "S.")) for i in range(10)]
    third = items[2].text
    read = evaluation.read_texts(items, [_label(third, "jargon", "S", "sensible")], "jargon")
    assert [c.text for c in read] == [third]
    assert evaluation.read_texts(items, [_label(third, "jargon", "S", "sensible")], "numbers") == []


def test_a_finding_without_words_is_keyed_by_its_code() -> None:
    text = _text("a", "offline", "Some words here.")
    short = _finding("completeness", None, None, code="completeness.length")
    limit = _finding("completeness", None, None, code="completeness.design_limit")
    assert evalset.label_key(text, short) != evalset.label_key(text, limit)
    label = _label(text, "completeness", "", "sensible", section="limitations",
                   code="completeness.length")
    assert label.key() == evalset.label_key(text, short)


def test_precision_counts_labelled_alarms_and_reports_unlabelled_and_stale() -> None:
    a = _text("a", "human", "Take the HbA1c test. It was fine.")
    b = _text("b", "offline", "The ICU team. Fine.")
    items = (
        _Fixed(a, [_finding("jargon", 9, 14), _finding("jargon", 0, 4),
                   _finding("readability", 0, 4, severity=Severity.info)]),
        _Fixed(b, [_finding("jargon", 4, 7)]),
    )
    labels = [_label(a, "jargon", "HbA1c", "sensible"), _label(a, "jargon", "gone", "spurious"),
              _label(b, "jargon", "ICU", "spurious")]
    figures = eval_checks.check_figures(items, labels)["jargon"]
    assert (figures.findings, figures.labelled, figures.sensible) == (3, 2, 1)
    assert figures.precision == 0.5
    assert figures.unlabelled == 1  # "Take" in text a, which was read
    assert figures.stale_labels == 1  # "gone" is no longer found
    assert figures.by_source["human"].value == 1.0
    assert figures.by_source["offline"].value == 0.0
    # info findings are not alarms, and so never counted
    assert eval_checks.check_figures(items, labels)["readability"].findings == 0


def test_completeness_does_not_apply_to_human_summaries() -> None:
    empty = _finding("completeness", None, None, code="completeness.empty_section",
                     severity=Severity.error)
    assert not evaluation.is_alarm(_text("a", "human", "S."), empty)
    assert evaluation.is_alarm(_text("a", "offline", "S."), empty)


def test_the_sentence_around_a_span() -> None:
    text = "First one here. The HbA1c fell a lot. Last one."
    start = text.index("HbA1c")
    assert evaluation.sentence_around(text, start, start + 5) == "The HbA1c fell a lot."


def _figures(**changes: object) -> eval_checks.Figures:
    numbers = eval_checks.NumbersFigures(
        pairs=10, false_positive_rate=0.3, fp_written_rate=0.01, fp_not_written_rate=0.29,
        altered=100, rounds=1, detection_rate=0.98, read_flagged_human=0,
        labelled_absent_rate=None, labelled_paraphrase_rate=None)
    figures = eval_checks.Figures(texts={}, grades={}, checks={}, families={}, numbers=numbers,
                                  offline={})
    return figures.model_copy(update=changes)


def test_targets_missed_are_named() -> None:
    assert _figures().misses() == []
    family = eval_checks.FamilyFigures(family="causal", module="causal", check="claims",
                                       expect="finding", seeds=150, passed=120)
    check = eval_checks.CheckFigures(check="jargon", findings=10, read_texts=5, labelled=10,
                                     sensible=7, unlabelled=0, stale_labels=0, precision=0.7,
                                     by_source={})
    misses = _figures(families={"causal": family}, checks={"jargon": check}).misses()
    assert any("causal" in m for m in misses) and any("jargon" in m for m in misses)


def test_the_paraphrase_rate_comes_from_labels_once_enough_were_read() -> None:
    numbers = _figures().numbers
    assert numbers.paraphrase_miss_rate == 0.01
    read = numbers.model_copy(update={"read_flagged_human": 60, "labelled_paraphrase_rate": 0.05})
    assert read.paraphrase_miss_rate == 0.05


def test_the_label_tool_appends_filled_rows_only(tmp_path: Path) -> None:
    rows: list[dict[str, Any]] = [{"text_id": "a", "source": "human", "check": "jargon", "section": "what_was_found",
             "span": "HbA1c", "label": "sensible", "kind": "", "note": "", "code": "jargon.x",
             "message": "read by"},
            {"text_id": "b", "source": "human", "check": "jargon", "section": "what_was_found",
             "span": "ICU", "label": None}]
    assert label_tool.append(tmp_path, "jargon", rows) == 1
    stored = [json.loads(line) for line in (tmp_path / "jargon.jsonl").read_text().splitlines()]
    assert [row["span"] for row in stored] == ["HbA1c"]
    assert "message" not in stored[0]
    with pytest.raises(SystemExit):
        label_tool.append(tmp_path, "numbers", rows)


def test_a_figure_shares_words_with_the_abstract_figure_said_of_the_same_thing() -> None:
    abstract = ("We included 12 trials with 900 participants. Eleven of them were at high risk "
                "of bias; 11 trials reported pain.")
    summary = "The review included 11 studies."
    figure = next(m for m in extract_numbers(summary) if m.value == 11)
    assert numbers_context.neighbourhood(summary, figure, 3) == {"review", "includ", "study"}
    same, competitor = numbers_context.overlaps(abstract, summary, figure, 3)
    assert (same, competitor) == (1, 2)  # "11 trials" shares "study"; "12 trials" "include" too
