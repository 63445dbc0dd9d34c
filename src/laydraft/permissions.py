"""What may this person do to this draft now: the one permission function.

``decide(actor, action, state, facts)`` answers for every action of the review workflow, from
three things: the person's role (editor < reviewer < admin, see ``models.Role``), the draft's
state (status, claim, who created it) and a few facts the caller gathered (the time, who saved
the current version, whether the four-eyes rule is on). ``review`` and ``export`` call it before
every change they make, so the rules hold for every interface; the web app calls
``allowed_actions`` to show only the buttons that would work and never repeats a rule itself.

Roles:
    editor    draft, edit, re-draft, comment (edits need a claim or changes requested)
    reviewer  also claim, release, approve, reject, request changes, dismiss a finding with
              a reason (holding the claim), re-check queued drafts with the current checks,
              reopen a rejected draft (back to the queue)
    admin     also publish (export), correct and withdraw published pages, manage users

The four-eyes rule (setting ``four_eyes``): whoever created a draft, or saved its current
version, cannot approve it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from .errors import ErrorCode, NotClaimedError, WorkflowError
from .models import DraftState, DraftStatus, Role, utcnow


class Action(StrEnum):
    """Everything a person can do to a draft."""

    draft = "draft"
    edit = "edit"
    redraft = "redraft"
    comment = "comment"
    claim = "claim"
    release = "release"
    approve = "approve"
    reject = "reject"
    request_changes = "request_changes"
    dismiss = "dismiss"
    recheck = "recheck"
    publish = "publish"
    correct = "correct"
    withdraw = "withdraw"
    reopen = "reopen"


NEEDED_ROLE: dict[Action, Role] = {
    Action.draft: Role.editor, Action.edit: Role.editor, Action.redraft: Role.editor,
    Action.comment: Role.editor,
    Action.claim: Role.reviewer, Action.release: Role.reviewer, Action.approve: Role.reviewer,
    Action.reject: Role.reviewer, Action.request_changes: Role.reviewer,
    Action.dismiss: Role.reviewer, Action.recheck: Role.reviewer, Action.reopen: Role.reviewer,
    Action.publish: Role.admin, Action.correct: Role.admin, Action.withdraw: Role.admin,
}
DECISIONS = (Action.approve, Action.reject, Action.request_changes)
QUEUED = (DraftStatus.pending_review, DraftStatus.in_review, DraftStatus.changes_requested)
PUBLISHABLE = (DraftStatus.approved, DraftStatus.published, DraftStatus.withdrawn)


@dataclass(frozen=True)
class Actor:
    """A person acting: the name the log records and the role that bounds what they may do."""

    name: str
    role: Role = Role.editor

    def __str__(self) -> str:
        return self.name


@dataclass(frozen=True)
class Facts:
    """What the rules need beyond the state: the time, the current version's saver, settings."""

    now: datetime = field(default_factory=utcnow)
    four_eyes: bool = True
    saved_by: str | None = None  # the person who saved the current version (None: the drafter)


@dataclass(frozen=True)
class Decision:
    """The answer: allowed, or refused with an error code, a reason and structured context."""

    action: Action
    allowed: bool
    code: ErrorCode | None = None
    reason: str = ""
    context: dict[str, Any] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return self.allowed

    def error(self) -> WorkflowError:
        """The refusal as the workflow error the interfaces phrase (by its code)."""
        kind = NotClaimedError if self.code is ErrorCode.NOT_CLAIMED else WorkflowError
        return kind(self.reason, code=self.code, **self.context)

    def enforce(self) -> None:
        """Raise the refusal; nothing when allowed."""
        if not self.allowed:
            raise self.error()


def _allow(action: Action) -> Decision:
    return Decision(action, True)


def _refuse_state(action: Action, state: DraftState, hint: str = "", *,
                  claim_needed: bool = False) -> Decision:
    words = action.value.replace("_", " ")
    return Decision(
        action, False, ErrorCode.NOT_CLAIMED if claim_needed else ErrorCode.ILLEGAL_TRANSITION,
        f"cannot {words} draft {state.id}: it is {state.status.value}"
        + (f"; {hint}" if hint else ""),
        {"draft_id": state.id, "action": action.value, "status": state.status.value,
         "holder": state.reviewer})


def claim_holder_hint(state: DraftState) -> str:
    until = f"{state.claim_expires:%Y-%m-%d %H:%M} UTC" if state.claim_expires else "?"
    return f"{state.reviewer} holds the claim until {until}"


