"""The review workflow: who may do what to a draft, and when.

    pending_review ──claim──▶ in_review ──approve──▶ approved ──export──▶ published
          ▲ ▲  ◀──release / claim expires──┘  ├──reject──▶ rejected
          │ └───────────────── reopen (a reviewer) ◀──────────┘
          │                                   └──request_changes──▶ changes_requested
          └──────────── edit or redraft ◀──────────────────────────────────┘

Every function takes the Store and the models, runs its check-and-write in one transaction
and appends to the audit log, so the CLI and the web app share the same rules. Who may do
what is decided by ``permissions.decide`` inside that transaction, for every action. The
person acting is an ``Actor`` (name and role); a bare name means the trusting local mode of a
personal queue and acts as an admin (the CLI on a shared queue and the web app always pass an
``Actor`` with the role held in the database).

A reviewer holding the claim may dismiss a finding with a written reason (a ``Dismissal``,
stored and audited; matched to findings by code, section and words, so it survives re-checks)
and undo that (``undismiss``: the row stays, marked with who undid it, when and why).
Approving a version with error-level findings needs a written reason for each one not
dismissed (an ``Override``: a dismissal given while approving, stored and audited); an
admin may correct a published draft (a new version of kind ``correction`` whose note is
shown, dated, on the page) or withdraw it. Saves are optimistic: a save names the version it was based on and is refused (StaleVersionError)
if anyone saved after it, so no edit silently overwrites another.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from pydantic import BaseModel, ValidationError

from . import effort
from .config import Settings
from .core import DraftingCore, check_summary, checks_version
from .db import Store
from .diff import VersionDiff, diff_summaries
from .errors import ErrorCode, NotFoundError, UsageError, WorkflowError
from .models import (
    SECTION_TITLES,
    SUMMARY_FIELDS,
    AuditEvent,
    Comment,
    Dismissal,
    Draft,
    DraftState,
    DraftStatus,
    Finding,
    LaySummary,
    Override,
    Provenance,
    Role,
    Severity,
    Version,
    VersionKind,
    match_dismissals,
    utcnow,
)
from .permissions import Action, Actor, Decision, Facts, decide

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection

SYSTEM_ACTOR = "laydraft"
DEFAULT_CLAIM_MINUTES = Settings.model_fields["claim_minutes"].default
# action -> (states it may start from, state it leads to); each needs the reviewer's claim.
DECISIONS: dict[str, tuple[DraftStatus, DraftStatus]] = {
    "approve": (DraftStatus.in_review, DraftStatus.approved),
    "reject": (DraftStatus.in_review, DraftStatus.rejected),
    "request_changes": (DraftStatus.in_review, DraftStatus.changes_requested),
}


class History(BaseModel):
    """Everything that happened to a draft: its versions, comments, audit events, the reasons
    reviewers gave for approving despite error findings (``overrides``) and every dismissed
    finding (``dismissals``, overrides included)."""

    draft_id: int
    state: DraftState
    versions: list[Version]
    comments: list[Comment]
    events: list[AuditEvent]
    overrides: list[Override] = []
    dismissals: list[Dismissal] = []


Person = Actor | str


def as_actor(who: Person | None) -> Actor:
    """The person acting; a bare name is the trusting local mode and acts as an admin."""
    if isinstance(who, Actor):
        return Actor(require_reviewer(who.name), who.role)
    return Actor(require_reviewer(who), Role.admin)


def _facts(store: Store, conn: Connection, state: DraftState, now: datetime,
           four_eyes: bool = True) -> Facts:
    """What ``decide`` needs beyond the state: who saved the current version, and when is now."""
    return Facts(now=now, four_eyes=four_eyes, saved_by=_saved_by(store, conn, state))


def _current_version(store: Store, conn: Connection, state: DraftState) -> Version:
    return store.newer_versions(conn, state.id, state.current_version - 1)[0]


def _saved_by(store: Store, conn: Connection, state: DraftState) -> str | None:
    current = _current_version(store, conn, state)
    return None if current.kind is VersionKind.draft else current.author


def _permit(store: Store, conn: Connection, actor: Actor, action: Action, state: DraftState,
            now: datetime, four_eyes: bool = True) -> None:
    decide(actor, action, state, _facts(store, conn, state, now, four_eyes)).enforce()


def require_reviewer(name: str | None) -> str:
    """The reviewer's name, or a UsageError that says how to set one."""
    if name and name.strip():
        return name.strip()
    raise UsageError("this action needs to know who you are (your reviewer name)",
                     code=ErrorCode.REVIEWER_MISSING, setting="reviewer")


