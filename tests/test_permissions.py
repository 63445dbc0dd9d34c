"""The permission function: role x action x state, claims, and the four-eyes rule."""

from __future__ import annotations

from datetime import timedelta

import pytest

from laydraft.errors import ErrorCode, NotClaimedError, WorkflowError
from laydraft.models import DraftState, DraftStatus, Role, utcnow
from laydraft.permissions import (
    NEEDED_ROLE,
    Action,
    Actor,
    Facts,
    allowed_actions,
    decide,
    refusals,
)

NOW = utcnow()
S = DraftStatus
A = Action


def state(status: DraftStatus, reviewer: str | None = None, created_by: str | None = None,
          live: bool = True) -> DraftState:
    claimed = status is S.in_review
    return DraftState(
        id=7, status=status, current_version=1, reviewer=reviewer, created_by=created_by,
        claimed_at=NOW if claimed else None,
        claim_expires=(NOW + timedelta(minutes=30 if live else -1)) if claimed else None)


def who(role: str, name: str = "pat") -> Actor:
    return Actor(name, Role(role))


# What each role may do in each state, when the actor holds the claim of an in_review draft
# and neither created nor saved it. Anything not listed is refused.
EXPECTED: dict[tuple[str, DraftStatus], set[Action]] = {
    ("editor", S.pending_review): {A.draft, A.comment},
    # an editor cannot claim; one holding a claim from before a demotion may edit, not decide
    ("editor", S.in_review): {A.draft, A.comment, A.edit, A.redraft},
    ("editor", S.changes_requested): {A.draft, A.comment, A.edit, A.redraft},
    ("editor", S.approved): {A.draft, A.comment},
    ("editor", S.rejected): {A.draft, A.comment},
    ("editor", S.published): {A.draft, A.comment},
    ("editor", S.withdrawn): {A.draft, A.comment},
    ("reviewer", S.pending_review): {A.draft, A.comment, A.claim, A.recheck},
    ("reviewer", S.in_review): {A.draft, A.comment, A.claim, A.release, A.edit, A.redraft,
                                A.approve, A.reject, A.request_changes, A.dismiss, A.recheck},
    ("reviewer", S.changes_requested): {A.draft, A.comment, A.edit, A.redraft, A.recheck},
    ("reviewer", S.approved): {A.draft, A.comment},
    ("reviewer", S.rejected): {A.draft, A.comment, A.reopen},
    ("reviewer", S.published): {A.draft, A.comment},
    ("reviewer", S.withdrawn): {A.draft, A.comment},
    ("admin", S.pending_review): {A.draft, A.comment, A.claim, A.recheck},
    ("admin", S.in_review): {A.draft, A.comment, A.claim, A.release, A.edit, A.redraft,
                             A.approve, A.reject, A.request_changes, A.dismiss, A.recheck},
    ("admin", S.changes_requested): {A.draft, A.comment, A.edit, A.redraft, A.recheck},
    ("admin", S.approved): {A.draft, A.comment, A.publish},
    ("admin", S.rejected): {A.draft, A.comment, A.reopen},
    ("admin", S.published): {A.draft, A.comment, A.publish, A.correct, A.withdraw},
    ("admin", S.withdrawn): {A.draft, A.comment, A.publish},
}


@pytest.mark.parametrize(("role", "status"), list(EXPECTED))
def test_role_by_state_table(role: str, status: DraftStatus) -> None:
    actor = who(role)
    st = state(status, reviewer=actor.name if status is S.in_review else None)
    assert allowed_actions(actor, st, Facts(now=NOW)) == EXPECTED[(role, status)]


@pytest.mark.parametrize("action", list(Action))
@pytest.mark.parametrize("role", list(Role))
def test_a_role_below_the_needed_one_is_refused_with_its_code(role: Role, action: Action) -> None:
    st = state(S.in_review, reviewer="pat")
    found = decide(Actor("pat", role), action, st, Facts(now=NOW))
    if role.includes(NEEDED_ROLE[action]):
        assert found.code is not ErrorCode.NOT_PERMITTED
        return
    assert not found and found.code is ErrorCode.NOT_PERMITTED
    assert found.context == {"draft_id": 7, "action": action.value, "role": role.value,
                             "needed": NEEDED_ROLE[action].value, "person": "pat"}
    assert f"pat ({role.value}) may not {action.value.replace('_', ' ')} draft 7" in found.reason
    with pytest.raises(WorkflowError) as caught:
        found.enforce()
    assert caught.value.code is ErrorCode.NOT_PERMITTED


def test_roles_needed() -> None:
    assert {a for a, r in NEEDED_ROLE.items() if r is Role.editor} == {
        A.draft, A.edit, A.redraft, A.comment}
    assert {a for a, r in NEEDED_ROLE.items() if r is Role.reviewer} == {
        A.claim, A.release, A.approve, A.reject, A.request_changes, A.dismiss, A.recheck,
        A.reopen}
    assert {a for a, r in NEEDED_ROLE.items() if r is Role.admin} == {
        A.publish, A.correct, A.withdraw}
    assert set(NEEDED_ROLE) == set(Action)


def test_claims_keep_other_reviewers_out_until_they_expire() -> None:
    held = state(S.in_review, reviewer="ana")
    bob = who("reviewer", "bob")
    refused = decide(bob, A.approve, held, Facts(now=NOW))
    assert refused.code is ErrorCode.ILLEGAL_TRANSITION and "ana holds the claim" in refused.reason
    assert not decide(bob, A.claim, held, Facts(now=NOW))
    expired = state(S.in_review, reviewer="ana", live=False)
    assert decide(bob, A.claim, expired, Facts(now=NOW))
    needs = decide(bob, A.approve, expired, Facts(now=NOW))
    assert needs.code is ErrorCode.NOT_CLAIMED and isinstance(needs.error(), NotClaimedError)
    pending = decide(bob, A.approve, state(S.pending_review), Facts(now=NOW))
    assert pending.reason == "cannot approve draft 7: it is pending_review; claim it first"


@pytest.mark.parametrize(("created_by", "saved_by", "reason"), [
    ("pat", None, "created"),
    ("someone", "pat", "saved"),
])
def test_four_eyes(created_by: str, saved_by: str | None, reason: str) -> None:
    st = state(S.in_review, reviewer="pat", created_by=created_by)
    facts = Facts(now=NOW, saved_by=saved_by)
    refused = decide(who("admin"), A.approve, st, facts)
    assert refused.code is ErrorCode.FOUR_EYES and refused.context["reason"] == reason
    assert "(the four-eyes rule)" in refused.reason
    # the same person may still reject or send back, and anyone else may approve
    assert decide(who("admin"), A.reject, st, facts)
    other = state(S.in_review, reviewer="quinn", created_by=created_by)
    assert decide(who("reviewer", "quinn"), A.approve, other, Facts(now=NOW))
    assert A.approve in refusals(who("admin"), st, facts)
    assert decide(who("admin"), A.approve, st, Facts(now=NOW, four_eyes=False, saved_by=saved_by))


def test_correct_and_withdraw_only_published_drafts() -> None:
    admin = who("admin")
    refused = decide(admin, A.withdraw, state(S.approved), Facts(now=NOW))
    assert refused.reason == "cannot withdraw draft 7: it is approved; only published drafts can be withdrawn"
    assert not decide(admin, A.correct, state(S.withdrawn), Facts(now=NOW))
    assert decide(admin, A.correct, state(S.published), Facts(now=NOW))


def test_drafting_needs_no_draft() -> None:
    assert decide(who("editor"), A.draft, None)
    assert decide(who("editor"), A.publish, None).code is ErrorCode.NOT_PERMITTED
