"""Reviewer effort and grouped stats, from a queue built through the real review workflow.

Several reviewers, two prompt variants and edits of known size; the figures asserted are
worked out by hand from those edits (see docs/stats.md for what each one means).
"""

from __future__ import annotations

import shutil
from datetime import timedelta
from pathlib import Path

import pytest

from laydraft import effort, review, stats
from laydraft.config import Settings, load_settings
from laydraft.core import DraftingCore, check_summary
from laydraft.db import Store
from laydraft.ingest import read_abstract
from laydraft.models import Abstract, Draft, LaySummary, utcnow
from laydraft.resources import default_prompts_dir, example_abstract_path

# A drafted headline of the example abstract (14 words) and a reviewer's rewrite (10 words):
# 8 kept, 6 deleted, 2 inserted.
DRAFTED_HEADLINE = ("Poor self-rated sleep was linked to a higher relapse (flare-up) rate over "
                    "two years.")
EDITED_HEADLINE = "Poor sleep was linked to more flare-ups over two years."
# The headline the drafter is made to write below: one sentence hard enough (grade 13) to warn
# although short sections get a margin. The rewrite keeps 6 of its 15 words and adds 4.
HARD_HEADLINE = ("Poor self-rated sleep was associated with a higher annualised relapse (flare-up) "
                 "rate over two years.")
# The whole drafted text, fixed here so the figures below do not follow the offline drafter's
# wording: at target grade 8 its headline and why_it_matters read too hard, nothing else fires.
DRAFTED = LaySummary(
    headline=HARD_HEADLINE,
    what_was_found=(
        "The team studied 212 people. Of the 212 patients, 131 reported poor sleep. The yearly "
        "relapse (a time when symptoms come back or get worse) rate was 0.41 in patients with "
        "poor sleep and 0.27 in patients with good sleep. The link was similar in patients "
        "taking stronger MS (multiple sclerosis) medicines. Daytime fatigue (extreme tiredness) "
        "scores were higher in the poor-sleep group."),
    why_it_matters=(
        "This may interest people living with multiple sclerosis and their caregivers. It adds "
        "to what we know about this topic. In this retrospective (looking back at past records) "
        "group, poor self-rated sleep was linked to a higher relapse (flare-up) rate over two "
        "years. Prospective (following people forward in time) studies are needed to determine "
        "whether improving sleep could reduce relapse activity. This is just a single study. It "
        "is not a reason to change your treatment. Talk with your care team about any "
        "questions."),
    limitations=(
        "The team looked back at past records. They did not set up a new test, so some facts "
        "may be missing. This kind of study can show that things go together. It cannot show "
        "cause and effect. Everyone came from a single clinic. Results may differ in other "
        "places. This summary is based on the abstract alone. The full paper may add details "
        "that matter."),
)


def test_word_edits_count_kept_inserted_and_deleted_words() -> None:
    edits = effort.word_edits(DRAFTED_HEADLINE, EDITED_HEADLINE)
    assert (edits.drafted, edits.final, edits.kept, edits.inserted, edits.deleted) == (
        14, 10, 8, 2, 6)
    assert edits.distance == 8
    assert edits.kept_share == pytest.approx(8 / 14)
    assert edits.inserted_share == pytest.approx(2 / 10)
    assert edits.changed_share == pytest.approx(8 / 24)
    untouched = effort.word_edits("a b c", " a  b\nc ")
    assert (untouched.kept, untouched.distance, untouched.changed_share) == (3, 0, 0.0)
    swapped = effort.word_edits("one two", "three four five")
    assert (swapped.kept, swapped.inserted, swapped.deleted) == (0, 3, 2)


def test_median_interval_is_exact_and_needs_six_values() -> None:
    assert stats.median_interval([1, 2, 3, 4, 5]) is None
    assert stats.median_interval([6, 1, 5, 2, 4, 3]) == (1, 6)  # coverage 1 - 2/64
    # n = 9: P(Bin(9, 1/2) <= 1) = 10/512, so k = 2 covers 96.1%; k = 3 only 82%.
    assert stats.median_interval(list(range(1, 10))) == (2, 8)
    low, high = stats.wilson_interval(5, 10)
    assert low == pytest.approx(0.2366, abs=1e-3) and high == pytest.approx(0.7634, abs=1e-3)


