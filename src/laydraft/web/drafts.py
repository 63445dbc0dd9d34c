"""The draft page: paste or upload an abstract, pick audience and drafter, queue the draft.

An abstract the queue already holds with the same prompt and model is not drafted again: the
page goes to that draft and says so, unless "draft again" is ticked.
"""

from __future__ import annotations

import re
from pathlib import Path

from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from ..config import Settings
from ..core import DraftingCore
from ..db import Store
from ..errors import ErrorCode, InputError, LaydraftError
from ..ingest import parse_text, read_abstract_bytes
from ..models import Abstract, Draft
from .acting import name_of
from .errors import status_for
from .messages import web_message
from .pages import call, current_user, flash, login_required, path_id, redirect, render, state


def drafters_available(settings: Settings) -> list[str]:
    """The drafters this server can use: offline always, the model when one is configured."""
    return ["offline", "openai"] if settings.api_key() or settings.base_url else ["offline"]


def chosen_audience(settings: Settings, asked: str) -> str:
    """One of the configured audiences (none asked: the first); anything else is refused, so
    no free text reaches the prompt."""
    choices = settings.audience_choices()
    if not asked:
        return choices[0]
    if asked not in choices:
        shown = asked if len(asked) <= 60 else asked[:57] + "..."
        raise InputError(f"the audience {shown!r} is not one this site offers",
                         code=ErrorCode.UNKNOWN_CHOICE, field="audience", value=shown,
                         choices=choices)
    return asked


def _form_context(settings: Settings, text: str = "", audience: str | None = None,
                  drafter: str | None = None, error: str | None = None) -> dict[str, object]:
    available = drafters_available(settings)
    return {
        "text": text, "error": error, "audiences": settings.audience_choices(),
        "audience": audience if audience is not None else settings.audience_choices()[0],
        "drafters": available,
        "drafter": drafter if drafter in available else
        ("openai" if settings.use_model() and "openai" in available else "offline"),
        "model": settings.model,
    }


@login_required
async def draft_form(request: Request) -> Response:
    return render(request, "draft_new.html", _form_context(state(request).settings))


def _upload_abstract(name: str, data: bytes, max_bytes: int) -> Abstract:
    """Read an uploaded file with the same code as `laydraft draft FILE`, from memory."""
    safe = re.sub(r"[^A-Za-z0-9._-]", "_", Path(name).name)[:100].lstrip(".") or "upload.txt"
    return read_abstract_bytes(data, safe, max_bytes)


def _draft_and_queue(settings: Settings, store: Store, abstract: Abstract,
                     created_by: str | None, again: bool) -> Draft | int:
    """The queued draft (in the threadpool), or the id of the one already queued.

    The queue is checked first, so a queue that cannot take the draft costs no model call;
    once the draft is stored, the answer journal may let go of its answers.
    """
    core = DraftingCore.from_settings(settings, store)
    if not again and (queued := core.queued(store, abstract)) is not None:
        return queued
    store.check_writable()
    stored = store.add(core.sync.draft(abstract), created_by=created_by)
    core.settle(stored)
    return stored


@login_required
async def create_draft(request: Request) -> Response:
    web = state(request)
    form = await request.form(max_part_size=web.settings.max_input_bytes + 1024)
    text = str(form.get("abstract") or "")
    audience = " ".join(str(form.get("audience") or "").split())
    drafter = str(form.get("drafter") or "offline")
    upload = form.get("file")
    again = bool(form.get("again"))
    context = {"text": text, "audience": audience, "drafter": drafter}
    try:
        if drafter not in drafters_available(web.settings):
            raise InputError(f"the {drafter!r} drafter is not available on this server",
                             code=ErrorCode.DRAFTER_UNAVAILABLE, drafter=drafter)
        settings = web.settings.model_copy(update={
            "audience": chosen_audience(web.settings, audience), "drafter": drafter})
        if isinstance(upload, UploadFile) and upload.filename:
            data = await upload.read(web.settings.max_input_bytes + 1)
            abstract = await call(_upload_abstract, upload.filename, data,
                                  web.settings.max_input_bytes)
        elif text.strip():
            abstract = await call(parse_text, text)
        else:
            raise InputError("no abstract was given", code=ErrorCode.NO_INPUT)
        stored = await call(_draft_and_queue, settings, web.store, abstract,
                            name_of(current_user(request)), again)
    except LaydraftError as exc:
        return render(request, "draft_new.html",
                      _form_context(web.settings, error=web_message(exc), **context),
                      status_code=status_for(exc))
    finally:
        await form.close()
    if isinstance(stored, int):
        flash(request, f"This abstract is already in the review queue as draft #{stored}, "
              "drafted with the same prompt and model, so nothing was drafted. To draft it "
              "again anyway, tick “Draft again even if already queued” on the New draft page.")
        return redirect(f"/drafts/{stored}")
    if stored.provenance.drafter == "offline":
        flash(request, "Drafted with the built-in offline drafter, which needs no network.")
    return redirect(f"/drafts/{stored.id}/queued")


def _queued_context(store: Store, draft_id: int) -> dict[str, object]:
    draft = store.get(draft_id)
    return {"draft": draft, "errors": sum(f.severity.value == "error" for f in draft.findings),
            "warnings": sum(f.severity.value == "warning" for f in draft.findings)}


@login_required
async def queued_page(request: Request) -> Response:
    """Where drafting ends: the draft is queued, a reviewer takes it from here."""
    web = state(request)
    context = await call(_queued_context, web.store, path_id(request, "draft_id"))
    return render(request, "queued.html", context)


routes = [
    Route("/draft", draft_form, methods=["GET"], name="draft_form"),
    Route("/draft", create_draft, methods=["POST"]),
    Route("/drafts/{draft_id:int}/queued", queued_page, methods=["GET"], name="queued"),
]
