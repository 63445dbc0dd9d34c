"""The queue page at newsroom size: paged, counted and filtered by the database."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from starlette.testclient import TestClient

from laydraft import review
from laydraft.config import Settings
from laydraft.core import DraftingCore
from laydraft.db import Store
from laydraft.db.tables import drafts
from laydraft.ingest import parse_text
from laydraft.web.queue import PAGE_SIZE

from .conftest import example_text


def _fill(store: Store, settings: Settings, n: int) -> list[int]:
    """``n`` copies of one offline draft, titled "Study 1" ... "Study n", one day apart."""
    drafted = DraftingCore(settings).sync.draft(parse_text(example_text()))
    start = datetime(2026, 1, 1, 12, tzinfo=UTC)
    ids: list[int] = []
    for i in range(1, n + 1):
        abstract = drafted.abstract.model_copy(update={"title": f"Study {i}"})
        added = store.add(drafted.model_copy(update={"abstract": abstract}))
        assert added.id is not None
        ids.append(added.id)
        with store.transaction(write=True) as conn:
            conn.execute(sa.update(drafts).where(drafts.c.id == added.id)
                         .values(created_at=start + timedelta(days=i)))
    return ids


def _shown(page: str) -> list[int]:
    return [int(n) for n in re.findall(r'<a href="/drafts/(\d+)">', page)]


def test_the_queue_shows_one_page_of_the_newest_drafts_and_pages_on(
        client: TestClient, signed_in: str, store: Store, settings: Settings) -> None:
    ids = _fill(store, settings, PAGE_SIZE * 2 + 7)
    first = client.get("/queue").text
    assert _shown(first) == ids[::-1][:PAGE_SIZE]
    assert f"Showing 1–{PAGE_SIZE} of {len(ids)} drafts, page 1 of 3." in first
    assert 'href="/queue?page=2" rel="next"' in first and 'rel="prev"' not in first
    last = client.get("/queue?page=3").text
    assert _shown(last) == ids[::-1][2 * PAGE_SIZE:] and len(_shown(last)) == 7
    assert 'rel="next"' not in last and 'href="/queue?page=2" rel="prev"' in last
    # a page past the end shows the last one; nonsense shows the first
    assert _shown(client.get("/queue?page=99").text) == _shown(last)
    assert _shown(client.get("/queue?page=two").text) == _shown(first)


def test_paging_keeps_the_filters_and_the_counts_cover_the_whole_queue(
        client: TestClient, signed_in: str, store: Store, settings: Settings) -> None:
    ids = _fill(store, settings, PAGE_SIZE + 10)
    for draft_id in ids[:3]:
        review.claim(store, draft_id, "alice")
    page = client.get("/queue?status=pending_review").text
    assert re.search(rf'All <span class="count">{len(ids)}</span>', page)
    assert re.search(r'In review <span class="count">3</span>', page)
    assert f"of {len(ids) - 3} drafts, page 1 of 2." in page
    assert 'href="/queue?status=pending_review&amp;page=2" rel="next"' in page
    second = client.get("/queue?status=pending_review&page=2").text
    assert _shown(second) == ids[3:10][::-1]
    # the reviewer list and filter come from the database too
    assert '<option value="alice"' in page
    assert _shown(client.get("/queue?reviewer=alice").text) == ids[:3][::-1]


def test_dates_and_search_filter_in_the_database(
        client: TestClient, signed_in: str, store: Store, settings: Settings) -> None:
    ids = _fill(store, settings, 12)  # drafted 2 January to 13 January 2026
    week = client.get("/queue?since=2026-01-05&until=2026-01-07").text
    assert _shown(week) == ids[3:6][::-1]
    assert "Showing 1–3 of 3 drafts." in week
    assert _shown(client.get("/queue?q=study+11").text) == [ids[10]]
    assert store.count(search="study 1") == 4  # Study 1, 10, 11, 12


def test_counts_and_reviewers_come_from_grouped_queries(store: Store,
                                                        settings: Settings) -> None:
    ids = _fill(store, settings, 4)
    review.claim(store, ids[0], "bob")
    review.claim(store, ids[1], "alice")
    assert store.status_counts() == {"pending_review": 2, "in_review": 2}
    assert store.reviewers() == ["alice", "bob"]
    newest = store.list(limit=2, newest_first=True)
    assert [item.id for item in newest] == ids[::-1][:2]
    assert [item.id for item in store.list(limit=2, offset=2)] == ids[2:]