def _abstract(settings: Settings, doi: str) -> Abstract:
    abstract = read_abstract(str(example_abstract_path()), settings.max_input_bytes)
    return abstract.model_copy(update={"title": f"Sleep and relapses {doi}", "doi": doi})


def _queue(store: Store, settings: Settings, doi: str, summary: LaySummary | None = None) -> int:
    """Draft offline and queue the draft; with ``summary``, queue that text as the drafted one."""
    abstract = _abstract(settings, doi)
    drafted = DraftingCore(settings).sync.draft(abstract)
    if summary is not None:
        drafted = drafted.model_copy(update={
            "summary": summary, "findings": check_summary(settings, abstract, summary)})
    draft: Draft = store.add(drafted, author="offline", created_by="dana")
    assert draft.id is not None
    return draft.id


def _edited(summary: LaySummary) -> LaySummary:
    return summary.model_copy(update={"headline": EDITED_HEADLINE})


def test_effort_of_an_edited_and_approved_draft(store: Store, settings: Settings) -> None:
    draft_id = _queue(store, settings, "10.1/effort", DRAFTED)
    drafted = store.get(draft_id)
    assert drafted.summary.headline == HARD_HEADLINE
    start = drafted.created_at
    review.claim(store, draft_id, "alice", now=start + timedelta(minutes=10))
    review.transition(store, draft_id, "request_changes", "alice", note="simpler headline",
                      now=start + timedelta(minutes=15))
    review.save_edit(store, draft_id, _edited(drafted.summary), 1, "carol", settings)
    review.claim(store, draft_id, "bob", now=start + timedelta(minutes=30))
    codes = [f.code for f in store.get(draft_id).findings]
    review.dismiss(store, draft_id, codes.index("readability.above_target") + 1,
                   "the study's terms are needed here", "bob",
                   now=start + timedelta(minutes=31))
    review.transition(store, draft_id, "approve", "bob", now=start + timedelta(minutes=40))

    stored = store.effort(draft_id)
    assert stored is not None
    assert stored.outcome == "approved" and stored.reviewer == "bob"
    assert stored.final_version == 2 and stored.rounds == 2
    assert stored.seconds_to_claim == pytest.approx(600, abs=1)
    assert stored.seconds_to_decide == pytest.approx(1800, abs=1)
    headline = stored.sections["headline"]
    assert (headline.kept, headline.inserted, headline.deleted) == (6, 4, 9)
    assert all(s.distance == 0 for name, s in stored.sections.items() if name != "headline")
    assert stored.words.distance == 13
    assert stored.words.drafted == sum(len(t.split()) for t in drafted.summary.sections().values())
    # The drafter's findings: the headline's reading level (gone after the edit: fixed), the
    # why_it_matters reading level (dismissed by bob), the overall grade (info, still there).
    assert {f.code for f in drafted.findings} == {"readability.above_target",
                                                  "readability.grade"}
    final_codes = {(f.code, f.section) for f in store.get(draft_id).findings}
    assert ("readability.above_target", "headline") not in final_codes
    assert stored.findings.model_dump() == {"drafted": 3, "fixed": 1, "dismissed": 1,
                                            "overridden": 0, "open": 1}
    assert stored.checks["readability"].drafted == 3
    assert stored.drafter == "offline" and stored.audience == settings.audience


def test_rejecting_records_effort_and_backfill_fills_older_decisions(
        store: Store, settings: Settings) -> None:
    rejected = _queue(store, settings, "10.1/rejected")
    review.claim(store, rejected, "alice")
    review.transition(store, rejected, "reject", "alice")
    found = store.effort(rejected)
    assert found is not None and found.outcome == "rejected" and found.words.distance == 0
    older = _queue(store, settings, "10.1/older")
    review.claim(store, older, "alice")
    review.transition(store, older, "approve", "alice")
    with store.transaction(write=True) as conn:  # as if decided before efforts were stored
        conn.exec_driver_sql(f"DELETE FROM reviewer_effort WHERE draft_id = {older}")
    assert store.decided_without_effort() == [older]
    report = stats.stats(store, "reviewer")
    assert report.backfilled == 1 and report.drafts == 2
    assert store.effort(older) is not None and store.decided_without_effort() == []


