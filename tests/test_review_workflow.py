"""Workflow rules: states, claims and their expiry, versions, locking, comments, re-drafts."""

# Fixtures imported from test_store.py are redefined as test arguments, as pytest intends.
# ruff: noqa: F811

from __future__ import annotations

from datetime import timedelta

import pytest

from laydraft import review
from laydraft.cli.messages import cli_message
from laydraft.core import DraftingCore
from laydraft.db import Store
from laydraft.drafting.testing import FakeModel
from laydraft.errors import NotFoundError, StaleVersionError, UsageError, WorkflowError
from laydraft.models import Draft, DraftStatus, LaySummary, utcnow
from laydraft.prompts import render_redraft_prompt
from test_store import queued  # noqa: F401  (shared fixture)


def _changed(summary: LaySummary, **fields: str) -> LaySummary:
    return summary.model_copy(update=fields)


def _id(draft: Draft) -> int:
    assert draft.id is not None
    return draft.id


@pytest.mark.parametrize(("action", "target"), [
    ("approve", DraftStatus.approved),
    ("reject", DraftStatus.rejected),
    ("request_changes", DraftStatus.changes_requested),
])
def test_decisions_from_review(store: Store, queued: Draft, action: str,
                               target: DraftStatus) -> None:
    review.claim(store, _id(queued), "alice")
    after = review.transition(store, _id(queued), action, "alice", note="because")
    assert after.status is target
    assert store.get(_id(queued)).status is target
    (note,) = store.comments(_id(queued))
    assert note.text == "because" and note.author == "alice"


@pytest.mark.parametrize("action", ["approve", "reject", "request_changes"])
def test_decisions_need_a_claim(store: Store, queued: Draft, action: str) -> None:
    with pytest.raises(WorkflowError, match="it is pending_review; claim it first"):
        review.transition(store, _id(queued), action, "alice")


def test_illegal_transitions_name_the_current_state(store: Store, queued: Draft) -> None:
    review.claim(store, _id(queued), "alice")
    review.transition(store, _id(queued), "reject", "alice")
    with pytest.raises(WorkflowError, match="cannot approve draft .*: it is rejected"):
        review.transition(store, _id(queued), "approve", "alice")
    with pytest.raises(WorkflowError, match="cannot claim draft .*: it is rejected"):
        review.claim(store, _id(queued), "bob")
    with pytest.raises(UsageError, match="unknown action"):
        review.transition(store, _id(queued), "publish", "alice")


def test_a_claim_keeps_others_out_until_released(store: Store, queued: Draft) -> None:
    review.claim(store, _id(queued), "alice")
    with pytest.raises(WorkflowError, match="alice holds the claim until"):
        review.claim(store, _id(queued), "bob")
    with pytest.raises(WorkflowError, match="alice holds the claim"):
        review.transition(store, _id(queued), "approve", "bob")
    with pytest.raises(WorkflowError, match="alice holds the claim"):
        review.release(store, _id(queued), "bob")
    review.release(store, _id(queued), "alice")
    assert review.claim(store, _id(queued), "bob").reviewer == "bob"


def test_an_expired_claim_can_be_taken_over(store: Store, queued: Draft) -> None:
    start = utcnow()
    review.claim(store, _id(queued), "alice", minutes=30, now=start)
    later = start + timedelta(minutes=31)
    taken = review.claim(store, _id(queued), "bob", now=later)
    assert taken.reviewer == "bob"
    with pytest.raises(WorkflowError, match="bob holds the claim"):
        review.transition(store, _id(queued), "approve", "alice", now=later)


def test_expired_claims_return_to_the_queue(store: Store, queued: Draft) -> None:
    start = utcnow()
    review.claim(store, _id(queued), "alice", minutes=5, now=start)
    assert review.expire_claims(store, start + timedelta(minutes=1)) == []
    assert review.expire_claims(store, start + timedelta(minutes=6)) == [_id(queued)]
    assert store.get(_id(queued)).status is DraftStatus.pending_review
    assert store.events(_id(queued))[-1].action == "claim_expired"


def test_next_claims_the_oldest_waiting_draft(store: Store, queued: Draft, settings) -> None:  # type: ignore[no-untyped-def]
    second = store.add(queued.model_copy(update={"id": None}))
    first = review.next_draft(store, "alice")
    assert first is not None and first.id == _id(queued)
    nxt = review.next_draft(store, "bob")
    assert nxt is not None and nxt.id == second.id
    assert review.next_draft(store, "carol") is None


