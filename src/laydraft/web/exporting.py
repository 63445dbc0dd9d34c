"""Preview and export: the published page as the site's template renders it, and downloads.

The preview never changes anything and says what the draft really is (its state, who approved
it and when, when it was published). Publishing asks first: an approved draft is published by
the Publish form only with its confirmation box ticked, and the page then shows Published with
the downloads; a download of an approved draft without that box is refused, never a silent
publication. Downloads of a published (or withdrawn) draft change nothing but the log.
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Route

from .. import export, review
from ..config import Settings
from ..db import Store
from ..errors import ErrorCode, LaydraftError, WorkflowError
from ..models import DraftStatus
from ..permissions import Action
from .acting import actor_for
from .errors import status_for
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
from .security import frameable


def _draft_id(request: Request) -> int:
    return path_id(request, "draft_id")


CONFIRM_FIRST = ("Nothing was published. Publishing puts this page out under the site's name: "
                 "tick the box to confirm, then press Publish.")


def _preview_context(store: Store, settings: Settings, draft_id: int,
                     user: Any) -> dict[str, Any]:
    draft = store.get(draft_id)
    may = review.what_may(store, draft_id, actor_for(store, user),
                          four_eyes=settings.four_eyes)
    record = export.notices(store, draft_id)
    return {"draft": draft,
            "formats": {f.name: f.label for f in export.EXPORT_FORMATS.values()},
            "publishable": draft.status in export.EXPORTABLE,
            "may_publish": bool(may[Action.publish]),
            "approval": record.approval, "published_at": record.published_at}


@login_required
async def preview_page(request: Request) -> Response:
    web = state(request)
    context = await call(_preview_context, web.store, web.settings, _draft_id(request),
                         current_user(request))
    return render(request, "preview.html", context)


@login_required
async def preview_frame(request: Request) -> Response:
    """The export template's HTML, served sandboxed for the preview page's frame."""
    web = state(request)
    pages = await call(export.export_draft, web.store, _draft_id(request), ["html"],
                       web.settings, preview=True)
    return frameable(HTMLResponse(pages[0].content))


def _unconfirmed(store: Store, settings: Settings, draft_id: int, user: Any,
                 form: dict[str, str]) -> str | None:
    """Why nothing is published yet: the person may not publish (the library's refusal), or
    the confirmation box of an approved draft was not ticked; None when it may go ahead."""
    if store.get(draft_id).status is not DraftStatus.approved or form.get("confirm"):
        return None
    answer = review.what_may(store, draft_id, actor_for(store, user),
                             four_eyes=settings.four_eyes)[Action.publish]
    return CONFIRM_FIRST if answer else web_message(answer.error())


def _publish(store: Store, settings: Settings, draft_id: int, user: Any) -> bool:
    """Publish an approved draft (the library renders the page, then moves it to published);
    False when it is published already (the form sent twice)."""
    status = store.get(draft_id).status
    if status is DraftStatus.published:
        return False
    if status is not DraftStatus.approved:
        raise WorkflowError(f"draft {draft_id} is not approved, so there is nothing to publish",
                            code=ErrorCode.ILLEGAL_TRANSITION, draft_id=draft_id,
                            action="publish", status=status.value)
    export.export_draft(store, draft_id, ["html"], settings, actor=actor_for(store, user))
    return True


async def _unconfirmed_refusal(request: Request, draft_id: int,
                               form: dict[str, str]) -> Response | None:
    """Back to the preview with the reason, when publishing needs the box ticked and it is not."""
    web = state(request)
    refusal = await call(_unconfirmed, web.store, web.settings, draft_id, current_user(request),
                         form)
    if not refusal:
        return None
    flash(request, refusal, "error")
    return redirect(f"/drafts/{draft_id}/preview")


@login_required
async def publish(request: Request) -> Response:
    """Publish after the confirmation box is ticked; the preview then says Published."""
    web, draft_id = state(request), _draft_id(request)
    form = await form_text(request)
    try:
        if refused := await _unconfirmed_refusal(request, draft_id, form):
            return refused
        done = await call(_publish, web.store, web.settings, draft_id, current_user(request))
    except LaydraftError as exc:
        if status_for(exc) == 404:
            raise
        flash(request, web_message(exc), "error")
        return redirect(f"/drafts/{draft_id}/preview")
    flash(request, "Published. Download the page below in the format your site needs."
          if done else "This draft was already published; nothing changed.", "success")
    return redirect(f"/drafts/{draft_id}/preview")


@login_required
async def download(request: Request) -> Response:
    """A page to download; an approved draft is published by it only with ``confirm`` ticked."""
    web, draft_id = state(request), _draft_id(request)
    form = await form_text(request)
    fmt = form.get("format", "")
    try:
        if refused := await _unconfirmed_refusal(request, draft_id, form):
            return refused
        kind = export.export_format(fmt)
        actor = await call(actor_for, web.store, current_user(request))
        pages = await call(export.export_draft, web.store, draft_id, [kind.name],
                           web.settings, actor=actor)
    except LaydraftError as exc:
        if status_for(exc) == 404:
            raise
        flash(request, web_message(exc), "error")
        return redirect(f"/drafts/{draft_id}/preview")
    page = pages[0]
    return Response(page.content, media_type=kind.media_type, headers={
        "Content-Disposition": f'attachment; filename="{page.filename}"'})


routes = [
    Route("/drafts/{draft_id:int}/preview", preview_page, methods=["GET"], name="preview"),
    Route("/drafts/{draft_id:int}/preview/page", preview_frame, methods=["GET"]),
    Route("/drafts/{draft_id:int}/export", download, methods=["POST"]),
    Route("/drafts/{draft_id:int}/publish", publish, methods=["POST"]),
]
