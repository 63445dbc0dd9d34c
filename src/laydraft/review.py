"""The review workflow: who may do what to a draft, and when.

    pending_review ──claim──▶ in_review ──approve──▶ approved ──export──▶ published
          ▲    ◀──release / claim expires──┘  ├──reject──▶ rejected
          │                                   └──request_changes──▶ changes_requested
          └──────────── edit or redraft ◀──────────────────────────────────┘

Every function takes the Store and the models, runs its check-and-write in one transaction
and appends to the audit log, so the CLI and the web app share the same rules. Saves are
optimistic: a save names the version it was based on and is refused (StaleVersionError)
if anyone saved after it, so no edit silently overwrites another.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from pydantic import BaseModel, ValidationError

from .config import API_KEY_ENV, Settings
from .core import DraftingCore, check_summary
from .db import Store
from .diff import VersionDiff, diff_summaries
from .errors import ErrorCode, NotClaimedError, UsageError, WorkflowError
from .models import (
    SECTION_TITLES,
    SUMMARY_FIELDS,
    AuditEvent,
    Comment,
    DraftState,
    DraftStatus,
    LaySummary,
    Provenance,
    Version,
    VersionKind,
    utcnow,
)

SYSTEM_ACTOR = "laydraft"
DEFAULT_CLAIM_MINUTES = Settings.model_fields["claim_minutes"].default
# action -> (states it may start from, state it leads to); each needs the reviewer's claim.
DECISIONS: dict[str, tuple[DraftStatus, DraftStatus]] = {
    "approve": (DraftStatus.in_review, DraftStatus.approved),
    "reject": (DraftStatus.in_review, DraftStatus.rejected),
    "request_changes": (DraftStatus.in_review, DraftStatus.changes_requested),
}


class History(BaseModel):
    """Everything that happened to a draft: its versions, comments and audit events."""

    draft_id: int
    state: DraftState
    versions: list[Version]
    comments: list[Comment]
    events: list[AuditEvent]


def require_reviewer(name: str | None) -> str:
    """The reviewer's name, or a UsageError that says how to set one."""
    if name and name.strip():
        return name.strip()
    raise UsageError("this action needs to know who you are (your reviewer name)",
                     code=ErrorCode.REVIEWER_MISSING, setting="reviewer")


def refuse(action: str, state: DraftState, hint: str = "", *,
           claim_needed: bool = False) -> WorkflowError:
    """The workflow's refusal; ``claim_needed`` when claiming the draft would allow it."""
    words = action.replace("_", " ")
    kind = NotClaimedError if claim_needed else WorkflowError
    return kind(f"cannot {words} draft {state.id}: it is {state.status.value}"
                + (f"; {hint}" if hint else ""), draft_id=state.id, action=action,
                status=state.status.value, holder=state.reviewer)


def _claimed_by_other(state: DraftState, reviewer: str, now: datetime) -> bool:
    return state.claim_live(now) and state.reviewer != reviewer


def _claim_holder_hint(state: DraftState) -> str:
    until = f"{state.claim_expires:%Y-%m-%d %H:%M} UTC" if state.claim_expires else "?"
    return f"{state.reviewer} holds the claim until {until}"


def _require_claim(action: str, state: DraftState, reviewer: str, now: datetime) -> None:
    """The reviewer must hold the claim; an expired claim still counts until someone else takes it."""
    if state.status is not DraftStatus.in_review:
        pending = state.status is DraftStatus.pending_review
        raise refuse(action, state, "claim it first" if pending else "",
                     claim_needed=pending)
    if state.reviewer != reviewer:
        if state.claim_live(now):
            raise refuse(action, state, _claim_holder_hint(state))
        raise refuse(action, state, "claim it first", claim_needed=True)


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


