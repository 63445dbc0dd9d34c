"""Dismissing a finding on the review page: the form, who sees it, and what it changes."""

# The people fixture imported from test_workflow_pages is redefined as test arguments.
# ruff: noqa: F811

from __future__ import annotations

import html
import re

from laydraft.db import Store
from laydraft.models import DraftStatus

from .test_workflow_pages import (  # noqa: F401  (the people fixture)
    ERROR_SENTENCE,
    Person,
    _draft_as,
    _flash,
    _section_text,
    people,
)

_ERROR_ITEM = re.compile(r'<li class="finding-item error" id="finding-(\d+)"[^>]*>\s*'
                         r'<span class="sev">error</span>\s*<span class="check">numbers</span>')


def _with_error(people: dict[str, Person], store: Store) -> tuple[int, int]:
    """A draft by ed that rita claimed and gave an untraceable figure; its finding number."""
    rita = people["rita"]
    draft_id = _draft_as(people["ed"])
    rita.post(f"/drafts/{draft_id}/claim")
    text = _section_text(store, draft_id, "why_it_matters") + ERROR_SENTENCE
    assert rita.post(f"/drafts/{draft_id}/edit", section="why_it_matters", text=text,
                     base_version="1").status_code == 303
    found = _ERROR_ITEM.search(rita.get(f"/drafts/{draft_id}"))
    assert found, "the error finding is listed with its number"
    return draft_id, int(found.group(1))


def test_a_reviewer_dismisses_a_finding_with_a_reason_and_approval_no_longer_needs_one(
        people: dict[str, Person], store: Store) -> None:
    rita, rob, ed = people["rita"], people["rob"], people["ed"]
    draft_id, number = _with_error(people, store)
    page = rita.get(f"/drafts/{draft_id}")
    assert f'aria-label="Reason to dismiss finding {number}"' in page
    assert 'id="overrides"' not in page  # rita saved the version: she cannot approve anyway
    assert "Reason to dismiss" not in ed.get(f"/drafts/{draft_id}")  # editors see no form
    code = store.get(draft_id).findings[number - 1].code
    reason = "The full paper reports 9,999 <people> in table 2"
    done = rita.post(f"/drafts/{draft_id}/dismiss", finding=str(number), code=code,
                     reason=reason)
    assert done.status_code == 303 and done.headers["location"] == f"/drafts/{draft_id}"
    page = _flash(rita, draft_id)
    assert "Finding dismissed: it stays listed with your reason" in page
    assert f'<li class="finding-item error dismissed" id="finding-{number}"' in page
    assert "Dismissed by <strong>rita</strong>" in page
    assert html.escape(reason) in page and reason not in page  # escaped, never markup
    assert f'aria-label="Reason to dismiss finding {number}"' not in page
    history = rita.get(f"/drafts/{draft_id}/history")
    assert 'id="dismissals"' in history and html.escape(reason) in history
    (event,) = [e for e in store.events(draft_id) if e.action == "dismiss"]
    assert event.actor == "rita" and reason in (event.note or "")
    rita.post(f"/drafts/{draft_id}/release")
    rob.post(f"/drafts/{draft_id}/claim")
    page = rob.get(f"/drafts/{draft_id}")
    assert 'value="approve"' in page and 'id="overrides"' not in page
    rob.post(f"/drafts/{draft_id}/decide", decision="approve")
    assert store.get(draft_id).status is DraftStatus.approved
    assert store.overrides(draft_id) == []


def test_a_stale_or_refused_dismissal_says_why_and_changes_nothing(
        people: dict[str, Person], store: Store) -> None:
    rita, ed = people["rita"], people["ed"]
    draft_id, number = _with_error(people, store)
    rita.post(f"/drafts/{draft_id}/dismiss", finding=str(number), code="no.such_code",
              reason="fine")
    assert "The findings changed since the page was loaded" in _flash(rita, draft_id)
    rita.post(f"/drafts/{draft_id}/dismiss", finding=str(number), reason=" ")
    assert "The reason box is empty: write in it" in _flash(rita, draft_id)
    ed.post(f"/drafts/{draft_id}/dismiss", finding=str(number), reason="fine")
    assert "Your role (editor) does not allow this" in _flash(ed, draft_id)
    assert store.dismissals(draft_id) == []


def test_a_dismissal_is_undone_with_the_button_beside_it_and_the_history_keeps_both(
        people: dict[str, Person], store: Store) -> None:
    rita, rob, ed = people["rita"], people["rob"], people["ed"]
    draft_id, number = _with_error(people, store)
    code = store.get(draft_id).findings[number - 1].code
    rita.post(f"/drafts/{draft_id}/dismiss", finding=str(number), code=code, reason="in table 2")
    page = rita.get(f"/drafts/{draft_id}")
    undo = f'aria-label="Reason to undo the dismissal of finding {number}"'
    assert undo in page and page.count("Undo dismissal</button>") == 1
    assert undo not in ed.get(f"/drafts/{draft_id}")  # the same people as may dismiss
    assert undo not in rob.get(f"/drafts/{draft_id}")  # rita holds the claim
    ed.post(f"/drafts/{draft_id}/undismiss", finding=str(number), code=code)
    assert "Your role (editor) does not allow this" in _flash(ed, draft_id)
    assert all(d.live for d in store.dismissals(draft_id))
    reason = "Table 2 says <b>24</b>, not 9,999"
    done = rita.post(f"/drafts/{draft_id}/undismiss", finding=str(number), code=code,
                     reason=reason)
    assert done.status_code == 303 and done.headers["location"] == f"/drafts/{draft_id}"
    page = _flash(rita, draft_id)
    assert "Dismissal undone: the finding counts again" in page
    assert f'<li class="finding-item error" id="finding-{number}"' in page
    assert f'aria-label="Reason to dismiss finding {number}"' in page and undo not in page
    (kept,) = store.dismissals(draft_id)
    assert (kept.revoked_by, kept.revoke_reason) == ("rita", reason)
    history = rita.get(f"/drafts/{draft_id}/history")
    assert '<tr class="revoked">' in history and html.escape(reason) in history
    assert reason not in history
    assert [e.action for e in store.events(draft_id)][-2:] == ["dismiss", "undismiss"]
    rita.post(f"/drafts/{draft_id}/undismiss", finding=str(number), code=code)
    page = _flash(rita, draft_id)
    assert "is not dismissed; nothing to undo" in page
    assert "someone may have undone it already" in page


def test_the_queue_page_counts_findings_not_dismissed_and_shows_dismissed_apart(
        people: dict[str, Person], store: Store) -> None:
    rita = people["rita"]
    draft_id, number = _with_error(people, store)
    (item,) = [i for i in store.list() if i.id == draft_id]
    row = re.compile(rf'<a href="/drafts/{draft_id}">.*?</tr>', re.S)

    def counts() -> str:
        found = row.search(rita.get("/queue"))
        assert found
        return re.sub(r"\s+", " ", found.group(0))

    assert f'title="errors not dismissed">{item.errors} error' in counts()
    assert 'class="muted small dismissed"' not in counts()
    code = store.get(draft_id).findings[number - 1].code
    rita.post(f"/drafts/{draft_id}/dismiss", finding=str(number), code=code, reason="in table 2")
    shown = counts()
    assert '(1 error dismissed)' in shown
    if item.errors > 1:
        assert f'title="errors not dismissed">{item.errors - 1} error' in shown
    else:
        assert 'class="pill error"' not in shown