def _claimed(state: DraftState, reviewer: str, now: datetime, minutes: float) -> DraftState:
    return state.model_copy(update={
        "status": DraftStatus.in_review, "reviewer": reviewer, "claimed_at": now,
        "claim_expires": now + timedelta(minutes=minutes),
    })


def _unclaimed(state: DraftState, status: DraftStatus) -> DraftState:
    return state.model_copy(update={
        "status": status, "reviewer": None, "claimed_at": None, "claim_expires": None,
    })


def _event(before: DraftState, after: DraftState, actor: str, action: str,
           note: str | None = None, at: datetime | None = None) -> AuditEvent:
    return AuditEvent(draft_id=before.id, actor=actor, action=action,
                      from_status=before.status, to_status=after.status,
                      from_version=before.current_version, to_version=after.current_version,
                      note=note, at=at or utcnow())


def expire_claims(store: Store, now: datetime | None = None) -> list[int]:
    """Return drafts whose claim ran out to ``pending_review``; the ids released."""
    now = now or utcnow()
    released = []
    with store.transaction(write=True) as conn:
        for state in store.states(conn, [DraftStatus.in_review]):
            if state.claim_expires is None or state.claim_expires <= now:
                after = _unclaimed(state, DraftStatus.pending_review)
                store.update_state(conn, state, after)
                store.record(conn, _event(state, after, SYSTEM_ACTOR, "claim_expired",
                                          note=f"claim by {state.reviewer} expired", at=now))
                released.append(state.id)
    return released


def claim(store: Store, draft_id: int, reviewer: Person, *,
          minutes: float = DEFAULT_CLAIM_MINUTES, now: datetime | None = None) -> DraftState:
    """Claim a draft for review (or renew your own claim)."""
    actor = as_actor(reviewer)
    reviewer = actor.name
    now = now or utcnow()
    with store.transaction(write=True) as conn:
        state = store.state(conn, draft_id, lock=True)
        _permit(store, conn, actor, Action.claim, state, now)
        after = _claimed(state, reviewer, now, minutes)
        action = "renew_claim" if state.reviewer == reviewer else "claim"
        store.update_state(conn, state, after)
        store.record(conn, _event(state, after, reviewer, action, at=now))
    return after


def next_draft(store: Store, reviewer: Person, *, minutes: float = DEFAULT_CLAIM_MINUTES,
               now: datetime | None = None) -> DraftState | None:
    """Claim the oldest draft waiting for review; None when nothing waits."""
    actor = as_actor(reviewer)
    decide(actor, Action.claim, None).enforce()
    now = now or utcnow()
    expire_claims(store, now)
    with store.transaction() as conn:
        waiting = store.states(conn, [DraftStatus.pending_review])
    for state in waiting:
        try:
            return claim(store, state.id, actor, minutes=minutes, now=now)
        except WorkflowError:
            continue  # someone else claimed it a moment ago; try the next one
    return None


def release(store: Store, draft_id: int, reviewer: Person,
            now: datetime | None = None) -> DraftState:
    """Give a claimed draft back to the queue."""
    actor = as_actor(reviewer)
    reviewer = actor.name
    now = now or utcnow()
    with store.transaction(write=True) as conn:
        state = store.state(conn, draft_id, lock=True)
        _permit(store, conn, actor, Action.release, state, now)
        after = _unclaimed(state, DraftStatus.pending_review)
        store.update_state(conn, state, after)
        store.record(conn, _event(state, after, reviewer, "release", at=now))
    return after


