"""Reviewer effort: what a person had to do to a draft before deciding on it.

When a draft is approved or rejected, ``record`` compares the drafter's text (version 1) with
the version decided on, word by word (``difflib.SequenceMatcher`` over word lists, per section
and overall), times the queue (queued -> first claimed -> decided), counts review rounds and
sorts the drafter's findings into fixed by the edit, dismissed, overridden and still open. The
result (``models.Effort``) is stored, one row per draft, so ``laydraft stats`` can compare
prompts, models and variants on the team's real work. ``backfill`` computes the same figures
from stored versions for drafts decided before efforts were recorded.
"""

from __future__ import annotations

from datetime import datetime
from difflib import SequenceMatcher

from .db import Store
from .models import (
    AuditEvent,
    Dismissal,
    Effort,
    Finding,
    FindingOutcomes,
    LaySummary,
    Version,
    WordEdits,
    span_text,
)

DECISIONS = ("approve", "reject")
ROUNDS = ("approve", "reject", "request_changes")
OUTCOMES = {"approve": "approved", "reject": "rejected"}


def word_edits(drafted: str, final: str) -> WordEdits:
    """Words kept, inserted and deleted between two texts (split on whitespace)."""
    before, after = drafted.split(), final.split()
    matcher = SequenceMatcher(None, before, after, autojunk=False)
    kept = sum(block.size for block in matcher.get_matching_blocks())
    return WordEdits(drafted=len(before), final=len(after), kept=kept,
                     inserted=len(after) - kept, deleted=len(before) - kept)


def summary_edits(drafted: LaySummary, final: LaySummary) -> tuple[WordEdits, dict[str, WordEdits]]:
    """The overall edits (sums of the sections') and each section's."""
    old, new = drafted.sections(), final.sections()
    sections = {name: word_edits(old[name], new.get(name, "")) for name in old}
    total = WordEdits(**{field: sum(getattr(s, field) for s in sections.values())
                         for field in WordEdits.model_fields})
    return total, sections


def _identity(finding: Finding, summary: LaySummary) -> tuple[str, str, str | None, str]:
    """What makes two findings the same: check, code, section and words; a finding about a
    whole section (readability, length) is the same whatever the section now says."""
    span = span_text(finding, summary)
    if finding.section is not None and span == summary.sections().get(finding.section):
        span = ""
    return finding.check, finding.code, finding.section, span


def finding_outcomes(drafted: Version, final: Version, dismissals: list[Dismissal]
                     ) -> tuple[FindingOutcomes, dict[str, FindingOutcomes]]:
    """What became of each finding of the drafter's version by the decided ``final`` one.

    Dismissed and overridden: a dismissal covers it (code, section and words; an override
    only counts for the version decided on). Open: the final version still has a finding of
    the same check, code, section and words. Fixed: neither, so the edit removed it.
    """
    usable = [d for d in dismissals if not d.approval or d.version == final.version]
    present = {_identity(f, final.summary) for f in final.findings}
    total = FindingOutcomes()
    by_check: dict[str, FindingOutcomes] = {}
    for finding in drafted.findings:
        span = span_text(finding, drafted.summary)
        cover = next((d for d in reversed(usable) if d.covers(finding, span)), None)
        if cover is not None:
            kind = "overridden" if cover.approval else "dismissed"
        elif _identity(finding, drafted.summary) in present:
            kind = "open"
        else:
            kind = "fixed"
        for tally in (total, by_check.setdefault(finding.check, FindingOutcomes())):
            tally.drafted += 1
            setattr(tally, kind, getattr(tally, kind) + 1)
    return total, by_check


def compute(store: Store, draft_id: int) -> Effort | None:
    """The effort behind a draft's latest approve or reject; None if it was never decided."""
    events = store.events(draft_id)
    decisions = [e for e in events if e.action in DECISIONS]
    if not decisions:
        return None
    decision = decisions[-1]
    versions = {v.version: v for v in store.versions(draft_id)}
    drafted = versions[1]
    final = versions[decision.from_version or max(versions)]
    words, sections = summary_edits(drafted.summary, final.summary)
    findings, checks = finding_outcomes(drafted, final, store.dismissals(draft_id))
    provenance = drafted.provenance
    return Effort(
        draft_id=draft_id, outcome=OUTCOMES[decision.action], reviewer=decision.actor,
        decided_at=decision.at, queued_at=store.get(draft_id, 1).created_at,
        claimed_at=_first_claim(events, decision),
        drafter=provenance.drafter, model=provenance.model,
        prompt_fingerprint=provenance.prompt_fingerprint, variant=provenance.variant,
        audience=provenance.audience, final_version=final.version,
        rounds=sum(e.action in ROUNDS for e in events[:events.index(decision) + 1]),
        words=words, sections=sections, findings=findings, checks=checks,
    )


def _first_claim(events: list[AuditEvent], decision: AuditEvent) -> datetime | None:
    """When a reviewer first claimed the draft (None if it was decided without a claim)."""
    return next((e.at for e in events if e.action == "claim" and e.at <= decision.at), None)


def record(store: Store, draft_id: int) -> Effort | None:
    """Compute and store the effort behind a draft's decision (replacing an earlier one)."""
    effort = compute(store, draft_id)
    if effort is not None:
        with store.transaction(write=True) as conn:
            store.save_effort(conn, effort)
    return effort


def backfill(store: Store) -> list[int]:
    """Store efforts for drafts decided before they were recorded; the ids filled in."""
    filled = []
    for draft_id in store.decided_without_effort():
        if record(store, draft_id) is not None:
            filled.append(draft_id)
    return filled