def claim(store: Store, draft_id: int, reviewer: str, *,
          minutes: float = DEFAULT_CLAIM_MINUTES, now: datetime | None = None) -> DraftState:
    """Claim a draft for review (or renew your own claim)."""
    reviewer = require_reviewer(reviewer)
    now = now or utcnow()
    with store.transaction(write=True) as conn:
        state = store.state(conn, draft_id, lock=True)
        if _claimed_by_other(state, reviewer, now):
            raise refuse("claim", state, _claim_holder_hint(state))
        if state.status not in (DraftStatus.pending_review, DraftStatus.in_review):
            raise refuse("claim", state, "only drafts waiting for review can be claimed")
        after = _claimed(state, reviewer, now, minutes)
        action = "renew_claim" if state.reviewer == reviewer else "claim"
        store.update_state(conn, state, after)
        store.record(conn, _event(state, after, reviewer, action, at=now))
    return after


def next_draft(store: Store, reviewer: str, *, minutes: float = DEFAULT_CLAIM_MINUTES,
               now: datetime | None = None) -> DraftState | None:
    """Claim the oldest draft waiting for review; None when nothing waits."""
    reviewer = require_reviewer(reviewer)
    now = now or utcnow()
    expire_claims(store, now)
    with store.transaction() as conn:
        waiting = store.states(conn, [DraftStatus.pending_review])
    for state in waiting:
        try:
            return claim(store, state.id, reviewer, minutes=minutes, now=now)
        except WorkflowError:
            continue  # someone else claimed it a moment ago; try the next one
    return None


def release(store: Store, draft_id: int, reviewer: str,
            now: datetime | None = None) -> DraftState:
    """Give a claimed draft back to the queue."""
    reviewer = require_reviewer(reviewer)
    now = now or utcnow()
    with store.transaction(write=True) as conn:
        state = store.state(conn, draft_id, lock=True)
        _require_claim("release", state, reviewer, now)
        after = _unclaimed(state, DraftStatus.pending_review)
        store.update_state(conn, state, after)
        store.record(conn, _event(state, after, reviewer, "release", at=now))
    return after


def transition(store: Store, draft_id: int, action: str, reviewer: str,
               note: str | None = None, now: datetime | None = None) -> DraftState:
    """Decide on a claimed draft: ``approve``, ``reject`` or ``request_changes``.

    A note is kept in the audit log and also as a comment, where the next editor sees it.
    """
    if action not in DECISIONS:
        raise UsageError(f"unknown action {action!r}; use one of {', '.join(DECISIONS)}",
                         code=ErrorCode.UNKNOWN_CHOICE, field="action", value=action,
                         choices=list(DECISIONS))
    reviewer = require_reviewer(reviewer)
    now = now or utcnow()
    _, target = DECISIONS[action]
    with store.transaction(write=True) as conn:
        state = store.state(conn, draft_id, lock=True)
        _require_claim(action, state, reviewer, now)
        after = _unclaimed(state, target).model_copy(update={"reviewer": reviewer})
        store.update_state(conn, state, after)
        store.record(conn, _event(state, after, reviewer, action, note=note, at=now))
        if note and note.strip():
            store.add_comment(conn, Comment(draft_id=draft_id, version=state.current_version,
                                            author=reviewer, text=note.strip(), created_at=now))
    return after


def _check_editable(state: DraftState, author: str, now: datetime, action: str) -> None:
    if state.status is DraftStatus.changes_requested:
        return
    if state.status is DraftStatus.in_review:
        _require_claim(action, state, author, now)
        return
    pending = state.status is DraftStatus.pending_review
    hint = ("claim it first" if pending else
            "only drafts in review or with changes requested can be changed")
    raise refuse(action, state, hint, claim_needed=pending)


def check_editable(store: Store, draft_id: int, author: str) -> None:
    """Raise now, before anyone spends time editing, if ``author`` may not save a version."""
    with store.transaction() as conn:
        _check_editable(store.state(conn, draft_id), require_reviewer(author), utcnow(), "edit")


def _after_save(state: DraftState, author: str, now: datetime, minutes: float) -> DraftState:
    if state.status is DraftStatus.changes_requested:
        after = _unclaimed(state, DraftStatus.pending_review)
    else:
        after = _claimed(state, author, now, minutes)
    return after.model_copy(update={"current_version": state.current_version + 1})