def test_a_reviewer_is_required(store: Store, queued: Draft) -> None:
    with pytest.raises(UsageError, match="needs to know who you are") as info:
        review.claim(store, _id(queued), "")
    assert "--as NAME, set LAYDRAFT_REVIEWER" in cli_message(info.value)


def test_unknown_draft(store: Store) -> None:
    with pytest.raises(NotFoundError, match="no draft with id 42"):
        review.claim(store, 42, "alice")


def test_edits_become_versions_and_version_one_stays(store: Store, queued: Draft,
                                                     settings) -> None:  # type: ignore[no-untyped-def]
    review.claim(store, _id(queued), "alice")
    text = _changed(queued.summary, limitations="Short now.")
    saved = review.save_edit(store, _id(queued), text, 1, "alice", settings, note="trimmed")
    assert (saved.version, saved.based_on, saved.author, saved.note) == (2, 1, "alice", "trimmed")
    assert any(f.section == "limitations" and "words" in f.message for f in saved.findings)
    assert store.get(_id(queued)).summary.limitations == "Short now."
    assert store.get(_id(queued), 1).summary == queued.summary
    events = store.events(_id(queued))
    assert (events[-1].action, events[-1].from_version, events[-1].to_version) == ("edit", 1, 2)


def test_an_unchanged_edit_is_refused(store: Store, queued: Draft, settings) -> None:  # type: ignore[no-untyped-def]
    review.claim(store, _id(queued), "alice")
    rewrapped = _changed(queued.summary, headline=queued.summary.headline.replace(" ", "\n  "))
    with pytest.raises(UsageError, match="no changes"):
        review.save_edit(store, _id(queued), rewrapped, 1, "alice", settings)


def test_a_stale_save_says_who_saved_in_between(store: Store, queued: Draft, settings) -> None:  # type: ignore[no-untyped-def]
    review.claim(store, _id(queued), "alice")
    review.save_edit(store, _id(queued), _changed(queued.summary, headline="First save wins here."),
                     1, "alice", settings)
    with pytest.raises(StaleVersionError, match="alice saved version 2 .edit.") as caught:
        review.save_edit(store, _id(queued),
                         _changed(queued.summary, headline="Second save loses here."),
                         1, "alice", settings)
    assert caught.value.context["rejected"].summary.headline == "Second save loses here."
    assert [v.version for v in store.versions(_id(queued))] == [1, 2]


def test_editing_needs_the_claim_or_changes_requested(store: Store, queued: Draft,
                                                      settings) -> None:  # type: ignore[no-untyped-def]
    text = _changed(queued.summary, headline="An edit that should not land.")
    with pytest.raises(WorkflowError, match="it is pending_review; claim it first"):
        review.save_edit(store, _id(queued), text, 1, "alice", settings)
    review.claim(store, _id(queued), "alice")
    with pytest.raises(WorkflowError, match="alice holds the claim"):
        review.save_edit(store, _id(queued), text, 1, "bob", settings)
    review.transition(store, _id(queued), "request_changes", "alice", note="simpler")
    saved = review.save_edit(store, _id(queued), text, 1, "bob", settings)
    assert saved.version == 2
    assert store.get(_id(queued)).status is DraftStatus.pending_review


def test_saving_renews_the_claim(store: Store, queued: Draft, settings) -> None:  # type: ignore[no-untyped-def]
    review.claim(store, _id(queued), "alice", minutes=1, now=utcnow() - timedelta(minutes=5))
    review.save_edit(store, _id(queued), _changed(queued.summary, headline="Saved after a while."),
                     1, "alice", settings)
    with store.transaction() as conn:
        state = store.state(conn, _id(queued))
    assert state.claim_live(utcnow()) and state.reviewer == "alice"


def test_comments_attach_to_sections(store: Store, queued: Draft) -> None:
    made = review.comment(store, _id(queued), "alice", "explain relapse", "What was found")
    assert (made.section, made.version) == ("what_was_found", 1)
    with pytest.raises(UsageError, match="unknown section"):
        review.comment(store, _id(queued), "alice", "x", "conclusion")
    with pytest.raises(UsageError, match="empty"):
        review.comment(store, _id(queued), "alice", "  ")
    assert store.events(_id(queued))[-1].action == "comment"


