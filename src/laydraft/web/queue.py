"""The queue page: drafts by status, reviewer and date, searchable by title or DOI."""

from __future__ import annotations

from collections import Counter
from datetime import date

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from ..db import Store
from ..models import DraftStatus, QueueItem
from .pages import call, login_required, redirect, render, state


def _day(text: str | None) -> date | None:
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None


def queue_rows(store: Store, status: str | None, reviewer: str | None, query: str,
               since: date | None, until: date | None,
               ) -> tuple[list[QueueItem], Counter[str], list[str]]:
    """The filtered rows (newest first), drafts per status, and every reviewer named."""
    everything = store.list()
    counts = Counter(item.status.value for item in everything)
    found = store.list(status=status or None, reviewer=reviewer or None, search=query or None)
    rows = [item for item in found
            if (since is None or item.created_at.date() >= since)
            and (until is None or item.created_at.date() <= until)]
    reviewers = sorted({item.reviewer for item in everything if item.reviewer})
    return sorted(rows, key=lambda item: item.created_at, reverse=True), counts, reviewers


@login_required
async def queue_page(request: Request) -> Response:
    params = request.query_params
    status = params.get("status") or None
    if status not in {s.value for s in DraftStatus}:
        status = None
    reviewer = (params.get("reviewer") or "").strip() or None
    query = (params.get("q") or "").strip()[:200]
    since, until = _day(params.get("since")), _day(params.get("until"))
    store = state(request).store
    rows, counts, reviewers = await call(queue_rows, store, status, reviewer, query, since,
                                         until)
    return render(request, "queue.html", {
        "rows": rows, "counts": counts, "total": sum(counts.values()),
        "statuses": list(DraftStatus), "status": status, "reviewer": reviewer or "",
        "reviewers": reviewers, "q": query,
        "since": since.isoformat() if since else "", "until": until.isoformat() if until else "",
    })


async def home(request: Request) -> Response:
    return redirect("/queue")


routes = [
    Route("/", home, methods=["GET"]),
    Route("/queue", queue_page, methods=["GET"], name="queue"),
]
