"""Preview and export: the published page as the site's template renders it, and downloads.

The preview never changes anything. Downloading is a POST because it publishes: the library
moves an approved draft to ``published`` (and refuses drafts that are not approved).
"""

from __future__ import annotations

from typing import cast

from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Route

from .. import export
from ..errors import LaydraftError, UsageError
from .errors import status_for
from .pages import call, current_user, flash, form_text, login_required, redirect, render, state
from .security import frameable

MEDIA_TYPES = {"md": "text/markdown; charset=utf-8", "html": "text/html; charset=utf-8",
               "json": "application/json"}
FORMAT_LABELS = {"md": "Markdown", "html": "HTML", "json": "JSON"}


def _draft_id(request: Request) -> int:
    return int(request.path_params["draft_id"])


@login_required
async def preview_page(request: Request) -> Response:
    draft = await call(state(request).store.get, _draft_id(request))
    return render(request, "preview.html", {
        "draft": draft, "formats": FORMAT_LABELS,
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
        if fmt not in export.FORMATS:
            raise UsageError(f"unknown format {fmt!r}; use one of {', '.join(export.FORMATS)}")
        pages = await call(export.export_draft, web.store, draft_id,
                           [cast(export.Format, fmt)], web.settings,
                           actor=current_user(request))
    except LaydraftError as exc:
        if status_for(exc) == 404:
            raise
        flash(request, str(exc), "error")
        return redirect(f"/drafts/{draft_id}/preview")
    page = pages[0]
    return Response(page.content, media_type=MEDIA_TYPES[fmt], headers={
        "Content-Disposition": f'attachment; filename="{page.filename}"'})


routes = [
    Route("/drafts/{draft_id:int}/preview", preview_page, methods=["GET"], name="preview"),
    Route("/drafts/{draft_id:int}/preview/page", preview_frame, methods=["GET"]),
    Route("/drafts/{draft_id:int}/export", download, methods=["POST"]),
]