@pytest.fixture
def variant_settings(tmp_path: Path, store_url: str,
                     monkeypatch: pytest.MonkeyPatch) -> Settings:
    """Two prompt variants: the shipped templates and a copy whose style guide differs."""
    other = tmp_path / "prompts-b"
    shutil.copytree(default_prompts_dir(), other)
    system = other / "system.j2"
    system.write_text(system.read_text() + "\nPrefer short sentences.\n")
    monkeypatch.setenv("LAYDRAFT_DATABASE", store_url)
    return load_settings(overrides={"drafter": "offline",
                                    "prompt_variants": {"a": "", "b": str(other)}})


def test_variants_are_assigned_by_record_key_and_compared(
        store: Store, variant_settings: Settings) -> None:
    settings = variant_settings
    dois = [f"10.9/variant-{n}" for n in range(16)]
    variants = {doi: settings.variant_for(_abstract(settings, doi).stable_key()) for doi in dois}
    assert variants == {doi: settings.variant_for(f"doi:{doi}") for doi in dois}  # stable
    in_a = [d for d in dois if variants[d] == "a"]
    in_b = [d for d in dois if variants[d] == "b"]
    assert len(in_a) >= 6 and len(in_b) >= 6, variants
    fingerprints = {}
    for n, doi in enumerate(dois):
        draft_id = _queue(store, settings, doi, DRAFTED)
        draft = store.get(draft_id)
        assert draft.provenance.variant == variants[doi]
        fingerprints[variants[doi]] = draft.provenance.prompt_fingerprint
        reviewer = ("alice", "bob")[n % 2]
        if variants[doi] == "b":  # variant b's drafts all need the headline rewritten
            review.claim(store, draft_id, "carol")
            review.save_edit(store, draft_id, _edited(draft.summary), 1, "carol", settings)
            review.release(store, draft_id, "carol")
        review.claim(store, draft_id, reviewer)
        action = "reject" if variants[doi] == "a" and n == dois.index(in_a[0]) else "approve"
        review.transition(store, draft_id, action, reviewer)
    assert fingerprints["a"] != fingerprints["b"]

    report = stats.stats(store, "variant")
    assert [(g.key, g.n) for g in report.groups] == sorted(
        [("a", len(in_a)), ("b", len(in_b))], key=lambda kv: (-kv[1], kv[0]))
    by_key = {g.key: g for g in report.groups}
    a, b = by_key["a"], by_key["b"]
    assert a.comparable and b.comparable and a.note is None
    assert (a.approved, a.rejected) == (len(in_a) - 1, 1)
    assert (b.approved, b.rejected) == (len(in_b), 0)
    assert a.figures["edit_distance"].median == 0 and b.figures["edit_distance"].median == 13
    assert b.figures["changed_share"].q1 == b.figures["changed_share"].q3
    assert b.figures["changed_share"].median_ci is not None
    assert b.figures["findings_fixed"].median == 1 and a.figures["findings_fixed"].median == 0
    assert a.approval_ci is not None and a.approval_ci[0] < a.approval_rate < a.approval_ci[1]

    by_prompt = stats.stats(store, "prompt")
    assert {g.key for g in by_prompt.groups} == set(fingerprints.values())
    by_reviewer = {g.key: g.n for g in stats.stats(store, "reviewer").groups}
    assert by_reviewer == {"alice": 8, "bob": 8}
    small = stats.stats(store, "reviewer", min_group=9)
    assert all(not g.comparable and g.note == stats.TOO_FEW and g.approval_ci is None
               and g.figures["rounds"].median_ci is None for g in small.groups)
    later = stats.stats(store, "variant", since=utcnow() + timedelta(hours=1))
    assert later.drafts == 0 and later.groups == []