def test_redraft_sends_the_instruction_and_keeps_provenance(store: Store, queued: Draft,
                                                            settings) -> None:  # type: ignore[no-untyped-def]
    review.claim(store, _id(queued), "alice")
    summary = LaySummary(headline="A simpler headline from the model.", what_was_found="Found.",
                         why_it_matters="Matters.", limitations="Limited.")
    model = FakeModel(summary, model="test-model", cost_usd=0.0012)
    saved = review.redraft(store, _id(queued), "explain PML", "alice", settings,
                           DraftingCore(settings, model=model))
    (prompt,) = model.prompts
    system, user = prompt.messages
    assert system.role == "system" and user.role == "user"
    assert "<reviewer_request>\nexplain PML\n</reviewer_request>" in user.content
    assert queued.summary.headline in user.content and queued.abstract.text[:60] in user.content
    assert saved.kind.value == "redraft" and saved.note == "explain PML"
    assert (saved.provenance.model, saved.provenance.cost_usd) == ("test-model", 0.0012)
    assert review.offline_redraft_notice(saved) is None
    other = render_redraft_prompt(settings, queued.abstract, queued.summary, "shorter")
    assert other.fingerprint == prompt.fingerprint  # the instruction is not the prompt version


def test_offline_redraft_still_makes_a_version(store: Store, queued: Draft, settings) -> None:  # type: ignore[no-untyped-def]
    review.claim(store, _id(queued), "alice")
    saved = review.redraft(store, _id(queued), "simpler", "alice", settings)
    assert saved.version == 2 and saved.provenance.drafter == "offline"
    assert "cannot follow instructions" in (review.offline_redraft_notice(saved) or "")
    with pytest.raises(UsageError, match="say what the new draft should change"):
        review.redraft(store, _id(queued), " ", "alice", settings)


def test_history_and_diff(store: Store, queued: Draft, settings) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(UsageError, match="only version 1"):
        review.diff_versions(store, _id(queued))
    review.claim(store, _id(queued), "alice")
    new_text = queued.summary.limitations + " Added sentence."
    review.save_edit(store, _id(queued), _changed(queued.summary, limitations=new_text),
                     1, "alice", settings)
    found = review.diff_versions(store, _id(queued))
    assert (found.old, found.new) == (1, 2)
    changed = {s.section: s for s in found.sections if s.changed}
    assert list(changed) == ["limitations"]
    assert [s.text for s in changed["limitations"].segments if s.op == "insert"] == [
        "Added sentence."]
    past = review.history(store, _id(queued))
    assert [v.version for v in past.versions] == [1, 2]
    assert [e.action for e in past.events] == ["create", "claim", "edit"]
    assert all(e.actor for e in past.events)


def test_the_creator_is_recorded_and_may_not_approve(store: Store, queued: Draft) -> None:
    from laydraft.errors import ErrorCode
    from laydraft.models import Role
    from laydraft.permissions import Actor

    mine = store.add(queued.model_copy(update={"id": None}), created_by="carol")
    with store.transaction() as conn:
        assert store.state(conn, _id(mine)).created_by == "carol"
    first = store.events(_id(mine))[0]
    assert (first.action, first.actor, first.note) == ("create", "carol", "drafted by offline")
    carol = Actor("carol", Role.reviewer)
    review.claim(store, _id(mine), carol)
    with pytest.raises(WorkflowError, match="carol cannot approve .*: they created it") as caught:
        review.transition(store, _id(mine), "approve", carol)
    assert caught.value.code is ErrorCode.FOUR_EYES
    assert review.transition(store, _id(mine), "approve", carol,
                             four_eyes=False).status is DraftStatus.approved
    editor = Actor("ed", Role.editor)
    with pytest.raises(WorkflowError, match=r"ed \(editor\) may not claim"):
        review.claim(store, _id(queued), editor)