def transition(store: Store, draft_id: int, action: str, reviewer: Person,
               note: str | None = None, now: datetime | None = None, *,
               four_eyes: bool = True, overrides: dict[int, str] | None = None) -> DraftState:
    """Decide on a claimed draft: ``approve``, ``reject`` or ``request_changes``.

    A note is kept in the audit log and also as a comment, where the next editor sees it.
    Approving a version with error-level findings needs ``overrides``: a written reason for
    each one not dismissed already, keyed by its number (1, 2, ... in ``open_errors`` order).
    """
    if action not in DECISIONS:
        raise UsageError(f"unknown action {action!r}; use one of {', '.join(DECISIONS)}",
                         code=ErrorCode.UNKNOWN_CHOICE, field="action", value=action,
                         choices=list(DECISIONS))
    actor = as_actor(reviewer)
    reviewer = actor.name
    now = now or utcnow()
    _, target = DECISIONS[action]
    with store.transaction(write=True) as conn:
        state = store.state(conn, draft_id, lock=True)
        _permit(store, conn, actor, Action(action), state, now, four_eyes)
        written: list[Override] = []
        if action == "approve":
            current = _current_version(store, conn, state)
            written = _overrides_for(current, store.dismissals(draft_id, conn),
                                     overrides or {}, reviewer, now)
        elif overrides:
            raise UsageError("reasons for overriding findings are only taken when approving",
                             code=ErrorCode.BAD_OVERRIDE, draft_id=draft_id, action=action)
        after = _unclaimed(state, target).model_copy(update={"reviewer": reviewer})
        store.update_state(conn, state, after)
        for item in written:
            store.add_dismissal(conn, item)
        record_note = note
        if written:
            overridden = "; ".join(f"[{o.check}] {o.message} — reason: {o.reason}"
                                   for o in written)
            record_note = (f"{note} | " if note else "") + f"overrode {len(written)} " \
                f"error finding{'s' if len(written) != 1 else ''}: {overridden}"
        store.record(conn, _event(state, after, reviewer, action, note=record_note, at=now))
        if note and note.strip():
            store.add_comment(conn, Comment(draft_id=draft_id, version=state.current_version,
                                            author=reviewer, text=note.strip(), created_at=now))
    if action in effort.DECISIONS:
        effort.record(store, draft_id)  # what the reviewer had to do, for `laydraft stats`
    return after


def reopen(store: Store, draft_id: int, reviewer: Person, note: str | None = None,
           now: datetime | None = None) -> DraftState:
    """Send a rejected draft back to the review queue (``pending_review``), unclaimed.

    The reopening is in the audit log (action ``reopen``, with the note); a note is also kept
    as a comment, where the next reviewer sees why it came back.
    """
    actor = as_actor(reviewer)
    now = now or utcnow()
    why = (note or "").strip() or None
    with store.transaction(write=True) as conn:
        state = store.state(conn, draft_id, lock=True)
        _permit(store, conn, actor, Action.reopen, state, now)
        after = _unclaimed(state, DraftStatus.pending_review)
        store.update_state(conn, state, after)
        store.record(conn, _event(state, after, actor.name, "reopen", note=why, at=now))
        if why:
            store.add_comment(conn, Comment(draft_id=draft_id, version=state.current_version,
                                            author=actor.name, text=why, created_at=now))
    return after


def error_findings(findings: list[Finding]) -> list[Finding]:
    """The error-level findings an approval must give a reason for, numbered from 1 in order."""
    return [f for f in findings if f.severity is Severity.error]


def warning_findings(findings: list[Finding]) -> list[Finding]:
    return [f for f in findings if f.severity is Severity.warning]


