"""The review page and its actions. Every rule lives in ``laydraft.review`` and
``laydraft.permissions``; this module only gathers what the page shows (the buttons come from
``review.what_may`` for the signed-in person) and turns the library's answers into pages and
redirects.
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from .. import recheck, review
from ..config import Settings
from ..db import Store
from ..diff import VersionDiff
from ..errors import ErrorCode, LaydraftError, StaleVersionError, UsageError
from ..models import SUMMARY_FIELDS, Dismissal, Draft, DraftStatus, Finding, utcnow
from ..permissions import DECISIONS, Action
from .acting import actor_for
from .errors import status_for
from .marks import by_section
from .messages import web_message
from .pages import (
    call,
    current_user,
    flash,
    form_text,
    login_required,
    path_id,
    redirect,
    render,
    state,
)

# Said on the page instead of the re-draft form, and when a re-draft is posted anyway.
OFFLINE_REDRAFT = ("Re-drafting with an instruction needs a language model, and this site "
                   "drafts with the offline drafter only, which cannot follow instructions. "
                   "Edit the sections yourself instead")
DECISION_LABELS = {"approve": "Approve", "request_changes": "Request changes",
                   "reject": "Reject"}


def _draft_id(request: Request) -> int:
    return path_id(request, "draft_id")


def _int(value: str | None, what: str) -> int:
    try:
        return int(value or "")
    except ValueError:
        raise UsageError(f"the form's {what} is missing or not a number; reload the page") from None


def page_context(store: Store, settings: Settings, draft_id: int, user: Any) -> dict[str, Any]:
    """What the review page shows: the draft, its history and what the user may do now."""
    actor = actor_for(store, user)
    draft = store.get(draft_id)
    hist = review.history(store, draft_id)
    st, now = hist.state, utcnow()
    may = review.what_may(store, draft_id, actor, four_eyes=settings.four_eyes, now=now)
    allowed = {action.value for action, answer in may.items() if answer}
    holds_claim = st.status is DraftStatus.in_review and st.reviewer == actor.name
    errors = review.open_errors(draft, hist.dismissals)
    marks = review.dismissed(draft.findings, draft.summary, hist.dismissals, draft.version)
    entries: dict[str | None, list[tuple[int, Finding, Dismissal | None]]] = {
        name: [] for name in SUMMARY_FIELDS}
    entries[None] = []
    for number, (finding, dismissal) in enumerate(marks, 1):
        shown = dismissal if dismissal is not None and not dismissal.approval else None
        entries.setdefault(finding.section, []).append((number, finding, shown))
    return {
        "draft": draft, "state": st, "history": hist,
        # what the text highlights: every finding not dismissed (overridden ones stay marked)
        "findings": by_section([f for f, d in marks if d is None or d.approval]),
        "entries": entries, "can_dismiss": "dismiss" in allowed,
        "can_recheck": "recheck" in allowed,
        "dismissed_count": sum(1 for _, d in marks if d is not None and not d.approval),
        "sections": SUMMARY_FIELDS, "values": draft.summary.sections(),
        "base_version": draft.version, "open_section": None, "conflict": None,
        "holds_claim": holds_claim, "role": actor.role.value, "allowed": allowed,
        "claim_live": st.claim_live(now),
        "can_claim": "claim" in allowed,
        "can_edit": "edit" in allowed,
        "redraft_offered": "redraft" in allowed and settings.use_model(),
        "offline_redraft": OFFLINE_REDRAFT,
        "decisions": {action.value: DECISION_LABELS[action.value] for action in DECISIONS
                      if action.value in allowed},
        "four_eyes_refusal": (web_message(may[Action.approve].error())
                              if may[Action.approve].code is ErrorCode.FOUR_EYES else None),
        "error_findings": list(enumerate(errors, 1)),
        "warning_findings": review.warning_findings([f for f, d in marks if d is None]),
        "overridden": [(f, o) for f, o in review.overridden(draft.findings, hist.overrides,
                                                              draft.version) if o is not None],
        "limits": {name: settings.limits.for_field(name) for name in SUMMARY_FIELDS},
    }


@login_required
async def review_page(request: Request) -> Response:
    web = state(request)
    context = await call(page_context, web.store, web.settings, _draft_id(request),
                         current_user(request))
    return render(request, "review.html", context)


def _edited_summary(store: Store, draft_id: int, base: int, section: str, text: str) -> Any:
    sections = store.version(draft_id, base).summary.sections()
    sections[section] = text
    return review.parse_summary(sections)


@login_required
async def save_section(request: Request) -> Response:
    web, draft_id, user = state(request), _draft_id(request), current_user(request)
    form = await form_text(request)
    section = form.get("section", "")
    text = form.get("text", "")
    try:
        if section not in SUMMARY_FIELDS:
            raise UsageError(f"unknown section {section!r}; reload the page")
        base = _int(form.get("base_version"), "version")
        summary = await call(_edited_summary, web.store, draft_id, base, section, text)
        actor = await call(actor_for, web.store, user)
        version = await call(review.save_edit, web.store, draft_id, summary, base, actor,
                             web.settings)
    except StaleVersionError as exc:
        return await _conflict(request, draft_id, section, text, base, web_message(exc))
    except LaydraftError as exc:
        return await _rerender(request, draft_id, section, text, web_message(exc),
                               status_for(exc))
    flash(request, f"Saved version {version.version}; the findings below are for it.",
          "success")
    return redirect(f"/drafts/{draft_id}#section-{section}")


async def _rerender(request: Request, draft_id: int, section: str, text: str,
                    message: str, status: int, base: int | None = None,
                    changes: VersionDiff | None = None) -> Response:
    """The review page again, with the user's text in its box and the problem above it."""
    web = state(request)
    context = await call(page_context, web.store, web.settings, draft_id,
                         current_user(request))
    if section in SUMMARY_FIELDS:
        context["values"] = {**context["values"], section: text}
        context["open_section"] = section
    if base is not None:
        context["base_version"] = base
    context["conflict"] = {"section": section, "message": message, "changes": changes}
    return render(request, "review.html", context, status_code=status)