def _needs_claim(action: Action, actor: Actor, state: DraftState, now: datetime) -> Decision:
    """The actor must hold the claim; an expired claim still counts until someone takes it."""
    if state.status is not DraftStatus.in_review:
        pending = state.status is DraftStatus.pending_review
        return _refuse_state(action, state, "claim it first" if pending else "",
                             claim_needed=pending)
    if state.reviewer != actor.name:
        if state.claim_live(now):
            return _refuse_state(action, state, claim_holder_hint(state))
        return _refuse_state(action, state, "claim it first", claim_needed=True)
    return _allow(action)


def _editable(action: Action, actor: Actor, state: DraftState, now: datetime) -> Decision:
    if state.status is DraftStatus.changes_requested:
        return _allow(action)
    if state.status is DraftStatus.in_review:
        return _needs_claim(action, actor, state, now)
    pending = state.status is DraftStatus.pending_review
    hint = ("claim it first" if pending else
            "only drafts in review or with changes requested can be changed")
    return _refuse_state(action, state, hint, claim_needed=pending)


def _four_eyes(actor: Actor, state: DraftState, facts: Facts) -> Decision:
    if not facts.four_eyes:
        return _allow(Action.approve)
    reason = None
    if state.created_by and state.created_by == actor.name:
        reason = "created"
    elif facts.saved_by and facts.saved_by == actor.name:
        reason = "saved"
    if reason is None:
        return _allow(Action.approve)
    what = "created it" if reason == "created" else "saved its current version"
    return Decision(Action.approve, False, ErrorCode.FOUR_EYES,
                    f"{actor.name} cannot approve draft {state.id}: they {what}, and another "
                    "person must approve it (the four-eyes rule)",
                    {"draft_id": state.id, "action": "approve", "person": actor.name,
                     "reason": reason, "setting": "four_eyes"})


def _by_state(actor: Actor, action: Action, state: DraftState, facts: Facts) -> Decision:
    now = facts.now
    if action is Action.claim:
        if state.claim_live(now) and state.reviewer != actor.name:
            return _refuse_state(action, state, claim_holder_hint(state))
        if state.status not in (DraftStatus.pending_review, DraftStatus.in_review):
            return _refuse_state(action, state, "only drafts waiting for review can be claimed")
        return _allow(action)
    if action in (Action.release, Action.dismiss):
        return _needs_claim(action, actor, state, now)
    if action is Action.recheck:
        if state.status not in QUEUED:
            return _refuse_state(action, state, "only drafts in the review queue are "
                                 "re-checked")
        return _allow(action)
    if action in DECISIONS:
        held = _needs_claim(action, actor, state, now)
        if not held or action is not Action.approve:
            return held
        return _four_eyes(actor, state, facts)
    if action in (Action.edit, Action.redraft):
        return _editable(action, actor, state, now)
    if action is Action.publish:
        if state.status not in PUBLISHABLE:
            return _refuse_state(action, state, "only approved drafts are published")
        return _allow(action)
    if action is Action.reopen:
        if state.status is not DraftStatus.rejected:
            return _refuse_state(action, state, "only rejected drafts can be reopened")
        return _allow(action)
    if action in (Action.correct, Action.withdraw):
        if state.status is not DraftStatus.published:
            return _refuse_state(action, state, "only published drafts can be "
                                 + ("corrected" if action is Action.correct else "withdrawn"))
        return _allow(action)
    return _allow(action)  # draft, comment: any state


def decide(actor: Actor, action: Action, state: DraftState | None,
           facts: Facts | None = None) -> Decision:
    """May ``actor`` do ``action`` to the draft in ``state`` now? (``state`` None: no draft yet.)

    The role is checked first, so a person never learns more than that their role does not
    allow the action; then the state's rules (claims, statuses), then the four-eyes rule.
    """
    facts = facts or Facts()
    needed = NEEDED_ROLE[action]
    if not actor.role.includes(needed):
        words = action.value.replace("_", " ")
        draft = f" draft {state.id}" if state is not None else ""
        return Decision(action, False, ErrorCode.NOT_PERMITTED,
                        f"{actor.name} ({actor.role.value}) may not {words}{draft}: that needs "
                        f"the {needed.value} role",
                        {"draft_id": state.id if state else None, "action": action.value,
                         "role": actor.role.value, "needed": needed.value,
                         "person": actor.name})
    if state is None:
        return _allow(action)
    return _by_state(actor, action, state, facts)


def allowed_actions(actor: Actor, state: DraftState | None,
                    facts: Facts | None = None) -> set[Action]:
    """Every action ``decide`` would allow now: what an interface may offer as buttons."""
    facts = facts or Facts()
    return {action for action in Action if decide(actor, action, state, facts)}


def refusals(actor: Actor, state: DraftState | None,
             facts: Facts | None = None) -> dict[Action, Decision]:
    """The refused actions with their reasons, for an interface that explains a missing button."""
    facts = facts or Facts()
    return {action: found for action in Action
            if not (found := decide(actor, action, state, facts))}