def dismissed(findings: list[Finding], summary: LaySummary, dismissals: list[Dismissal],
              version: int) -> list[tuple[Finding, Dismissal | None]]:
    """Each finding of ``version`` (whose text is ``summary``) with the dismissal covering it.

    A dismissal covers a finding with the same code, section and words, whichever version it
    was written on (so it survives re-checks and edits elsewhere); a reason given while
    approving (``approval``) covers only the version approved; an undone one covers nothing.
    The rule is ``models.match_dismissals``, which the queue's counts use too.
    """
    return match_dismissals(findings, summary, dismissals, version)


def open_errors(version: Version | Draft, dismissals: list[Dismissal]) -> list[Finding]:
    """The error findings of ``version`` no dismissal covers: what approving must answer for,
    numbered from 1 in this order (``--override N=REASON``, the web form's ``override-N``)."""
    return [f for f, d in dismissed(error_findings(version.findings), version.summary,
                                    dismissals, version.version) if d is None]


def _overrides_for(version: Version, dismissals: list[Dismissal], reasons: dict[int, str],
                   actor: str, now: datetime) -> list[Override]:
    """One Override per open error finding of ``version``, or the refusal listing what is
    missing."""
    errors = open_errors(version, dismissals)
    for key in reasons:
        if not 1 <= key <= len(errors):
            raise UsageError(
                f"there is no error finding {key} to override on draft {version.draft_id} "
                f"(version {version.version} has {len(errors)})", code=ErrorCode.BAD_OVERRIDE,
                draft_id=version.draft_id, key=key, count=len(errors))
    given = {key: reason.strip() for key, reason in reasons.items() if reason.strip()}
    missing = [(n, f) for n, f in enumerate(errors, 1) if n not in given]
    if missing:
        listed = "; ".join(f"{n}. [{f.check}] {f.message}" for n, f in missing)
        raise WorkflowError(
            f"cannot approve draft {version.draft_id}: version {version.version} has "
            f"{len(errors)} error finding{'s' if len(errors) != 1 else ''}"
            f"{'' if len(missing) == len(errors) else f' ({len(missing)} without a reason)'}"
            f" that need a written reason to override: {listed}",
            code=ErrorCode.UNRESOLVED_ERRORS, draft_id=version.draft_id,
            version=version.version, action="approve",
            findings=[{"number": n, "check": f.check, "section": f.section,
                       "message": f.message} for n, f in missing])
    return [Dismissal.of(f, version.summary, draft_id=version.draft_id,
                         version=version.version, reason=given[n], actor=actor, approval=True,
                         at=now) for n, f in enumerate(errors, 1)]


def _chosen(version: Version, finding: int | str) -> Finding:
    """The finding of ``version`` a reviewer named: its number (1, 2, ... as `review show`
    lists them) or its code when only one finding has that code."""
    findings = version.findings
    if isinstance(finding, int) or str(finding).strip().isdigit():
        number = int(finding)
        if 1 <= number <= len(findings):
            return findings[number - 1]
    else:
        named = [f for f in findings if f.code == str(finding).strip()]
        if len(named) == 1:
            return named[0]
        if len(named) > 1:
            numbers = ", ".join(str(findings.index(f) + 1) for f in named)
            raise UsageError(
                f"draft {version.draft_id} has {len(named)} findings with code {finding}; "
                f"name one by its number ({numbers})", code=ErrorCode.NO_SUCH_FINDING,
                draft_id=version.draft_id, version=version.version, finding=str(finding),
                count=len(findings))
    raise UsageError(f"draft {version.draft_id} (version {version.version}) has no finding "
                     f"{finding}; it has {len(findings)}", code=ErrorCode.NO_SUCH_FINDING,
                     draft_id=version.draft_id, version=version.version, finding=str(finding),
                     count=len(findings))