async def _conflict(request: Request, draft_id: int, section: str, text: str, base: int,
                    message: str) -> Response:
    """Someone saved first: show what they changed, keep this user's text, rebase the form."""
    store = state(request).store
    current = (await call(store.get, draft_id)).version
    changes = await call(review.diff_versions, store, draft_id, base, current)
    return await _rerender(request, draft_id, section, text, message, 409, base=current,
                           changes=changes)


async def _act(request: Request, action: str, message: str) -> Response:
    """Run one workflow action; its refusal becomes a message on the review page."""
    web, draft_id, user = state(request), _draft_id(request), current_user(request)
    form = await form_text(request)
    try:
        note = await call(_run_action, web, draft_id, user, action, form)
    except LaydraftError as exc:
        if status_for(exc) == 404:
            raise
        flash(request, web_message(exc), "error")
        return redirect(f"/drafts/{draft_id}")
    flash(request, message, "success")
    if note:
        flash(request, note)
    return redirect(f"/drafts/{draft_id}")


def _overrides(form: dict[str, str]) -> dict[int, str]:
    """The reasons written beside numbered error findings (fields ``override-N``)."""
    found = {}
    for key, value in form.items():
        number = key.removeprefix("override-")
        if key.startswith("override-") and number.isdigit() and value.strip():
            found[int(number)] = value
    return found


def _run_action(web: Any, draft_id: int, user: Any, action: str,
                form: dict[str, str]) -> str | None:
    store, settings = web.store, web.settings
    user = actor_for(store, user)
    if action == "claim":
        review.claim(store, draft_id, user, minutes=settings.claim_minutes)
    elif action == "release":
        review.release(store, draft_id, user)
    elif action == "decide":
        decision = form.get("decision", "")
        review.transition(store, draft_id, decision, user, note=form.get("note") or None,
                          four_eyes=settings.four_eyes,
                          overrides=_overrides(form) if decision == "approve" else None)
        if decision == "approve":
            approved = store.get(draft_id)
            warnings = review.warning_findings(
                [f for f, d in review.dismissed(approved.findings, approved.summary,
                                                store.dismissals(draft_id), approved.version)
                 if d is None])
            if warnings:
                return (f"Approved with {len(warnings)} warning"
                        f"{'s' if len(warnings) != 1 else ''}: "
                        + "; ".join(f"{w.check}: {w.message}" for w in warnings))
    elif action == "dismiss":
        review.dismiss(store, draft_id, _int(form.get("finding"), "finding number"),
                       form.get("reason", ""), user, expected_code=form.get("code"))
    elif action == "undismiss":
        review.undismiss(store, draft_id, _int(form.get("finding"), "finding number"), user,
                         form.get("reason") or None, expected_code=form.get("code"))
    elif action == "recheck":
        return recheck_note(recheck.recheck_draft(store, settings, draft_id, user))
    elif action == "withdraw":
        review.withdraw(store, draft_id, user, form.get("reason", ""))
    elif action == "correct":
        base = _int(form.get("base_version"), "version")
        sections = store.version(draft_id, base).summary.sections()
        sections.update({name: form[name] for name in SUMMARY_FIELDS if name in form})
        review.correct(store, draft_id, review.parse_summary(sections), base, user, settings,
                       form.get("note", ""))
    elif action == "reopen":
        review.reopen(store, draft_id, user, form.get("note") or None)
    elif action == "comment":
        review.comment(store, draft_id, user, form.get("text", ""),
                       section=form.get("section") or None)
    elif action == "redraft":
        if not settings.use_model():
            raise UsageError(f"nothing was changed. {OFFLINE_REDRAFT}",
                             code=ErrorCode.DRAFTER_UNAVAILABLE,
                             drafter="offline", draft_id=draft_id)
        base = _int(form.get("base_version"), "version")
        version = review.redraft(store, draft_id, form.get("instruction", ""), user, settings,
                                 base_version=base)
        return (f"Version {version.version} is the model's re-draft of version {base}; "
                f"version {base} stays in the history, where you can compare the two.")
    return None


