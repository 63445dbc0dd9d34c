"""Ingest over the real abstracts and export files in ../shared/data (skipped when absent).

Run with ``-s`` to see the section-agreement figure.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from laydraft.errors import RecordError
from laydraft.ingest import iter_records, parse_text, read_abstract
from laydraft.models import Abstract

pytestmark = pytest.mark.shared_data
STANDARD = {"background", "objective", "methods", "results", "conclusions"}
ANY = "*"
LIMIT = 50_000_000


def rows(shared_data: Path) -> Iterator[dict[str, Any]]:
    with (shared_data / "abstracts_raw.jsonl").open(encoding="utf-8") as fh:
        for line in fh:
            yield json.loads(line)


def expected_categories(sections: list[dict[str, Any]]) -> list[str]:
    """Categories of the labelled sections; UNASSIGNED or missing NlmCategory matches any.

    Unlabelled parts (an unstructured AbstractText, PubMedQA's unlabelled answer) have no
    heading to find, so they are not expected as sections.
    """
    expected = []
    for section in sections:
        if not section.get("label"):
            continue
        category = (section.get("nlm_category") or "").lower()
        expected.append(category if category in STANDARD else ANY)
    return expected


def agrees(expected: list[str], found: list[str]) -> bool:
    return len(expected) == len(found) and all(
        e in (ANY, f) for e, f in zip(expected, found, strict=True))


def test_every_raw_abstract_ingests(shared_data: Path) -> None:
    failures = []
    for row in rows(shared_data):
        try:
            parse_text(row["abstract"])
            if row.get("title"):
                parse_text(f"{row['title']}\n\n{row['abstract']}")
        except Exception as exc:  # noqa: BLE001 - report every failure at once
            failures.append(f"{row['id']}: {exc}")
    assert failures == []


def test_title_lines_are_taken_when_given_before_the_abstract(shared_data: Path) -> None:
    wrong = []
    for row in rows(shared_data):
        title = (row.get("title") or "").strip()
        if title and not title.endswith("."):
            found = parse_text(f"{title}\n\n{row['abstract']}").title
            if found != " ".join(title.split()):
                wrong.append(row["id"])
    assert wrong == []


def test_detected_sections_match_the_source_labels(shared_data: Path) -> None:
    scored = agreeing = 0
    misses = []
    for row in rows(shared_data):
        if not row.get("sections"):
            continue
        found = [s.category for s in parse_text(row["abstract"]).sections if s.label]
        expected = expected_categories(row["sections"])
        scored += 1
        if agrees(expected, found):
            agreeing += 1
        else:
            misses.append(row["id"])
    rate = agreeing / scored
    print(f"\nsection categories agree on {agreeing}/{scored} rows ({rate:.1%}); "
          f"misses: {', '.join(misses) or 'none'}")
    assert rate >= 0.95


def test_no_false_prompt_injection_flags_on_real_abstracts(shared_data: Path) -> None:
    flagged = [row["id"] for row in rows(shared_data)
               if any(f.startswith("prompt-injection") for f in parse_text(row["abstract"]).flags)]
    assert flagged == []


@pytest.mark.parametrize(
    ("name", "count", "good"),
    [
        ("pubmed_result2.txt", 4, 4),
        ("pubmed5.xml", 1, 1),
        ("pubmed-29768149.xml", 1, 1),
        ("pone.0046493.nxml", 1, 1),
        ("example_wos.ris", 2, 2),
        ("medline16n0902.xml.gz", 604, 526),
    ],
)
def test_raw_format_files_parse_to_the_right_records(
    shared_data: Path, name: str, count: int, good: int
) -> None:
    found = list(iter_records(shared_data / "raw_formats" / name, LIMIT))
    abstracts = [r for r in found if isinstance(r, Abstract)]
    errors = [r for r in found if isinstance(r, RecordError)]
    assert (len(found), len(abstracts)) == (count, good)
    assert all(a.title and a.text for a in abstracts)
    assert all(e.reason.startswith("no abstract") for e in errors)
    print(f"\n{name}: {len(found)} records, {len(abstracts)} abstracts, "
          f"{sum(1 for a in abstracts if a.sections)} with sections")


def test_medline_baseline_keeps_every_labelled_abstracttext(shared_data: Path) -> None:
    """1,417 AbstractText elements: 1,085 carry a Label, 332 are unstructured abstracts."""
    found = iter_records(shared_data / "raw_formats" / "medline16n0902.xml.gz", LIMIT)
    labelled = sum(len(r.sections) for r in found if isinstance(r, Abstract))
    assert labelled == 1085


@pytest.mark.parametrize("name", ["pubmed5.xml", "pubmed-29768149.xml", "pone.0046493.nxml"])
def test_single_record_files_read_directly_with_metadata(shared_data: Path, name: str) -> None:
    abstract = read_abstract(shared_data / "raw_formats" / name, LIMIT)
    assert abstract.title and abstract.journal and abstract.doi and abstract.pmid
    assert abstract.published and abstract.published[:4].isdigit()
    assert abstract.url


def test_nejm_trial_keeps_greek_letters_and_intervals(shared_data: Path) -> None:
    abstract = read_abstract(shared_data / "raw_formats" / "pubmed-29768149.xml", LIMIT)
    assert "β2-agonist" in abstract.text
    assert "95% CI" in abstract.text
    assert [s.category for s in abstract.sections] == [
        "background", "methods", "results", "conclusions"]
