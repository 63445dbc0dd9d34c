"""Re-check: the current checks run again on queued drafts, their findings are replaced and
stamped with the checks' version, every change is audited, and dismissals hold across it.

Runs on SQLite here and on PostgreSQL in test_postgres.py (which overrides ``store_url``).
"""

# Fixtures imported from other test modules are redefined as test arguments, as pytest intends.
# ruff: noqa: F811

from __future__ import annotations

import json
from typing import Any

import pytest

from laydraft import recheck, review
from laydraft.checks import CHECKS_VERSION
from laydraft.core import check_summary
from laydraft.db import Store
from laydraft.errors import ErrorCode, WorkflowError
from laydraft.models import Draft, DraftStatus, Finding, Role, Severity
from laydraft.permissions import Actor
from laydraft.recheck import recheck_queue
from test_cli_review_e2e import env, ok, run  # noqa: F401  (shared fixture and helpers)
from test_store import example_draft, queued  # noqa: F401  (shared fixture)

SYSTEM = Actor("laydraft", Role.admin)
STALE = Finding(check="claims", code="claims.retired_rule", severity=Severity.warning,
                section="headline", start=0, end=5, message="a rule the checks dropped")


def _id(draft: Draft) -> int:
    assert draft.id is not None
    return draft.id


def _tamper(store: Store, draft_id: int, findings: list[Finding]) -> None:
    """Make the stored findings look computed by older checks (checks version 0)."""
    version = store.get(draft_id).version
    with store.transaction(write=True) as conn:
        store.replace_findings(conn, draft_id, version, findings, 0)


def test_a_recheck_replaces_stale_findings_stamps_the_version_and_audits(
        store: Store, queued: Draft, settings) -> None:  # type: ignore[no-untyped-def]
    draft_id = _id(queued)
    assert queued.checks_version == CHECKS_VERSION  # a new draft records its checks' version
    current = check_summary(settings, queued.abstract, queued.summary)
    assert current == queued.findings
    _tamper(store, draft_id, [STALE])
    events = len(store.events(draft_id))
    (result,) = recheck_queue(store, settings, SYSTEM)
    assert (result.draft_id, result.version, result.changed) == (draft_id, 1, True)
    assert result.added == current and result.removed == [STALE]
    assert (result.checks_version_before, result.checks_version) == (0, CHECKS_VERSION)
    assert '- warning [claims.retired_rule] "' in "\n".join(result.lines)
    stored = store.get(draft_id)
    assert stored.findings == current and stored.checks_version == CHECKS_VERSION
    assert (stored.version, stored.status) == (1, DraftStatus.pending_review)
    event = store.events(draft_id)[-1]
    assert len(store.events(draft_id)) == events + 1
    assert (event.action, event.actor, event.from_version, event.to_version) == (
        "recheck", "laydraft", 1, 1)
    assert f"checks v0 → v{CHECKS_VERSION}: {len(current)} finding(s) added, 1 gone" in (
        event.note or "")
    assert "[claims.retired_rule]" in (event.note or "")
    # nothing changed since: nothing written, nothing logged
    (again,) = recheck_queue(store, settings, SYSTEM)
    assert not again.changed and again.added == again.removed == []
    assert len(store.events(draft_id)) == events + 1


def test_only_queued_drafts_in_the_statuses_asked_for_are_rechecked(
        store: Store, settings) -> None:  # type: ignore[no-untyped-def]
    waiting = _id(store.add(example_draft(settings)))
    approved = _id(store.add(example_draft(settings)))
    review.claim(store, approved, "alice")
    review.transition(store, approved, "approve", "alice")
    claimed = _id(store.add(example_draft(settings)))
    review.claim(store, claimed, "bob")
    for draft_id in (waiting, approved, claimed):
        _tamper(store, draft_id, [STALE])
    only = recheck_queue(store, settings, SYSTEM, [DraftStatus.in_review])
    assert [r.draft_id for r in only] == [claimed]  # bob's claim does not stop a re-check
    assert [r.draft_id for r in recheck_queue(store, settings, SYSTEM)] == [waiting, claimed]
    assert store.get(approved).findings == [STALE]  # an approved draft keeps what was approved
    assert store.get(claimed).status is DraftStatus.in_review
    with pytest.raises(WorkflowError) as caught:
        recheck_queue(store, settings, Actor("ed", Role.editor))
    assert caught.value.code is ErrorCode.NOT_PERMITTED
    with pytest.raises(WorkflowError, match="only drafts in the review queue are re-checked"):
        recheck.recheck_draft(store, settings, approved, SYSTEM)


