"""The queue page: drafts by status, reviewer and date, searchable by title, headline or DOI.

Everything the page shows is asked of the database, filtered, counted and paged there: a page
of ``PAGE_SIZE`` drafts costs the same in a newsroom's queue of ten thousand as in a new one.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from urllib.parse import urlencode

from pydantic import BaseModel
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from ..db import Store
from ..models import DraftStatus, QueueItem
from .pages import call, login_required, redirect, render, state

PAGE_SIZE = 50


class QueueFilters(BaseModel):
    """What the reader asked the queue for, from the page's query string."""

    status: str | None = None
    reviewer: str | None = None
    q: str = ""
    since: date | None = None
    until: date | None = None
    page: int = 1

    def query(self, page: int | None = None) -> str:
        """The query string of these filters, at ``page`` (the first page is left out)."""
        pairs = {"status": self.status or "", "q": self.q, "reviewer": self.reviewer or "",
                 "since": self.since.isoformat() if self.since else "",
                 "until": self.until.isoformat() if self.until else ""}
        number = self.page if page is None else page
        if number > 1:
            pairs["page"] = str(number)
        return urlencode({key: value for key, value in pairs.items() if value})


class QueueView(BaseModel):
    """One page of the queue, with what the tabs, the filters and the pager need."""

    rows: list[QueueItem]
    counts: dict[str, int]  # drafts per status, the whole queue
    total: int  # every draft
    matching: int  # drafts the filters match
    reviewers: list[str]
    page: int
    pages: int

    @property
    def first(self) -> int:
        """The number of the first row shown, counted from 1 (0 on an empty page)."""
        return (self.page - 1) * PAGE_SIZE + 1 if self.rows else 0

    @property
    def last(self) -> int:
        return (self.page - 1) * PAGE_SIZE + len(self.rows)


def _day(text: str | None) -> date | None:
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None


def _page(text: str | None) -> int:
    try:
        return max(1, min(int(text or 1), 1_000_000))
    except ValueError:
        return 1


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=UTC)


def filters_from(params: dict[str, str]) -> QueueFilters:
    """The filters of a query string; unknown or malformed values are left out, not errors."""
    status = params.get("status") or None
    return QueueFilters(
        status=status if status in {s.value for s in DraftStatus} else None,
        reviewer=(params.get("reviewer") or "").strip() or None,
        q=(params.get("q") or "").strip()[:200],
        since=_day(params.get("since")), until=_day(params.get("until")),
        page=_page(params.get("page")),
    )


def queue_view(store: Store, filters: QueueFilters) -> QueueView:
    """One page of drafts, newest first, and the counts around it, all in SQL."""
    status, reviewer, search = filters.status, filters.reviewer, filters.q or None
    since = _midnight(filters.since) if filters.since else None
    until = _midnight(filters.until) + timedelta(days=1) if filters.until else None
    counts = store.status_counts()
    matching = store.count(status=status, reviewer=reviewer, search=search, since=since,
                           until=until)
    pages = max(1, -(-matching // PAGE_SIZE))
    page = min(filters.page, pages)
    rows = store.list(status=status, reviewer=reviewer, search=search, since=since, until=until,
                      limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE, newest_first=True)
    return QueueView(rows=rows, counts=counts, total=sum(counts.values()), matching=matching,
                     reviewers=store.reviewers(), page=page, pages=pages)


@login_required
async def queue_page(request: Request) -> Response:
    filters = filters_from(dict(request.query_params))
    view = await call(queue_view, state(request).store, filters)
    filters = filters.model_copy(update={"page": view.page})
    return render(request, "queue.html", {
        "rows": view.rows, "counts": view.counts, "total": view.total, "view": view,
        "statuses": list(DraftStatus), "status": filters.status,
        "reviewer": filters.reviewer or "", "reviewers": view.reviewers, "q": filters.q,
        "since": filters.since.isoformat() if filters.since else "",
        "until": filters.until.isoformat() if filters.until else "",
        "page_url": lambda n: "/queue" + (f"?{q}" if (q := filters.query(n)) else ""),
    })


async def home(request: Request) -> Response:
    return redirect("/queue")


routes = [
    Route("/", home, methods=["GET"]),
    Route("/queue", queue_page, methods=["GET"], name="queue"),
]