@login_required
async def claim(request: Request) -> Response:
    return await _act(request, "claim", "You hold the claim on this draft; edit away.")


@login_required
async def release(request: Request) -> Response:
    return await _act(request, "release", "Released: the draft is back in the queue.")


@login_required
async def decide(request: Request) -> Response:
    return await _act(request, "decide", "Decision recorded.")


@login_required
async def dismiss(request: Request) -> Response:
    return await _act(request, "dismiss", "Finding dismissed: it stays listed with your "
                      "reason and no longer needs one when approving.")


@login_required
async def undismiss(request: Request) -> Response:
    return await _act(request, "undismiss", "Dismissal undone: the finding counts again, and "
                      "the history keeps both.")


def recheck_note(result: recheck.Recheck) -> str:
    """What a re-check changed, for the message above the page (which lists the findings)."""
    if result.skipped:
        return f"Nothing was written: {result.skipped}."
    head = (f"Checks version {result.checks_version} on version {result.version}: ")
    if not result.changed:
        return head + "no change in the findings."
    return (head + f"{len(result.added)} finding{'s' if len(result.added) != 1 else ''} "
            f"added, {len(result.removed)} gone — " + "; ".join(result.lines))


@login_required
async def recheck_page(request: Request) -> Response:
    return await _act(request, "recheck", "Re-checked with the current checks; the findings "
                      "below are theirs.")


@login_required
async def correct(request: Request) -> Response:
    return await _act(request, "correct", "Corrected: export the page again to publish the "
                      "correction note.")


@login_required
async def withdraw(request: Request) -> Response:
    return await _act(request, "withdraw", "Withdrawn: export the page again to mark the "
                      "published page withdrawn.")


@login_required
async def reopen(request: Request) -> Response:
    return await _act(request, "reopen", "Reopened: the draft is back in the queue, waiting "
                      "for review.")


@login_required
async def add_comment(request: Request) -> Response:
    return await _act(request, "comment", "Comment added.")


@login_required
async def redraft(request: Request) -> Response:
    return await _act(request, "redraft", "Re-drafted by the model, following your "
                      "instruction.")


def history_context(store: Store, draft_id: int, a: int | None, b: int | None) -> dict[str, Any]:
    """The history page; versions asked for that do not exist get a message and the usual
    comparison (the previous version against the current one) instead."""
    hist = review.history(store, draft_id)
    draft: Draft = store.get(draft_id)
    changes, error = None, None
    if len(hist.versions) > 1:
        try:
            changes = review.diff_versions(store, draft_id, a, b)
        except LaydraftError as exc:
            if exc.code is not ErrorCode.VERSION_NOT_FOUND:
                raise
            error = web_message(exc)
            changes = review.diff_versions(store, draft_id)
    elif a is not None or b is not None:
        error = (f"Draft #{draft_id} has only one version, so there is nothing to compare "
                 "yet.")
    return {"draft": draft, "history": hist, "changes": changes, "error": error}


@login_required
async def history_page(request: Request) -> Response:
    params = request.query_params
    a = _int(params["a"], "version") if params.get("a") else None
    b = _int(params["b"], "version") if params.get("b") else None
    context = await call(history_context, state(request).store, _draft_id(request), a, b)
    return render(request, "history.html", context, status_code=400 if context["error"] else 200)


routes = [
    Route("/drafts/{draft_id:int}", review_page, methods=["GET"], name="review"),
    Route("/drafts/{draft_id:int}/edit", save_section, methods=["POST"]),
    Route("/drafts/{draft_id:int}/claim", claim, methods=["POST"]),
    Route("/drafts/{draft_id:int}/release", release, methods=["POST"]),
    Route("/drafts/{draft_id:int}/decide", decide, methods=["POST"]),
    Route("/drafts/{draft_id:int}/comment", add_comment, methods=["POST"]),
    Route("/drafts/{draft_id:int}/dismiss", dismiss, methods=["POST"]),
    Route("/drafts/{draft_id:int}/undismiss", undismiss, methods=["POST"]),
    Route("/drafts/{draft_id:int}/recheck", recheck_page, methods=["POST"]),
    Route("/drafts/{draft_id:int}/correct", correct, methods=["POST"]),
    Route("/drafts/{draft_id:int}/withdraw", withdraw, methods=["POST"]),
    Route("/drafts/{draft_id:int}/redraft", redraft, methods=["POST"]),
    Route("/drafts/{draft_id:int}/reopen", reopen, methods=["POST"]),
    Route("/drafts/{draft_id:int}/history", history_page, methods=["GET"], name="history"),
]
