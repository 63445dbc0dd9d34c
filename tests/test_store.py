"""The store: migrations (including upgrading a first-release database), versions, locking.

``queued`` is shared with the review and export tests; test_postgres.py runs these tests again
against a PostgreSQL server (the ``store_url``, ``settings`` and ``store`` fixtures are in
conftest.py).
"""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from laydraft.core import DraftingCore
from laydraft.db import Store, tables
from laydraft.db.engine import make_engine
from laydraft.db.migrations import MIGRATIONS, m040_search_columns, migration_name
from laydraft.errors import NotFoundError, StaleVersionError
from laydraft.ingest import read_abstract
from laydraft.models import Abstract, Draft, DraftStatus, LaySummary, Version, VersionKind
from laydraft.resources import example_abstract_path


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
    assert sorted(store.applied_migrations()) == sorted(migration_name(m) for m in MIGRATIONS)
    assert {"claimed_at", "claim_expires", "published_at"} <= _columns(store_url, "drafts")
    assert {"kind", "based_on", "note"} <= _columns(store_url, "versions")
    assert {"section", "text", "version"} <= _columns(store_url, "comments")
    assert {"actor", "action", "from_version", "to_version"} <= _columns(store_url, "audit")
    again = Store(store_url)
    assert again.migrate() == []
    again.close()


def test_database_from_first_release_upgrades_in_place(store_url: str, settings) -> None:  # type: ignore[no-untyped-def]
    old = Store.__new__(Store)
    old.url, old.engine = store_url, make_engine(store_url)
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
    assert sorted(upgraded.applied_migrations()) == sorted(migration_name(m) for m in MIGRATIONS)
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
    def m999_broken(conn: sa.Connection) -> None:
        conn.execute(sa.text("CREATE TABLE half_done (id INTEGER)"))
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        store.migrate([*MIGRATIONS, m999_broken])
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
        stored = conn.execute(sa.select(tables.versions.c.findings_json)).scalar_one()
    assert stored == [f.model_dump(mode="json") for f in queued.findings]
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


def test_the_queue_is_counted_filtered_and_paged_by_the_database(store: Store, settings) -> None:  # type: ignore[no-untyped-def]
    made = example_draft(settings)
    ids = [store.add(made).id for _ in range(5)]
    start = datetime(2026, 3, 1, 9, tzinfo=UTC)
    with store.transaction(write=True) as conn:
        for n, draft_id in enumerate(ids):
            conn.execute(sa.update(tables.drafts).where(tables.drafts.c.id == draft_id)
                         .values(created_at=start + timedelta(days=n),
                                 reviewer=("bea", "al", None, None, "bea")[n],
                                 status=("in_review", "in_review", "pending_review",
                                         "pending_review", "in_review")[n]))
    assert store.status_counts() == {"in_review": 3, "pending_review": 2}
    assert store.reviewers() == ["al", "bea"]
    assert [i.id for i in store.list(newest_first=True, limit=2, offset=1)] == ids[3:1:-1]
    march_2_to_3 = {"since": start + timedelta(days=1), "until": start + timedelta(days=3)}
    assert [i.id for i in store.list(**march_2_to_3)] == ids[1:3]
    assert store.count(**march_2_to_3) == 2
    assert store.count(status="in_review", reviewer="bea") == 2


def test_search_columns_are_filled_for_drafts_queued_before_them(store_url: str, settings) -> None:  # type: ignore[no-untyped-def]
    before = MIGRATIONS[:MIGRATIONS.index(m040_search_columns)]
    old = Store.__new__(Store)
    old.url, old.engine = store_url, make_engine(store_url)
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


def test_the_headline_column_is_filled_for_drafts_queued_before_it(store_url: str, settings) -> None:  # type: ignore[no-untyped-def]
    from laydraft.db.migrations import m120_queue_at_scale

    old = Store.__new__(Store)
    old.url, old.engine = store_url, make_engine(store_url)
    old.migrate(MIGRATIONS[:MIGRATIONS.index(m120_queue_at_scale)])
    old.engine.dispose()
    with Store(store_url) as fresh:  # queue with today's code, then step back to before 120
        made = example_draft(settings)
        draft_id = fresh.add(made).id
        edited = made.summary.model_copy(update={"headline": "An edited headline"})
        with fresh.transaction(write=True) as conn:
            fresh.append_version(conn, Version(
                draft_id=draft_id, version=2, kind=VersionKind.edit, author="ana",
                summary=edited, findings=[], provenance=made.provenance, based_on=1,
                created_at=datetime.now(UTC)))
        with fresh.engine.begin() as conn:
            conn.execute(sa.text("DELETE FROM migrations WHERE name = '120_queue_at_scale'"))
            conn.execute(sa.text("DROP INDEX ix_drafts_reviewer"))
            conn.execute(sa.text("DROP INDEX ix_drafts_created_at"))
            conn.execute(sa.text("ALTER TABLE drafts DROP COLUMN headline"))
    with Store(store_url) as upgraded:
        assert "120_queue_at_scale" in upgraded.applied_migrations()
        assert [i.id for i in upgraded.list(search="AN EDITED")] == [draft_id]
        assert upgraded.list(search=made.summary.headline[:30]) == []