def test_rechecking_one_draft_is_refused_up_front_even_when_nothing_would_change(
        store: Store, queued: Draft, settings) -> None:  # type: ignore[no-untyped-def]
    """The web page's button re-checks one draft: whoever may not gets told so every time."""
    draft_id = _id(queued)
    events = len(store.events(draft_id))
    with pytest.raises(WorkflowError) as caught:  # the findings are current: nothing to write
        recheck.recheck_draft(store, settings, draft_id, Actor("ed", Role.editor))
    assert caught.value.code is ErrorCode.NOT_PERMITTED
    result = recheck.recheck_draft(store, settings, draft_id, Actor("rita", Role.reviewer))
    assert not result.changed and len(store.events(draft_id)) == events
    review.claim(store, draft_id, "alice")
    review.transition(store, draft_id, "approve", "alice")
    with pytest.raises(WorkflowError) as caught:
        recheck.recheck_draft(store, settings, draft_id, SYSTEM)
    assert caught.value.code is ErrorCode.ILLEGAL_TRANSITION


def test_a_version_saved_while_the_recheck_ran_is_left_alone(
        store: Store, queued: Draft, settings,  # type: ignore[no-untyped-def]
        monkeypatch: pytest.MonkeyPatch) -> None:
    draft_id = _id(queued)
    review.claim(store, draft_id, "alice")
    _tamper(store, draft_id, [STALE])
    real = recheck.check_summary

    def check_while_someone_saves(*args: Any) -> list[Finding]:
        edited = queued.summary.model_copy(update={
            "limitations": queued.summary.limitations + " It was one small study."})
        review.save_edit(store, draft_id, edited, 1, "alice", settings)
        return real(*args)

    monkeypatch.setattr(recheck, "check_summary", check_while_someone_saves)
    (result,) = recheck_queue(store, settings, SYSTEM)
    assert result.skipped == "version 2 was saved meanwhile" and not result.changed
    assert store.version(draft_id, 1).findings == [STALE]
    assert store.get(draft_id).checks_version == CHECKS_VERSION  # checked when saved


def test_a_dismissal_holds_across_a_recheck(store: Store, queued: Draft,
                                            settings) -> None:  # type: ignore[no-untyped-def]
    draft_id = _id(queued)
    review.claim(store, draft_id, "alice")
    first = queued.findings[0]
    made = review.dismiss(store, draft_id, 1, "fine for this audience", "alice")
    _tamper(store, draft_id, [STALE, *queued.findings])  # the finding is number 2 now
    tampered = store.get(draft_id)
    assert review.dismissed(tampered.findings, tampered.summary, store.dismissals(draft_id),
                            1)[1] == (first, made)
    recheck_queue(store, settings, SYSTEM)
    rechecked = store.get(draft_id)
    marks = review.dismissed(rechecked.findings, rechecked.summary, store.dismissals(draft_id),
                             rechecked.version)
    assert marks[0] == (first, made)
    assert [d for _, d in marks[1:]] == [None] * (len(marks) - 1)


# -- the command line ------------------------------------------------------------------------

def test_check_queue_prints_what_changed_per_draft(env: dict[str, str],  # noqa: F811
                                                   store_url: str) -> None:
    ok(env, "draft", "--example")
    ok(env, "draft", "--example", "--again")
    with Store(store_url) as store:
        _tamper(store, 1, [STALE])
        current = len(store.get(2).findings)
    out = ok(env, "check", "--queue")
    lines = out.splitlines()
    assert lines[0].startswith("draft #1 v1 ") and lines[0].endswith(
        f": {current} added, 1 gone")
    assert any(line.startswith('  - warning [claims.retired_rule] "') for line in lines)
    assert any(line.startswith("draft #2 v1 ") and line.endswith(": unchanged")
               for line in lines)
    assert lines[-1] == f"Re-checked 2 drafts with checks version {CHECKS_VERSION}: 1 changed."
    history = ok(env, "review", "history", "1")
    assert "alice recheck" in history and "[claims.retired_rule]" in history
    assert f"findings by checks version {CHECKS_VERSION}" in ok(env, "review", "show", "1")
    data = json.loads(ok(env, "check", "--queue", "--status", "pending_review", "--json"))
    assert data["checks_version"] == CHECKS_VERSION
    assert [(d["draft_id"], d["added"], d["removed"]) for d in data["drafts"]] == [
        (1, [], []), (2, [], [])]
    ok(env, "review", "claim", "1")
    assert "No drafts are waiting" in ok(env, "check", "--queue", "--status",
                                         "changes_requested")


def test_check_queue_usage_mistakes(env: dict[str, str]) -> None:  # noqa: F811
    bad_status = run(env, "check", "--queue", "--status", "approved")
    assert bad_status.returncode == 2 and "'approved' is not one of" in bad_status.stderr
    with_files = run(env, "check", "--queue", "a.txt", "b.md")
    assert with_files.returncode == 2 and "give no files with it" in with_files.stderr
    no_files = run(env, "check")
    assert no_files.returncode == 2 and "give ABSTRACT and SUMMARY files, or --queue" in (
        no_files.stderr)
    status_alone = run(env, "check", "--status", "in_review")
    assert status_alone.returncode == 2 and "go with --queue" in status_alone.stderr
