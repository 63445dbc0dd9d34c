"""Re-check: run the current checks again on drafts already waiting in the review queue.

So an improved check reaches drafts drafted before it. The new findings replace those of each
draft's current version, in place: a version is its text, and its findings are what the checks
say about that text, now stamped with the checks' version (``checks.CHECKS_VERSION``). Every
replacement is recorded in the audit log as a ``recheck`` event naming the findings that
appeared and went away, so the old findings stay readable there. Dismissals match findings by
code, section and words, so they hold across a re-check that shifts nothing.

A draft saved while its re-check ran is left alone (its new version was checked when saved).
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime

from pydantic import BaseModel

from .config import Settings
from .core import check_summary, checks_version
from .db import Store
from .models import AuditEvent, DraftStatus, Finding, LaySummary, span_text, utcnow
from .permissions import QUEUED, Action, Actor, decide

RECHECK_ACTION = "recheck"


class Recheck(BaseModel):
    """What a re-check changed on one draft's current version."""

    draft_id: int
    version: int
    title: str | None = None
    checks_version_before: int | None = None
    checks_version: int
    added: list[Finding] = []
    removed: list[Finding] = []
    lines: list[str] = []  # each change on one line: "+ ..." added, "- ..." gone
    skipped: str | None = None  # why nothing was written (the draft changed meanwhile)

    @property
    def changed(self) -> bool:
        return bool(self.added or self.removed)


def _key(finding: Finding) -> str:
    return finding.model_dump_json()


def difference(before: list[Finding],
               after: list[Finding]) -> tuple[list[Finding], list[Finding]]:
    """The findings only in ``after`` (added) and only in ``before`` (removed), as multisets."""
    old, new = Counter(map(_key, before)), Counter(map(_key, after))
    added_keys, removed_keys = new - old, old - new

    def take(findings: list[Finding], wanted: Counter[str]) -> list[Finding]:
        left, chosen = Counter(wanted), []
        for finding in findings:
            if left[_key(finding)] > 0:
                left[_key(finding)] -= 1
                chosen.append(finding)
        return chosen

    return take(after, added_keys), take(before, removed_keys)


def describe(finding: Finding, summary: LaySummary) -> str:
    """One finding on one line: severity, code, the words it points at, the message."""
    words = span_text(finding, summary)
    quoted = f' "{words}"' if words and len(words) <= 80 else ""
    return f"{finding.severity.value} [{finding.code or finding.check}]{quoted}: {finding.message}"


def _note(result: Recheck) -> str:
    before = result.checks_version_before
    head = (f"checks v{before if before is not None else '?'} → v{result.checks_version}: "
            f"{len(result.added)} finding(s) added, {len(result.removed)} gone")
    return head + ("; " + "; ".join(result.lines) if result.lines else "")


def recheck_draft(store: Store, settings: Settings, draft_id: int, actor: Actor,
                  now: datetime | None = None) -> Recheck:
    """Run the current checks on one draft's current version and store what they find.

    Refused (before any work) to whoever may not re-check this draft, even when nothing
    would change, so every interface gets the same answer.
    """
    with store.transaction() as conn:
        decide(actor, Action.recheck, store.state(conn, draft_id)).enforce()
    draft = store.get(draft_id)
    findings = check_summary(settings, draft.abstract, draft.summary)
    result = Recheck(draft_id=draft_id, version=draft.version, title=draft.abstract.title,
                     checks_version_before=draft.checks_version,
                     checks_version=checks_version())
    added, removed = difference(draft.findings, findings)
    result = result.model_copy(update={
        "added": added, "removed": removed,
        "lines": [*(f"+ {describe(f, draft.summary)}" for f in added),
                  *(f"- {describe(f, draft.summary)}" for f in removed)]})
    if not result.changed and draft.checks_version == result.checks_version:
        return result
    now = now or utcnow()
    with store.transaction(write=True) as conn:
        state = store.state(conn, draft_id, lock=True)
        decide(actor, Action.recheck, state).enforce()
        if state.current_version != draft.version:
            return result.model_copy(update={
                "added": [], "removed": [], "lines": [],
                "skipped": f"version {state.current_version} was saved meanwhile"})
        store.replace_findings(conn, draft_id, draft.version, findings, result.checks_version)
        if result.changed:
            store.record(conn, AuditEvent(
                draft_id=draft_id, actor=actor.name, action=RECHECK_ACTION,
                from_status=state.status, to_status=state.status,
                from_version=state.current_version, to_version=state.current_version,
                note=_note(result), at=now))
    return result


def recheck_queue(store: Store, settings: Settings, actor: Actor,
                  statuses: list[DraftStatus] | None = None,
                  now: datetime | None = None) -> list[Recheck]:
    """Re-check every draft in the given statuses (default: all still in the queue)."""
    decide(actor, Action.recheck, None).enforce()
    with store.transaction() as conn:
        states = store.states(conn, list(statuses or QUEUED))
    return [recheck_draft(store, settings, state.id, actor, now) for state in states]