def save_version(store: Store, draft_id: int, summary: LaySummary, base_version: int,
                 author: str, settings: Settings, *, kind: VersionKind = VersionKind.edit,
                 provenance: Provenance | None = None, note: str | None = None,
                 now: datetime | None = None) -> Version:
    """Save ``summary`` as the next version if ``base_version`` is still the current one."""
    author = require_reviewer(author)
    now = now or utcnow()
    abstract = store.get(draft_id).abstract
    version = Version(
        draft_id=draft_id, version=base_version + 1, kind=kind, author=author,
        based_on=base_version, note=note, summary=summary, created_at=now,
        findings=check_summary(settings, abstract, summary),
        provenance=provenance or Provenance(drafter="human", prompt_fingerprint="-",
                                            cost_usd=0.0, created_at=now),
    )
    with store.transaction(write=True) as conn:
        state = store.state(conn, draft_id, lock=True)
        _check_editable(state, author, now, kind.value)
        store.append_version(conn, version)
        after = _after_save(state, author, now, settings.claim_minutes)
        store.update_state(conn, state.model_copy(update={"current_version": version.version}),
                           after)
        store.record(conn, _event(state, after, author, kind.value, note=note, at=now))
    return version


def save_edit(store: Store, draft_id: int, summary: LaySummary, base_version: int,
              author: str, settings: Settings, note: str | None = None) -> Version:
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
            f"draft of the abstract; set {API_KEY_ENV} (or base_url for a local server) to re-draft "
            "with a model")


def redraft(store: Store, draft_id: int, instruction: str, author: str, settings: Settings,
            core: DraftingCore | None = None, base_version: int | None = None) -> Version:
    """Ask the drafting core for a new version following a reviewer's instruction."""
    author = require_reviewer(author)
    if not instruction.strip():
        raise UsageError("the instruction is empty: say what the new draft should change, "
                         "e.g. \"shorter, simpler words\"", code=ErrorCode.EMPTY_TEXT,
                         field="instruction")
    current = store.get(draft_id)
    base = base_version or current.version
    check_editable(store, draft_id, author)
    based_on = store.get(draft_id, base)
    drafting = core or DraftingCore.from_settings(settings)
    output = drafting.sync.redraft(based_on.abstract, based_on.summary, instruction)
    return save_version(store, draft_id, output.summary, base, author, settings,
                        kind=VersionKind.redraft, provenance=output.provenance,
                        note=instruction.strip())


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


def comment(store: Store, draft_id: int, author: str, text: str,
            section: str | None = None) -> Comment:
    """Attach a comment to a draft's current version, optionally to one section."""
    author = require_reviewer(author)
    if not text.strip():
        raise UsageError("the comment is empty", code=ErrorCode.EMPTY_TEXT, field="comment")
    made = Comment(draft_id=draft_id, version=1, author=author,
                   section=normalise_section(section), text=text.strip())
    with store.transaction(write=True) as conn:
        state = store.state(conn, draft_id, lock=True)
        made = store.add_comment(conn, made.model_copy(update={"version": state.current_version}))
        store.record(conn, _event(state, state, author, "comment",
                                  note=f"[{made.section}] {made.text}" if made.section else made.text))
    return made


def history(store: Store, draft_id: int) -> History:
    with store.transaction() as conn:
        state = store.state(conn, draft_id)
    return History(draft_id=draft_id, state=state, versions=store.versions(draft_id),
                   comments=store.comments(draft_id), events=store.events(draft_id))


def diff_versions(store: Store, draft_id: int, a: int | None = None,
                  b: int | None = None) -> VersionDiff:
    """Word-level diff of two versions; by default the previous one against the current."""
    with store.transaction() as conn:
        current = store.state(conn, draft_id).current_version
    new = b or current
    old = a if a is not None else new - 1
    if old < 1:
        raise UsageError(f"draft {draft_id} has only version {current}; nothing to compare",
                         code=ErrorCode.NOTHING_TO_COMPARE, draft_id=draft_id, version=current)
    left, right = store.version(draft_id, old), store.version(draft_id, new)
    return diff_summaries(left.summary, right.summary, old, new)
