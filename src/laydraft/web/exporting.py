"""Preview and export: the published page as the site's template renders it, and downloads.

The preview never changes anything. Downloading is a POST because it publishes: the library
moves an approved draft to ``published`` (and refuses drafts that are not approved).
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Route

from .. import export
from ..errors import LaydraftError
from .errors import status_for
from .messages import web_message
from .pages import call, flash, form_text, login_required, redirect, render, state, user_name
from .security import frameable


def _draft_id(request: Request) -> int:
    return int(request.path_params["draft_id"])


@login_required
async def preview_page(request: Request) -> Response:
    draft = await call(state(request).store.get, _draft_id(request))
    return render(request, "preview.html", {
        "draft": draft, "formats": {f.name: f.label for f in export.EXPORT_FORMATS.values()},
        "publishable": draft.status in export.EXPORTABLE,
    })


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
        pages = await call(export.export_draft, web.store, draft_id, [kind.name],
                           web.settings, actor=user_name(request) or None)
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