def dismiss(store: Store, draft_id: int, finding: int | str, reason: str, reviewer: Person,
            now: datetime | None = None, *, expected_code: str | None = None) -> Dismissal:
    """Dismiss one finding of the current version with a written reason (stored, audited).

    ``finding`` is its number in the version's findings (from 1) or its code when unique;
    ``expected_code`` (a form's) refuses the number if the findings changed since the page
    showed it. The reviewer must hold the claim. A dismissed finding stays listed, marked as
    dismissed, and no longer needs a reason when approving.
    """
    actor = as_actor(reviewer)
    if not reason.strip():
        raise UsageError("dismissing a finding needs a reason, which reviewers after you see",
                         code=ErrorCode.EMPTY_TEXT, field="reason")
    now = now or utcnow()
    with store.transaction(write=True) as conn:
        state = store.state(conn, draft_id, lock=True)
        _permit(store, conn, actor, Action.dismiss, state, now)
        current = _current_version(store, conn, state)
        chosen = _expected(current, finding, expected_code, draft_id)
        earlier = dismissed([chosen], current.summary, store.dismissals(draft_id, conn),
                            current.version)[0][1]
        if earlier is not None:
            raise UsageError(f"that finding of draft {draft_id} was dismissed already by "
                             f"{earlier.actor}: {earlier.reason}",
                             code=ErrorCode.ALREADY_DISMISSED, draft_id=draft_id,
                             finding=str(finding), actor=earlier.actor, reason=earlier.reason)
        made = store.add_dismissal(conn, Dismissal.of(
            chosen, current.summary, draft_id=draft_id, version=current.version,
            reason=reason.strip(), actor=actor.name, at=now))
        store.record(conn, _event(state, state, actor.name, "dismiss",
                                  note=dismissal_note(made), at=now))
    return made


def _expected(current: Version, finding: int | str, expected_code: str | None,
              draft_id: int) -> Finding:
    """The finding named by number or code, refused if the reviewer saw another one there."""
    chosen = _chosen(current, finding)
    if expected_code is not None and chosen.code != expected_code:
        raise UsageError(f"the findings of draft {draft_id} changed: finding {finding} is "
                         f"now {chosen.code or chosen.check}, not {expected_code}",
                         code=ErrorCode.NO_SUCH_FINDING, draft_id=draft_id,
                         version=current.version, finding=str(finding),
                         count=len(current.findings))
    return chosen


def undismiss(store: Store, draft_id: int, finding: int | str, reviewer: Person,
              reason: str | None = None, now: datetime | None = None, *,
              expected_code: str | None = None) -> Dismissal:
    """Undo the dismissal of one finding of the current version; returns it, marked undone.

    ``finding`` and ``expected_code`` name it as for ``dismiss``, and the same people may do
    it (a reviewer holding the claim). The dismissal's row stays, marked with who undid it,
    when and why (the reason is optional), and the audit log records an ``undismiss`` event:
    the finding counts again, so approving needs a reason for it if it is an error. A reason
    given while approving (an override) is part of that decision and is not undone here.
    """
    actor = as_actor(reviewer)
    now = now or utcnow()
    why = (reason or "").strip() or None
    with store.transaction(write=True) as conn:
        state = store.state(conn, draft_id, lock=True)
        _permit(store, conn, actor, Action.dismiss, state, now)
        current = _current_version(store, conn, state)
        chosen = _expected(current, finding, expected_code, draft_id)
        reviewed = [d for d in store.dismissals(draft_id, conn) if not d.approval]
        covering = [d for d in reviewed if d.live and dismissed(
            [chosen], current.summary, [d], current.version)[0][1] is not None]
        if not covering:
            raise UsageError(f"finding {finding} of draft {draft_id} is not dismissed; "
                             "nothing to undo", code=ErrorCode.NOT_DISMISSED,
                             draft_id=draft_id, finding=str(finding))
        undone = [d.model_copy(update={"revoked_at": now, "revoked_by": actor.name,
                                       "revoke_reason": why}) for d in covering]
        for item in undone:
            store.revoke_dismissal(conn, item)
            store.record(conn, _event(state, state, actor.name, "undismiss",
                                      note=undismissal_note(item), at=now))
    return undone[-1]


