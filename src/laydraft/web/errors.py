"""Errors become readable pages, phrased for a browser (``messages.py``), never a traceback."""

from __future__ import annotations

import logging

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from ..errors import (
    DraftingError,
    LaydraftError,
    NotFoundError,
    StaleVersionError,
    UsageError,
    WorkflowError,
)
from .messages import web_message
from .pages import render

log = logging.getLogger("laydraft.web")
HTTP_TITLES = {403: "Not allowed", 404: "Not found", 405: "Not allowed", 413: "Too large"}


def status_for(exc: LaydraftError) -> int:
    """The HTTP status that matches a library error, by its class."""
    if isinstance(exc, NotFoundError):
        return 404
    if isinstance(exc, StaleVersionError | WorkflowError):
        return 409
    if isinstance(exc, UsageError):
        return 400
    if isinstance(exc, DraftingError):
        return 502
    return 500


def error_page(request: Request, title: str, message: str, status: int) -> Response:
    return render(request, "error.html", {"title": title, "message": message},
                  status_code=status)


async def laydraft_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, LaydraftError)
    status = status_for(exc)
    title = "Not found" if status == 404 else "That did not work"
    return error_page(request, title, web_message(exc), status)


async def http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    message = {404: "There is no page at this address.",
               405: "This address does not accept that kind of request."}.get(
        exc.status_code, str(exc.detail))
    return error_page(request, HTTP_TITLES.get(exc.status_code, "Error"), message,
                      exc.status_code)


async def unexpected_error(request: Request, exc: Exception) -> Response:
    log.exception("unexpected error on %s %s", request.method, request.url.path)
    return error_page(request, "Something went wrong",
                      "This site hit an unexpected problem and did not finish this action. "
                      "The details are in the server's log.", 500)


handlers = {LaydraftError: laydraft_error, HTTPException: http_error}
