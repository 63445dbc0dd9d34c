"""Preview and export: the published page as the site's template renders it, and downloads.

The preview never changes anything. Downloading is a POST because it publishes: the library
moves an approved draft to ``published`` (and refuses drafts that are not approved).
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Route

from .. import export, review
from ..config import Settings
from ..db import Store
from ..errors import LaydraftError
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


def _preview_context(store: Store, settings: Settings, draft_id: int,
                     user: Any) -> dict[str, Any]:
    draft = store.get(draft_id)
    may = review.what_may(store, draft_id, actor_for(store, user),
                          four_eyes=settings.four_eyes)
    return {"draft": draft,
            "formats": {f.name: f.label for f in export.EXPORT_FORMATS.values()},
            "publishable": draft.status in export.EXPORTABLE,
            "may_publish": bool(may[Action.publish])}


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


@login_required
async def download(request: Request) -> Response:
    web, draft_id = state(request), _draft_id(request)
    form = await form_text(request)
    fmt = form.get("format", "")
    try:
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
]