def undismissal_note(dismissal: Dismissal) -> str:
    """One line for the log: the dismissal undone, and why when a reason was given."""
    undone = f" — undone: {dismissal.revoke_reason}" if dismissal.revoke_reason else " — undone"
    return dismissal_note(dismissal) + undone


def dismissal_note(dismissal: Dismissal) -> str:
    """One line for the log: which finding, its words, and the reason."""
    span = dismissal.span if len(dismissal.span) <= 60 else dismissal.span[:57] + "…"
    words = f' "{span}"' if span else ""
    where = f" in {dismissal.section}" if dismissal.section else ""
    return (f"[{dismissal.code or dismissal.check}]{words}{where}: {dismissal.message} "
            f"— reason: {dismissal.reason}")


def check_editable(store: Store, draft_id: int, author: Person,
                   action: Action = Action.edit) -> None:
    """Raise now, before anyone spends time editing, if ``author`` may not save a version."""
    actor = as_actor(author)
    with store.transaction() as conn:
        state = store.state(conn, draft_id)
        _permit(store, conn, actor, action, state, utcnow())


def _after_save(state: DraftState, author: str, now: datetime, minutes: float) -> DraftState:
    if state.status is DraftStatus.published:  # a correction: still published, no claim
        return state.model_copy(update={"current_version": state.current_version + 1})
    if state.status is DraftStatus.changes_requested:
        after = _unclaimed(state, DraftStatus.pending_review)
    else:
        after = _claimed(state, author, now, minutes)
    return after.model_copy(update={"current_version": state.current_version + 1})


_SAVE_ACTIONS = {VersionKind.edit: Action.edit, VersionKind.redraft: Action.redraft,
                 VersionKind.correction: Action.correct}


def save_version(store: Store, draft_id: int, summary: LaySummary, base_version: int,
                 author: Person, settings: Settings, *, kind: VersionKind = VersionKind.edit,
                 provenance: Provenance | None = None, note: str | None = None,
                 now: datetime | None = None) -> Version:
    """Save ``summary`` as the next version if ``base_version`` is still the current one."""
    actor = as_actor(author)
    author = actor.name
    now = now or utcnow()
    abstract = store.get(draft_id).abstract
    version = Version(
        draft_id=draft_id, version=base_version + 1, kind=kind, author=author,
        based_on=base_version, note=note, summary=summary, created_at=now,
        findings=check_summary(settings, abstract, summary), checks_version=checks_version(),
        provenance=provenance or Provenance(drafter="human", prompt_fingerprint="-",
                                            cost_usd=0.0, created_at=now),
    )
    with store.transaction(write=True) as conn:
        state = store.state(conn, draft_id, lock=True)
        _permit(store, conn, actor, _SAVE_ACTIONS.get(kind, Action.edit), state, now)
        store.append_version(conn, version)
        after = _after_save(state, author, now, settings.claim_minutes)
        store.update_state(conn, state.model_copy(update={"current_version": version.version}),
                           after)
        store.record(conn, _event(state, after, author, kind.value, note=note, at=now))
    return version


def save_edit(store: Store, draft_id: int, summary: LaySummary, base_version: int,
              author: Person, settings: Settings, note: str | None = None) -> Version:
    """Save a person's edit; refuses an edit identical to the version it was based on."""
    base = store.version(draft_id, base_version)
    if _same_text(base.summary, summary):
        raise UsageError(f"no changes to draft {draft_id} (version {base_version}); nothing saved",
                         code=ErrorCode.NO_CHANGES, draft_id=draft_id, version=base_version)
    return save_version(store, draft_id, summary, base_version, author, settings, note=note)


def _same_text(a: LaySummary, b: LaySummary) -> bool:
    def norm(text: str) -> str:
        return " ".join(text.split())

    return all(norm(x) == norm(y) for x, y in zip(a.sections().values(),
                                                   b.sections().values(), strict=True))


