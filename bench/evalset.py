"""The evaluation set of the reviewer checks: which texts are checked, labels, seeded defects.

Three kinds of text are checked, each named by a ``source``:

- ``human``: a Cochrane plain-language summary from ``cochrane_pairs.jsonl``, written by
  people, put whole into ``what_was_found`` (it has no sections); checked against its abstract;
- ``offline``: the offline drafter's draft of a Cochrane abstract;
- ``offline-raw``: the offline drafter's draft of an abstract from ``abstracts_raw.jsonl``
  (whole abstracts with methods, so every study design occurs).

A ``Label`` is one person's reading of one finding, written down in ``bench/labels/*.jsonl``
(see ``bench/labels/GUIDE.md``). It is keyed by the text, the check and the flagged words, not
by offsets, so a label outlives a change to the checks: a finding a check stops producing
leaves the count, a new one shows up as unlabelled until someone reads it.

A ``Seed`` is a defect put into real text on purpose by a generator in ``bench/seeds/``; the
check named must report it (``expect="finding"``), or, for paraphrases a faithful summary may
use, must stay silent on it (``expect="silence"``).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel

from laydraft.models import Abstract, Finding, LaySummary

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATA = REPO_ROOT.parent / "shared" / "data"
LABELS_DIR = REPO_ROOT / "bench" / "labels"

Source = Literal["human", "offline", "offline-raw"]


class Text(BaseModel):
    """One abstract and one summary of it, as the checks see them."""

    text_id: str
    source: Source
    abstract: Abstract
    summary: LaySummary


class Label(BaseModel):
    """A person's reading of one finding: is it something a reviewer should act on?"""

    text_id: str
    source: Source
    check: str
    section: str
    span: str  # the flagged words, summary.<section>[start:end]; "" for whole-section findings
    sentence: str = ""  # the sentence around the span, as read when labelling
    label: Literal["sensible", "spurious"]
    # numbers check: "absent" (the figure is really not in the abstract in any form) or
    # "paraphrase" (it is, reworded: a miss of the check); other checks: a short tag
    kind: str = ""
    note: str = ""
    # the finding's code; it stands in for the span in the key of a finding without one
    # (two whole-section findings of a check in one section differ only by it)
    code: str = ""

    def key(self) -> tuple[str, str, str, str, str]:
        return (self.text_id, self.source, self.check, self.section, self.span or self.code)


class Seed(BaseModel):
    """A defect seeded into a real summary, and where it is."""

    family: str  # e.g. "causal", "certainty", "advice", "jargon", "altered-number"
    check: str  # the check that must report it, or stay silent on it
    expect: Literal["finding", "silence"] = "finding"
    text_id: str
    abstract: Abstract
    summary: LaySummary
    section: str
    start: int
    end: int

    def caught_by(self, findings: list[Finding]) -> bool:
        """True when a finding of ``check`` overlaps the seeded span."""
        return any(
            f.check == self.check and f.section == self.section
            and (f.start is None or f.end is None or (f.start < self.end and self.start < f.end))
            for f in findings
        )

    def passed(self, findings: list[Finding]) -> bool:
        caught = self.caught_by(findings)
        return caught if self.expect == "finding" else not caught


def span_of(summary: LaySummary, finding: Finding) -> str:
    """The words a finding points at ("" when it points at no span)."""
    if finding.section is None or finding.start is None or finding.end is None:
        return ""
    return str(getattr(summary, finding.section, ""))[finding.start:finding.end]


def label_key(text: Text, finding: Finding) -> tuple[str, str, str, str, str]:
    return (text.text_id, text.source, finding.check, finding.section or "",
            span_of(text.summary, finding) or finding.code)


def as_summary(text: str) -> LaySummary:
    """Plain text as the one section of a summary, without validation of the empty rest."""
    return LaySummary.model_construct(
        headline="", what_was_found=text, why_it_matters="", limitations=""
    )


def _rows(path: Path) -> Iterator[dict[str, Any]]:
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                yield json.loads(line)


@cache
def cochrane_rows(data_dir: Path = DEFAULT_DATA) -> tuple[dict[str, Any], ...]:
    return tuple(_rows(data_dir / "cochrane_pairs.jsonl"))


@cache
def raw_rows(data_dir: Path = DEFAULT_DATA) -> tuple[dict[str, Any], ...]:
    return tuple(r for r in _rows(data_dir / "abstracts_raw.jsonl") if r.get("abstract"))


@cache
def human_texts(data_dir: Path = DEFAULT_DATA) -> list[Text]:
    return [Text(text_id=r["id"], source="human", abstract=Abstract(text=r["abstract"]),
                 summary=as_summary(r["lay_summary"])) for r in cochrane_rows(data_dir)]


def _offline(rows: tuple[dict[str, Any], ...], source: Source) -> list[Text]:
    from laydraft.config import Settings
    from laydraft.drafting.offline import OfflineDrafter

    drafter = OfflineDrafter(Settings())
    texts = []
    for row in rows:
        abstract = Abstract(text=row["abstract"], title=row.get("title"))
        texts.append(Text(text_id=row["id"], source=source, abstract=abstract,
                          summary=drafter.summarise(abstract)))
    return texts


@cache  # drafting takes seconds; every seeds module asks for the same drafts
def offline_texts(data_dir: Path = DEFAULT_DATA) -> list[Text]:
    return _offline(cochrane_rows(data_dir), "offline")


@cache
def offline_raw_texts(data_dir: Path = DEFAULT_DATA) -> list[Text]:
    return _offline(raw_rows(data_dir), "offline-raw")


def load_labels(directory: Path = LABELS_DIR) -> list[Label]:
    """Every label in ``directory/*.jsonl``."""
    return [Label.model_validate(row) for path in sorted(directory.glob("*.jsonl"))
            for row in _rows(path)]