def test_rows_written_as_text_before_the_typed_columns_read_back(store_url: str, settings) -> None:  # type: ignore[no-untyped-def]
    """Moments and JSON exactly as laydraft wrote them as text load through the typed columns."""
    from laydraft.batch.state import BatchState, ItemKey
    from laydraft.db.migrations import m050_typed_columns

    old = Store.__new__(Store)
    old.url, old.engine = store_url, make_engine(store_url)
    old.migrate(MIGRATIONS[:MIGRATIONS.index(m050_typed_columns)])
    made = example_draft(settings)
    at = "2025-01-02T03:04:05.678901+00:00"  # the store's _iso(): microseconds and an offset
    rows = {
        "drafts": {"id": 7, "record_key": made.abstract.stable_key(), "title": "t",
                   "status": "in_review", "current_version": 1, "reviewer": "alice",
                   "abstract_json": made.abstract.model_dump_json(), "created_at": at,
                   "updated_at": at, "claimed_at": at, "claim_expires": at,
                   "published_at": None, "doi": None, "pmid": None},
        "versions": {"draft_id": 7, "version": 1, "author": "offline",
                     "summary_json": made.summary.model_dump_json(),
                     "findings_json": "[" + ",".join(f.model_dump_json()
                                                     for f in made.findings) + "]",
                     "provenance_json": made.provenance.model_dump_json(), "created_at": at,
                     "kind": "draft", "based_on": None, "note": None},
        "comments": {"draft_id": 7, "version": 1, "author": "alice", "section": None,
                     "text": "old comment", "created_at": at},
        "audit": {"draft_id": 7, "actor": "alice", "action": "claim", "from_status": None,
                  "to_status": "in_review", "from_version": None, "to_version": 1, "at": at},
        "response_cache": {"key": "k" * 64, "model": "gpt-4o-mini",
                           "prompt_fingerprint": made.provenance.prompt_fingerprint,
                           "summary_json": made.summary.model_dump_json(),
                           "provenance_json": made.provenance.model_dump_json(),
                           "created_at": "2025-01-02T03:04:05+00:00"},  # cache: seconds
        "batch_runs": {"id": 3, "list_path": "list.txt", "via": "sync", "drafter": "offline",
                       "model": "offline", "fingerprint": "f", "status": "done",
                       "summary_json": json.dumps({"drafted": 1}), "created_at": at,
                       "updated_at": at},
        "batch_items": {"record_key": "r", "fingerprint": "f", "model": "offline", "run_id": 3,
                        "status": "submitted", "source": None, "draft_id": None,
                        "reason": None, "detail": None, "remote_batch_id": "b1",
                        "custom_id": "c1", "abstract_json": made.abstract.model_dump_json(),
                        "updated_at": at},
        "batch_jobs": {"id": "b1", "run_id": 3, "input_file_id": "file-1", "status": "done",
                       "requests": 1, "output_file_id": None, "error_file_id": None,
                       "collected": False, "created_at": at, "updated_at": at},
        "users": {"name": "alice", "password_hash": "$argon2id$not-checked-here",
                  "created_at": "2025-01-02T03:04:05+00:00", "last_signin": at},  # isoformat()
    }
    with old.engine.begin() as conn:
        for table, values in rows.items():
            names = ", ".join(values)
            conn.execute(sa.text(f"INSERT INTO {table} ({names}) VALUES "
                                 f"({', '.join(':' + n for n in values)})"), values)
    old.engine.dispose()

    moment = datetime(2025, 1, 2, 3, 4, 5, 678901, tzinfo=UTC)
    second = moment.replace(microsecond=0)
    with Store(store_url) as upgraded:
        assert "050_typed_columns" in upgraded.applied_migrations()
        draft = upgraded.get(7)
        assert draft.abstract == made.abstract and draft.summary == made.summary
        assert draft.findings == made.findings and draft.created_at == moment
        assert draft.created_at.utcoffset() == timedelta(0)
        with upgraded.transaction() as conn:
            state = upgraded.state(conn, 7)
        assert (state.claimed_at, state.claim_expires, state.published_at) == (
            moment, moment, None)
        assert [c.created_at for c in upgraded.comments(7)] == [moment]
        assert [e.at for e in upgraded.events(7)] == [moment]
        hit = upgraded.cache_get("k" * 64)
        assert hit is not None and hit.created_at == second and hit.summary == made.summary
        [item] = upgraded.batch_items(custom_id="c1")
        assert Abstract.model_validate_json(item.abstract_json or "") == made.abstract
        [job] = upgraded.batch_jobs("b1")
        assert job["created_at"] == moment and job["collected"] is False
        run = upgraded.batch_run(3)
        assert run is not None and run["summary_json"] == {"drafted": 1}
        [user] = upgraded.list_users()
        assert (user.created_at, user.last_signin) == (second, moment)
        key = ItemKey(made.abstract.stable_key(), made.provenance.prompt_fingerprint, "offline")
        assert BatchState(upgraded).drafted(key) == 7
        upgraded.add(made)  # and new rows go in beside the old ones
        assert [item.created_at >= moment for item in upgraded.list()] == [True, True]
