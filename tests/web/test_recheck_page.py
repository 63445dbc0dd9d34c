"""The re-check button on the review page: who sees it, what it runs and what it shows."""

# The people fixture imported from test_workflow_pages is redefined as test arguments.
# ruff: noqa: F811

from __future__ import annotations

from laydraft.db import Store
from laydraft.models import DraftStatus, Finding, Severity

from .test_workflow_pages import (  # noqa: F401  (the people fixture)
    Person,
    _draft_as,
    _flash,
    people,
)

BUTTON = 'id="recheck"'
LISTED = 'data-code="claims.retired_rule"'
STALE = Finding(check="claims", code="claims.retired_rule", severity=Severity.warning,
                section="headline", start=0, end=5, message="a rule the checks dropped")


def _tamper(store: Store, draft_id: int) -> list[Finding]:
    """Make the stored findings look computed by older checks; the findings they replaced."""
    draft = store.get(draft_id)
    with store.transaction(write=True) as conn:
        store.replace_findings(conn, draft_id, draft.version, [STALE], 0)
    return draft.findings


def test_a_reviewer_rechecks_a_draft_and_sees_the_new_findings(
        people: dict[str, Person], store: Store) -> None:
    rita, ed = people["rita"], people["ed"]
    draft_id = _draft_as(ed)
    assert BUTTON in rita.get(f"/drafts/{draft_id}")  # no claim needed, as for check --queue
    current = _tamper(store, draft_id)
    assert current, "the offline draft of the example has findings to come back"
    assert LISTED in rita.get(f"/drafts/{draft_id}")
    done = rita.post(f"/drafts/{draft_id}/recheck")
    assert done.status_code == 303 and done.headers["location"] == f"/drafts/{draft_id}"
    page = _flash(rita, draft_id)
    assert "Re-checked with the current checks" in page
    assert f"{len(current)} finding{'s' if len(current) != 1 else ''} added, 1 gone" in page
    assert "- warning [claims.retired_rule]" in page
    assert LISTED not in page  # gone from the findings listed; the message and log say so
    for finding in current:
        assert f'data-code="{finding.code}"' in page
    stored = store.get(draft_id)
    assert stored.findings == current and stored.checks_version not in (None, 0)
    assert (stored.version, stored.status) == (1, DraftStatus.pending_review)
    event = store.events(draft_id)[-1]
    assert (event.action, event.actor) == ("recheck", "rita")
    rita.post(f"/drafts/{draft_id}/recheck")  # again: nothing changes, nothing is logged
    assert "no change in the findings" in _flash(rita, draft_id)
    assert [e.action for e in store.events(draft_id)].count("recheck") == 1


def test_the_recheck_button_follows_the_permission_and_a_refusal_changes_nothing(
        people: dict[str, Person], store: Store) -> None:
    rita, rob, ed = people["rita"], people["rob"], people["ed"]
    draft_id = _draft_as(ed)
    assert BUTTON not in ed.get(f"/drafts/{draft_id}")
    _tamper(store, draft_id)
    ed.post(f"/drafts/{draft_id}/recheck")
    assert "Your role (editor) does not allow this: it needs the reviewer role." in _flash(
        ed, draft_id)
    assert store.get(draft_id).findings == [STALE]
    rita.post(f"/drafts/{draft_id}/claim")
    assert BUTTON in rob.get(f"/drafts/{draft_id}")  # a claim by someone else does not stop it
    rita.post(f"/drafts/{draft_id}/decide", decision="request_changes")
    ed.post(f"/drafts/{draft_id}/edit", section="headline",
            text=store.get(draft_id).summary.headline + " Really.", base_version="1")
    rob.post(f"/drafts/{draft_id}/claim")
    rob.post(f"/drafts/{draft_id}/decide", decision="approve")
    assert store.get(draft_id).status is DraftStatus.approved
    assert BUTTON not in rob.get(f"/drafts/{draft_id}")  # an approved draft keeps its findings
    events = len(store.events(draft_id))
    rob.post(f"/drafts/{draft_id}/recheck")
    assert "only drafts in the review queue are re-checked" in _flash(rob, draft_id)
    assert len(store.events(draft_id)) == events