def test_overrides_are_stored_per_error_finding(store: Store, queued: Draft, settings) -> None:  # type: ignore[no-untyped-def]
    from laydraft.errors import ErrorCode

    review.claim(store, _id(queued), "alice")
    text = _changed(queued.summary, why_it_matters=queued.summary.why_it_matters
                    + " About 9,999 people took part.")
    saved = review.save_edit(store, _id(queued), text, 1, "alice", settings)
    errors = review.error_findings(saved.findings)
    assert errors and all(f.severity.value == "error" for f in errors)
    review.release(store, _id(queued), "alice")
    review.claim(store, _id(queued), "bob")
    with pytest.raises(WorkflowError) as caught:
        review.transition(store, _id(queued), "approve", "bob")
    assert caught.value.code is ErrorCode.UNRESOLVED_ERRORS
    assert caught.value.context["findings"][0]["number"] == 1
    with pytest.raises(UsageError, match="only taken when approving"):
        review.transition(store, _id(queued), "reject", "bob", overrides={1: "x"})
    reasons = {n: f"reason {n}" for n in range(1, len(errors) + 1)}
    review.transition(store, _id(queued), "approve", "bob", overrides=reasons)
    stored = store.overrides(_id(queued))
    assert [(o.version, o.reason, o.actor) for o in stored] == [
        (2, f"reason {n}", "bob") for n in reasons]
    marked = review.overridden(store.get(_id(queued)).findings, stored, 2)
    assert [o is not None for f, o in marked] == [f.severity.value == "error" for f, _ in marked]
    assert "overrode" in (store.events(_id(queued))[-1].note or "")


def test_a_rejected_draft_is_reopened_into_the_queue_with_an_audit_event(
        store: Store, queued: Draft) -> None:
    from laydraft.models import Role
    from laydraft.permissions import Actor

    review.claim(store, _id(queued), "alice")
    with pytest.raises(WorkflowError, match="only rejected drafts can be reopened"):
        review.reopen(store, _id(queued), "alice")
    review.transition(store, _id(queued), "reject", "alice")
    with pytest.raises(WorkflowError, match="needs the reviewer role"):
        review.reopen(store, _id(queued), Actor("ed", Role.editor))
    after = review.reopen(store, _id(queued), Actor("bob", Role.reviewer), "worth another look")
    assert after.status is DraftStatus.pending_review and after.reviewer is None
    event = store.events(_id(queued))[-1]
    assert (event.action, event.actor, event.note) == ("reopen", "bob", "worth another look")
    assert store.comments(_id(queued))[-1].text == "worth another look"
    assert [e.action for e in review.history(store, _id(queued)).events][-2:] == [
        "reject", "reopen"]
    review.claim(store, _id(queued), "carol")  # back in the queue: it can be claimed again


def test_redraft_keeps_the_reviewers_edit_as_a_version_and_the_drafts_audience(
        store: Store, settings) -> None:  # type: ignore[no-untyped-def]
    from laydraft.ingest import parse_text
    from laydraft.resources import example_abstract_path

    teen = settings.model_copy(update={"audience": "teenagers living with MS"})
    first = DraftingCore.from_settings(teen).sync.draft(
        parse_text(example_abstract_path().read_text()))
    draft = store.add(first)
    assert draft.provenance.audience == "teenagers living with MS"
    review.claim(store, _id(draft), "alice")
    edited = _changed(draft.summary, limitations=draft.summary.limitations + " Edited.")
    review.save_edit(store, _id(draft), edited, 1, "alice", settings)
    summary = LaySummary(headline="A simpler headline from the model.", what_was_found="Found.",
                         why_it_matters="Matters.", limitations="Limited.")
    model = FakeModel(summary, model="test-model")
    seen: list[str] = []
    real = DraftingCore.from_settings

    def spy(used, *args, **kwargs):  # type: ignore[no-untyped-def]
        seen.append(used.audience)
        return DraftingCore(used, model=model)

    DraftingCore.from_settings = spy  # type: ignore[method-assign, assignment]
    try:
        saved = review.redraft(store, _id(draft), "shorter", "alice", settings)
    finally:
        DraftingCore.from_settings = real  # type: ignore[method-assign]
    assert seen == ["teenagers living with MS"]  # not the server's default audience
    assert "teenagers living with MS" in model.prompts[0].messages[0].content + \
        model.prompts[0].messages[1].content
    assert saved.provenance.audience == "teenagers living with MS"
    versions = store.versions(_id(draft))
    assert [v.kind.value for v in versions] == ["draft", "edit", "redraft"]
    assert versions[1].summary.limitations.endswith("Edited.")  # the edit is kept
    assert saved.based_on == 2  # and it is what the model revised
    assert "Edited." in model.prompts[0].messages[1].content