def parse_summary(sections: dict[str, str]) -> LaySummary:
    """A LaySummary from edited sections, or a UsageError naming the first broken one."""
    try:
        return LaySummary.model_validate(sections)
    except ValidationError as exc:
        first = exc.errors()[0]
        field = str(first["loc"][0]) if first["loc"] else "summary"
        title = SECTION_TITLES.get(field, field)
        message = first["msg"].removeprefix("Value error, ")
        raise UsageError(f"section '{title}' {message}", code=ErrorCode.INVALID_SECTION,
                         section=field) from exc


def offline_redraft_notice(version: Version) -> str | None:
    """What to tell a reviewer whose re-draft came from the offline drafter."""
    if version.provenance.drafter != "offline":
        return None
    return ("the offline drafter cannot follow instructions, so this version is its usual "
            f"draft of the abstract; version {version.based_on} stays in the history")


def draft_audience(store: Store, draft_id: int) -> str | None:
    """The audience the draft was first written for (its first version's provenance)."""
    return store.versions(draft_id)[0].provenance.audience


def redraft(store: Store, draft_id: int, instruction: str, author: Person, settings: Settings,
            core: DraftingCore | None = None, base_version: int | None = None) -> Version:
    """Ask the drafting core for a new version following a reviewer's instruction.

    The new version revises ``base_version`` (by default the current one, a reviewer's edit
    included), which stays in the history; it is written for the audience the draft was
    first written for, not the server's default. A ``core`` passed in is used as it is.
    """
    author = as_actor(author)
    if not instruction.strip():
        raise UsageError("the instruction is empty: say what the new draft should change, "
                         "e.g. \"shorter, simpler words\"", code=ErrorCode.EMPTY_TEXT,
                         field="instruction")
    current = store.get(draft_id)
    base = base_version or current.version
    check_editable(store, draft_id, author, Action.redraft)
    based_on = store.get(draft_id, base)
    audience = draft_audience(store, draft_id)
    if audience and audience != settings.audience:
        settings = settings.model_copy(update={"audience": audience})
    drafting = core or DraftingCore.from_settings(settings)
    output = drafting.sync.redraft(based_on.abstract, based_on.summary, instruction)
    provenance = output.provenance.model_copy(update={"audience": audience or settings.audience})
    version = save_version(store, draft_id, output.summary, base, author, settings,
                           kind=VersionKind.redraft, provenance=provenance,
                           note=instruction.strip())
    drafting.settle(output)  # stored: the answer journal may let go of its answers
    return version


def normalise_section(section: str | None) -> str | None:
    """Accept a field name or its title ("what was found", "Limitations")."""
    if section is None:
        return None
    key = section.strip().lower().replace(" ", "_").replace("-", "_")
    if key in SUMMARY_FIELDS:
        return key
    raise UsageError(f"unknown section {section!r}; use one of {', '.join(SUMMARY_FIELDS)}",
                     code=ErrorCode.UNKNOWN_CHOICE, field="section", value=section,
                     choices=list(SUMMARY_FIELDS))


def comment(store: Store, draft_id: int, author: Person, text: str,
            section: str | None = None) -> Comment:
    """Attach a comment to a draft's current version, optionally to one section."""
    actor = as_actor(author)
    author = actor.name
    if not text.strip():
        raise UsageError("the comment is empty", code=ErrorCode.EMPTY_TEXT, field="comment")
    made = Comment(draft_id=draft_id, version=1, author=author,
                   section=normalise_section(section), text=text.strip())
    with store.transaction(write=True) as conn:
        state = store.state(conn, draft_id, lock=True)
        _permit(store, conn, actor, Action.comment, state, utcnow())
        made = store.add_comment(conn, made.model_copy(update={"version": state.current_version}))
        store.record(conn, _event(state, state, author, "comment",
                                  note=f"[{made.section}] {made.text}" if made.section else made.text))
    return made


