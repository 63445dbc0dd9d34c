"""The stats page: reviewer effort by group and over time, as server-drawn SVG charts.

The charts are plain SVG built here and in ``stats.html`` (numbers from ``laydraft.stats``,
labels escaped by the template): no script and no outside resource, so they work under the
page's content security policy. See docs/stats.md for what the figures mean.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from ..db import Store
from ..models import Effort
from ..stats import GROUPINGS, Grouping, StatsReport, stats
from .pages import call, login_required, render, state

WIDTH, ROW, LEFT, RIGHT = 640, 28, 170, 20
HEIGHT_TIME, TOP, BOTTOM = 200, 16, 28


@dataclass(frozen=True)
class Box:
    """One group's row in the box chart: the quartile box, median, whiskers (in pixels)."""

    key: str
    n: int
    comparable: bool
    y: float
    low: float
    q1: float
    median: float
    q3: float
    high: float
    median_share: float


@dataclass(frozen=True)
class Point:
    week: str
    n: int
    x: float
    y: float
    median_share: float


def _x(share: float) -> float:
    return round(LEFT + share * (WIDTH - LEFT - RIGHT), 1)


def boxes(report: StatsReport) -> list[Box]:
    """The changed_share distribution of each group as pixel positions (0% .. 100%)."""
    made = []
    for row, group in enumerate(g for g in report.groups
                                if g.figures["changed_share"].median is not None):
        figure = group.figures["changed_share"]
        assert figure.median is not None and figure.q1 is not None and figure.q3 is not None
        assert figure.low is not None and figure.high is not None
        made.append(Box(key=group.key, n=group.n, comparable=group.comparable,
                        y=TOP + row * ROW, low=_x(figure.low), q1=_x(figure.q1),
                        median=_x(figure.median), q3=_x(figure.q3), high=_x(figure.high),
                        median_share=figure.median))
    return made


def _week(moment: datetime) -> date:
    day = moment.astimezone(UTC).date()
    return day - timedelta(days=day.weekday())


def weekly(efforts: list[Effort]) -> list[Point]:
    """The median changed_share of the drafts decided each week (Monday), as pixel points."""
    weeks: dict[date, list[float]] = {}
    for item in efforts:
        weeks.setdefault(_week(item.decided_at), []).append(item.words.changed_share)
    ordered = sorted(weeks)
    span = max(len(ordered) - 1, 1)
    height = HEIGHT_TIME - TOP - BOTTOM
    points = []
    for index, week in enumerate(ordered):
        share = statistics.median(weeks[week])
        x = LEFT + (index / span if len(ordered) > 1 else 0.5) * (WIDTH - LEFT - RIGHT)
        points.append(Point(week=week.isoformat(), n=len(weeks[week]), x=round(x, 1),
                            y=round(TOP + (1 - share) * height, 1), median_share=share))
    return points


def page_data(store: Store, by: Grouping, since: datetime | None
              ) -> tuple[StatsReport, list[Effort]]:
    report = stats(store, by, since)
    return report, store.efforts(since)


@login_required
async def stats_page(request: Request) -> Response:
    params = request.query_params
    by_text = params.get("by") or "prompt"
    by: Grouping = next((g for g in GROUPINGS if g == by_text), "prompt")
    days_text = params.get("days") or ""
    days = int(days_text) if days_text.isdigit() and 0 < int(days_text) <= 36500 else None
    since = state(request).clock() - timedelta(days=days) if days else None
    report, efforts = await call(page_data, state(request).store, by, since)
    points = weekly(efforts)
    return render(request, "stats.html", {
        "report": report, "by": by, "groupings": GROUPINGS, "days": days or "",
        "boxes": boxes(report), "points": points,
        "polyline": " ".join(f"{p.x},{p.y}" for p in points),
        "width": WIDTH, "left": LEFT, "right": RIGHT, "row": ROW, "top": TOP,
        "box_height": TOP + max(len(report.groups), 1) * ROW + BOTTOM,
        "time_height": HEIGHT_TIME, "bottom": BOTTOM,
        "ticks": [(_x(t / 4), f"{t * 25}%") for t in range(5)],
    })


routes = [
    Route("/stats", stats_page, methods=["GET"], name="stats"),
]
