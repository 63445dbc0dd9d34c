"""The store: migrations (including upgrading a first-release database), versions, locking.

The fixtures here are shared with the review and export tests, and with test_postgres.py,
which runs the same tests against a PostgreSQL server.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from laydraft import store as store_module
from laydraft.config import load_settings
from laydraft.core import DraftingCore
from laydraft.errors import NotFoundError, StaleVersionError
from laydraft.ingest import read_abstract
from laydraft.models import Draft, DraftStatus, LaySummary, Version, VersionKind
from laydraft.resources import example_abstract_path
from laydraft.store import MIGRATIONS, Store


@pytest.fixture
def store_url(tmp_path: Path) -> str:
    """The database the test uses; test_postgres.py overrides this with a server."""
    return f"sqlite:///{tmp_path / 'queue.db'}"


@pytest.fixture
def settings(store_url: str, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    monkeypatch.setenv("LAYDRAFT_DATABASE", store_url)
    return load_settings(overrides={"drafter": "offline"})


@pytest.fixture
def store(store_url: str) -> Iterator[Store]:
    opened = Store(store_url)
    yield opened
    opened.close()


def example_draft(settings) -> Draft:  # type: ignore[no-untyped-def]
    abstract = read_abstract(str(example_abstract_path()), settings.max_input_bytes)
    abstract = abstract.model_copy(update={
        "title": "Sleep quality and relapses in MS", "journal": "Journal of Examples",
        "doi": "10.1234/example.5678", "published": "2026-03-01",
    })
    return DraftingCore(settings).sync.draft(abstract)


@pytest.fixture
def queued(store: Store, settings) -> Draft:  # type: ignore[no-untyped-def]
    return store.add(example_draft(settings))


def _columns(url: str, table: str) -> set[str]:
    engine = sa.create_engine(url)
    try:
        return {c["name"] for c in sa.inspect(engine).get_columns(table)}
    finally:
        engine.dispose()


def test_fresh_database_has_every_migration_and_table(store: Store, store_url: str) -> None:
    assert sorted(store.applied_migrations()) == sorted(name for name, _ in MIGRATIONS)
    assert {"claimed_at", "claim_expires", "published_at"} <= _columns(store_url, "drafts")
    assert {"kind", "based_on", "note"} <= _columns(store_url, "versions")
    assert {"section", "text", "version"} <= _columns(store_url, "comments")
    assert {"actor", "action", "from_version", "to_version"} <= _columns(store_url, "audit")
    again = Store(store_url)
    assert again.migrate() == []
    again.close()


def test_database_from_first_release_upgrades_in_place(store_url: str, settings) -> None:  # type: ignore[no-untyped-def]
    old = Store.__new__(Store)
    old.url, old.engine = store_url, store_module.make_engine(store_url)
    assert old.migrate(MIGRATIONS[:1]) == ["001_initial_queue"]
    assert "kind" not in _columns(store_url, "versions")
    made = example_draft(settings)
    with old.engine.begin() as conn:  # a row exactly as the first release wrote it
        draft_id = conn.execute(sa.text(
            "INSERT INTO drafts (record_key, title, status, current_version, reviewer, "
            "abstract_json, created_at, updated_at) VALUES ('k', 't', 'pending_review', 1, NULL, "
            ":abstract, '2025-01-01T00:00:00+00:00', '2025-01-01T00:00:00+00:00') RETURNING id"),
            {"abstract": made.abstract.model_dump_json()}).scalar_one()
        conn.execute(sa.text(
            "INSERT INTO versions (draft_id, version, author, summary_json, findings_json, "
            "provenance_json, created_at) VALUES (:id, 1, 'offline', :summary, '[]', :prov, "
            "'2025-01-01T00:00:00+00:00')"),
            {"id": draft_id, "summary": made.summary.model_dump_json(),
             "prov": made.provenance.model_dump_json()})
    old.engine.dispose()

    upgraded = Store(store_url)
    assert sorted(upgraded.applied_migrations()) == sorted(name for name, _ in MIGRATIONS)
    kept = upgraded.get(draft_id)
    assert kept.summary == made.summary and kept.status is DraftStatus.pending_review
    first = upgraded.version(draft_id, 1)
    assert first.kind is VersionKind.draft and first.author == "offline"

    from laydraft import review

    review.claim(upgraded, draft_id, "alice")
    edited = made.summary.model_copy(update={"headline": made.summary.headline + " Edited."})
    saved = review.save_edit(upgraded, draft_id, edited, 1, "alice", settings)
    assert saved.version == 2
    assert upgraded.get(draft_id, 1).summary == made.summary
    upgraded.close()


def test_failed_migration_leaves_nothing_behind(store: Store, store_url: str) -> None:
    def broken(conn: sa.Connection) -> None:
        conn.execute(sa.text("CREATE TABLE half_done (id INTEGER)"))
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        store.migrate([*MIGRATIONS, ("999_broken", broken)])
    engine = sa.create_engine(store_url)
    assert "half_done" not in sa.inspect(engine).get_table_names()
    engine.dispose()
    assert "999_broken" not in store.applied_migrations()


def test_add_and_get_round_trip(store: Store, queued: Draft) -> None:
    assert queued.id is not None and queued.version == 1
    again = store.get(queued.id)
    assert again.summary == queued.summary and again.abstract == queued.abstract
    assert [e.action for e in store.events(queued.id)] == ["create"]
    with pytest.raises(NotFoundError, match="no draft with id 999"):
        store.get(999)
    with pytest.raises(NotFoundError, match="no version 7"):
        store.get(queued.id, 7)


def _next(queued: Draft, base: int, author: str) -> Version:
    summary = LaySummary(**{**queued.summary.sections(), "headline": f"Headline by {author}."})
    return Version(draft_id=queued.id or 0, version=base + 1, kind=VersionKind.edit,
                   author=author, based_on=base, summary=summary,
                   provenance=queued.provenance)


def test_append_version_is_refused_on_a_stale_base(store: Store, queued: Draft) -> None:
    assert queued.id is not None
    with store.transaction(write=True) as conn:
        store.append_version(conn, _next(queued, 1, "alice"))
    with pytest.raises(StaleVersionError, match="alice saved version 2"), \
            store.transaction(write=True) as conn:
        store.append_version(conn, _next(queued, 1, "bob"))
    assert [v.author for v in store.versions(queued.id)] == ["offline", "alice"]
    assert store.get(queued.id).summary.headline == "Headline by alice."


def test_list_shows_the_current_version(store: Store, queued: Draft) -> None:
    with store.transaction(write=True) as conn:
        store.append_version(conn, _next(queued, 1, "alice"))
    (item,) = store.list(status="pending_review")
    assert item.version == 2 and item.drafter == "offline"
    assert store.list(status="approved") == []


def test_sqlite_pragmas(store: Store) -> None:
    if store.engine.dialect.name != "sqlite":
        pytest.skip("SQLite only")
    with store.transaction() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1


def test_findings_are_stored_per_version(store: Store, queued: Draft) -> None:
    assert queued.id is not None
    with store.transaction() as conn:
        raw = conn.execute(sa.select(store_module.versions.c.findings_json)).scalar_one()
    assert json.loads(raw) == [f.model_dump(mode="json") for f in queued.findings]
    assert os.environ.get("LAYDRAFT_DATABASE")


def test_search_matches_title_doi_or_pmid_ignoring_case(store: Store, settings) -> None:  # type: ignore[no-untyped-def]
    made = example_draft(settings)
    tagged = made.model_copy(update={"abstract": made.abstract.model_copy(
        update={"doi": "10.1000/MS.2024.17", "pmid": "39001234", "title": "Sleep and relapses"})})
    kept = store.add(tagged)
    store.add(made.model_copy(update={"abstract": made.abstract.model_copy(
        update={"title": "Something else 100%"})}))
    for query in ("ms.2024", "3900123", "SLEEP AND"):
        assert [item.id for item in store.list(search=query)] == [kept.id]
    assert store.list(search="100%")[0].title == "Something else 100%"
    assert store.list(search="no such thing") == []


def test_search_columns_are_filled_for_drafts_queued_before_them(store_url: str, settings) -> None:  # type: ignore[no-untyped-def]
    before = [m for m in MIGRATIONS if m[0] != "040_search_columns"]
    old = Store.__new__(Store)
    old.url, old.engine = store_url, store_module.make_engine(store_url)
    old.migrate(before)
    made = example_draft(settings)
    abstract = made.abstract.model_copy(update={"doi": "10.1000/old.1", "pmid": "123"})
    with old.engine.begin() as conn:
        conn.execute(sa.text(
            "INSERT INTO drafts (record_key, title, status, current_version, abstract_json, "
            "created_at, updated_at) VALUES ('k', 't', 'pending_review', 1, :abstract, "
            "'2025-01-01T00:00:00+00:00', '2025-01-01T00:00:00+00:00')"),
            {"abstract": abstract.model_dump_json()})
    old.engine.dispose()
    upgraded = Store(store_url)
    assert "040_search_columns" in upgraded.applied_migrations()
    with upgraded.engine.begin() as conn:
        assert conn.execute(sa.text("SELECT doi, pmid FROM drafts")).one() == ("10.1000/old.1", "123")
    upgraded.close()