def history(store: Store, draft_id: int) -> History:
    with store.transaction() as conn:
        state = store.state(conn, draft_id)
    return History(draft_id=draft_id, state=state, versions=store.versions(draft_id),
                   comments=store.comments(draft_id), events=store.events(draft_id),
                   overrides=store.overrides(draft_id), dismissals=store.dismissals(draft_id))


def what_may(store: Store, draft_id: int, actor: Actor, *, four_eyes: bool = True,
             now: datetime | None = None) -> dict[Action, Decision]:
    """Every action with ``decide``'s answer for this person and draft now (for the buttons)."""
    with store.transaction() as conn:
        state = store.state(conn, draft_id)
        facts = _facts(store, conn, state, now or utcnow(), four_eyes)
    return {action: decide(actor, action, state, facts) for action in Action}


def overridden(findings: list[Finding], overrides: list[Override],
               version: int) -> list[tuple[Finding, Override | None]]:
    """Each finding with the override written for it on ``version`` (None when there is none)."""
    mine = [o for o in overrides if o.approval and o.version == version]
    return [(f, next((o for o in mine if o.covers(f)), None)) for f in findings]


def correct(store: Store, draft_id: int, summary: LaySummary, base_version: int,
            author: Person, settings: Settings, note: str,
            now: datetime | None = None) -> Version:
    """Correct a published draft: a new version whose dated note the published page shows.

    The draft stays published (with its first publication date); export it again to update
    the page.
    """
    check_editable(store, draft_id, author, Action.correct)
    if not note.strip():
        raise UsageError("a correction needs a note saying what was corrected, which the "
                         "published page shows", code=ErrorCode.EMPTY_TEXT, field="correction")
    base = store.version(draft_id, base_version)
    if _same_text(base.summary, summary):
        raise UsageError(f"no changes to draft {draft_id} (version {base_version}); nothing saved",
                         code=ErrorCode.NO_CHANGES, draft_id=draft_id, version=base_version)
    return save_version(store, draft_id, summary, base_version, author, settings,
                        kind=VersionKind.correction, note=note.strip(), now=now)


def withdraw(store: Store, draft_id: int, author: Person, reason: str,
             now: datetime | None = None) -> DraftState:
    """Withdraw a published draft: its page says so (with the date and reason) when exported."""
    actor = as_actor(author)
    if not reason.strip():
        raise UsageError("withdrawing needs a reason, which the published page shows",
                         code=ErrorCode.EMPTY_TEXT, field="reason")
    now = now or utcnow()
    with store.transaction(write=True) as conn:
        state = store.state(conn, draft_id, lock=True)
        _permit(store, conn, actor, Action.withdraw, state, now)
        after = state.model_copy(update={"status": DraftStatus.withdrawn})
        store.update_state(conn, state, after)
        store.record(conn, _event(state, after, actor.name, "withdraw", note=reason.strip(),
                                  at=now))
    return after


def diff_versions(store: Store, draft_id: int, a: int | None = None,
                  b: int | None = None) -> VersionDiff:
    """Word-level diff of two versions; by default the previous one against the current."""
    with store.transaction() as conn:
        current = store.state(conn, draft_id).current_version
    for asked in (a, b):
        if asked is not None and not 1 <= asked <= current:
            raise NotFoundError(f"draft {draft_id} has versions 1 to {current}; there is no "
                                f"version {asked}", code=ErrorCode.VERSION_NOT_FOUND,
                                draft_id=draft_id, version=asked, versions=current)
    new = b or current
    old = a if a is not None else new - 1
    if old < 1:
        raise UsageError(f"draft {draft_id} has only version {current}; nothing to compare",
                         code=ErrorCode.NOTHING_TO_COMPARE, draft_id=draft_id, version=current)
    left, right = store.version(draft_id, old), store.version(draft_id, new)
    return diff_summaries(left.summary, right.summary, old, new)
