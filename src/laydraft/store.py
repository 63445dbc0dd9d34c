"""The review queue's storage: SQLAlchemy Core over SQLite (default) or PostgreSQL.

Schema changes are named migrations, each applied in its own transaction and recorded in the
``migrations`` table, so a database from any earlier laydraft upgrades in place. A migration
defines the tables as they were when it was written, never the live definitions below.

A draft's versions are rows of ``versions``; version 1 is the drafter's original and no row is
ever rewritten. ``drafts.current_version`` always names the newest version, and moving it is
the optimistic lock: a save succeeds only if it still names the version the save was based on.

The store knows SQL, not the workflow rules: ``review.py`` opens a write transaction, reads the
locked ``DraftState``, applies its rules and calls the row helpers here with the same connection.
"""

from __future__ import annotations

import builtins
import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import OperationalError, SQLAlchemyError

from .batch.schema import migrate_batch_runs
from .cache import create_response_cache
from .errors import ConfigError, ErrorCode, NotFoundError, StaleVersionError
from .models import (
    Abstract,
    AuditEvent,
    Comment,
    Draft,
    DraftState,
    DraftStatus,
    Finding,
    LaySummary,
    Provenance,
    QueueItem,
    Severity,
    Version,
    VersionKind,
    utcnow,
)
from .users import create_users_table

metadata = sa.MetaData()

migrations_table = sa.Table(
    "migrations", metadata,
    sa.Column("name", sa.String(200), primary_key=True),
    sa.Column("applied_at", sa.String(40), nullable=False),
)
drafts = sa.Table(
    "drafts", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("record_key", sa.String(200), nullable=False, index=True),
    sa.Column("title", sa.Text),
    sa.Column("status", sa.String(40), nullable=False, index=True),
    sa.Column("current_version", sa.Integer, nullable=False),
    sa.Column("reviewer", sa.String(200)),
    sa.Column("abstract_json", sa.Text, nullable=False),
    sa.Column("created_at", sa.String(40), nullable=False),
    sa.Column("updated_at", sa.String(40), nullable=False),
    sa.Column("claimed_at", sa.String(40)),
    sa.Column("claim_expires", sa.String(40)),
    sa.Column("published_at", sa.String(40)),
    sa.Column("doi", sa.String(200), index=True),
    sa.Column("pmid", sa.String(40), index=True),
)
versions = sa.Table(
    "versions", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("draft_id", sa.Integer, sa.ForeignKey("drafts.id", ondelete="CASCADE"),
              nullable=False),
    sa.Column("version", sa.Integer, nullable=False),
    sa.Column("author", sa.String(200), nullable=False),
    sa.Column("summary_json", sa.Text, nullable=False),
    sa.Column("findings_json", sa.Text, nullable=False),
    sa.Column("provenance_json", sa.Text, nullable=False),
    sa.Column("created_at", sa.String(40), nullable=False),
    sa.Column("kind", sa.String(20), nullable=False, server_default="draft"),
    sa.Column("based_on", sa.Integer),
    sa.Column("note", sa.Text),
    sa.UniqueConstraint("draft_id", "version", name="uq_versions_draft_version"),
)
comments = sa.Table(
    "comments", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("draft_id", sa.Integer, sa.ForeignKey("drafts.id", ondelete="CASCADE"),
              nullable=False, index=True),
    sa.Column("version", sa.Integer, nullable=False),
    sa.Column("author", sa.String(200), nullable=False),
    sa.Column("section", sa.String(40)),
    sa.Column("text", sa.Text, nullable=False),
    sa.Column("created_at", sa.String(40), nullable=False),
)
audit = sa.Table(
    "audit", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("draft_id", sa.Integer, sa.ForeignKey("drafts.id", ondelete="CASCADE"),
              nullable=False, index=True),
    sa.Column("actor", sa.String(200), nullable=False),
    sa.Column("action", sa.String(40), nullable=False),
    sa.Column("from_status", sa.String(40)),
    sa.Column("to_status", sa.String(40)),
    sa.Column("from_version", sa.Integer),
    sa.Column("to_version", sa.Integer),
    sa.Column("note", sa.Text),
    sa.Column("at", sa.String(40), nullable=False),
)


def _m001_initial(conn: Connection) -> None:
    """The queue as the first release shipped it: drafts and their versions."""
    frozen = sa.MetaData()
    sa.Table(
        "drafts", frozen,
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("record_key", sa.String(200), nullable=False, index=True),
        sa.Column("title", sa.Text),
        sa.Column("status", sa.String(40), nullable=False, index=True),
        sa.Column("current_version", sa.Integer, nullable=False),
        sa.Column("reviewer", sa.String(200)),
        sa.Column("abstract_json", sa.Text, nullable=False),
        sa.Column("created_at", sa.String(40), nullable=False),
        sa.Column("updated_at", sa.String(40), nullable=False),
    )
    sa.Table(
        "versions", frozen,
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("draft_id", sa.Integer, sa.ForeignKey("drafts.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("author", sa.String(200), nullable=False),
        sa.Column("summary_json", sa.Text, nullable=False),
        sa.Column("findings_json", sa.Text, nullable=False),
        sa.Column("provenance_json", sa.Text, nullable=False),
        sa.Column("created_at", sa.String(40), nullable=False),
        sa.UniqueConstraint("draft_id", "version", name="uq_versions_draft_version"),
    )
    frozen.create_all(conn, checkfirst=True)


def _m002_review_workflow(conn: Connection) -> None:
    """Claims with expiry, publication time, version kind/base/note, comments and audit log."""
    for column in ("claimed_at", "claim_expires", "published_at"):
        conn.execute(sa.text(f"ALTER TABLE drafts ADD COLUMN {column} VARCHAR(40)"))
    conn.execute(sa.text(
        "ALTER TABLE versions ADD COLUMN kind VARCHAR(20) NOT NULL DEFAULT 'draft'"))
    conn.execute(sa.text("ALTER TABLE versions ADD COLUMN based_on INTEGER"))
    conn.execute(sa.text("ALTER TABLE versions ADD COLUMN note TEXT"))
    frozen = sa.MetaData()
    sa.Table("drafts", frozen, sa.Column("id", sa.Integer, primary_key=True))
    sa.Table(
        "comments", frozen,
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("draft_id", sa.Integer, sa.ForeignKey("drafts.id", ondelete="CASCADE"),
                  nullable=False, index=True),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("author", sa.String(200), nullable=False),
        sa.Column("section", sa.String(40)),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("created_at", sa.String(40), nullable=False),
    )
    sa.Table(
        "audit", frozen,
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("draft_id", sa.Integer, sa.ForeignKey("drafts.id", ondelete="CASCADE"),
                  nullable=False, index=True),
        sa.Column("actor", sa.String(200), nullable=False),
        sa.Column("action", sa.String(40), nullable=False),
        sa.Column("from_status", sa.String(40)),
        sa.Column("to_status", sa.String(40)),
        sa.Column("from_version", sa.Integer),
        sa.Column("to_version", sa.Integer),
        sa.Column("note", sa.Text),
        sa.Column("at", sa.String(40), nullable=False),
    )
    for name in ("comments", "audit"):
        frozen.tables[name].create(conn)


Migration = tuple[str, Callable[[Connection], None]]
def _m040_search_columns(conn: Connection) -> None:
    """DOI and PMID as columns, so the queue can be searched without reading every abstract."""
    conn.execute(sa.text("ALTER TABLE drafts ADD COLUMN doi VARCHAR(200)"))
    conn.execute(sa.text("ALTER TABLE drafts ADD COLUMN pmid VARCHAR(40)"))
    conn.execute(sa.text("CREATE INDEX ix_drafts_doi ON drafts (doi)"))
    conn.execute(sa.text("CREATE INDEX ix_drafts_pmid ON drafts (pmid)"))
    rows = conn.execute(sa.text("SELECT id, abstract_json FROM drafts")).all()
    for draft_id, abstract_json in rows:
        abstract = Abstract.model_validate_json(abstract_json)
        conn.execute(sa.text("UPDATE drafts SET doi = :doi, pmid = :pmid WHERE id = :id"),
                     {"doi": abstract.doi, "pmid": abstract.pmid, "id": draft_id})


MIGRATIONS: list[Migration] = [
    ("001_initial_queue", _m001_initial),
    ("002_review_workflow", _m002_review_workflow),
    ("010_response_cache", create_response_cache),
    ("020_batch_runs", migrate_batch_runs),
    ("030_users", create_users_table),
    ("040_search_columns", _m040_search_columns),
]
_PG_MIGRATION_LOCK = 0x1A7D4AF7


def _sqlite_connect(dbapi_connection: Any, _record: Any) -> None:
    # pysqlite's own transaction handling skips BEGIN before DDL; laydraft emits BEGIN itself
    # (see _sqlite_begin) so migrations and saves are truly atomic.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()


def _sqlite_begin(conn: Connection) -> None:
    # A write transaction takes the write lock up front, so read-check-write sequences wait
    # for other writers (busy_timeout) instead of failing when another commit lands first.
    write = conn.get_execution_options().get("laydraft_write", False)
    conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")


def make_engine(url: str) -> Engine:
    """An engine for the URL; SQLite gets WAL, foreign keys, a busy timeout and real BEGINs."""
    if url.startswith("sqlite:///"):
        path = Path(url.removeprefix("sqlite:///"))
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise ConfigError(f"cannot create the database folder {path.parent}: {exc}",
                              code=ErrorCode.DATABASE, path=str(path.parent)) from exc
    try:
        engine = sa.create_engine(url)
    except (SQLAlchemyError, ImportError) as exc:
        extra = "postgres" if "psycopg" in str(exc) else None
        raise ConfigError(f"cannot use database '{url}': {exc}", code=ErrorCode.DATABASE,
                          url=url, extra=extra) from exc
    if engine.dialect.name == "sqlite":
        sa.event.listen(engine, "connect", _sqlite_connect)
        sa.event.listen(engine, "begin", _sqlite_begin)
    return engine


def _iso(moment: datetime) -> str:
    return moment.isoformat(timespec="microseconds")


def _when(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


class Store:
    """The review queue. Every write is one transaction: a crash never leaves half a draft."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.engine = make_engine(url)
        self.migrate()

    def close(self) -> None:
        """Close the pooled connections (a long-lived app keeps one Store open instead)."""
        self.engine.dispose()

    @contextmanager
    def transaction(self, write: bool = False) -> Iterator[Connection]:
        """One transaction; ``write=True`` takes the write lock first (SQLite: BEGIN IMMEDIATE)."""
        try:
            with self.engine.connect() as conn:
                if write:
                    conn = conn.execution_options(laydraft_write=True)
                with conn.begin():
                    yield conn
        except OperationalError as exc:
            raise ConfigError(f"the database {self.url} cannot be used: {exc.orig}",
                              code=ErrorCode.DATABASE, url=self.url) from exc

    def applied_migrations(self) -> builtins.list[str]:
        with self.transaction(write=True) as conn:
            migrations_table.create(conn, checkfirst=True)
            rows = conn.execute(sa.select(migrations_table.c.name)).scalars()
            return list(rows)

    def migrate(self, steps: builtins.list[Migration] | None = None) -> builtins.list[str]:
        """Apply every migration not yet recorded, each atomically. Returns the names applied."""
        done = set(self.applied_migrations())
        applied = []
        for name, step in MIGRATIONS if steps is None else steps:
            if name in done:
                continue
            with self.transaction(write=True) as conn:
                if conn.dialect.name == "postgresql":
                    conn.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"),
                                 {"key": _PG_MIGRATION_LOCK})
                already = conn.execute(sa.select(migrations_table.c.name).where(
                    migrations_table.c.name == name)).first()
                if already:
                    continue
                step(conn)
                conn.execute(migrations_table.insert().values(name=name, applied_at=_iso(utcnow())))
            applied.append(name)
        return applied

    # -- drafts -------------------------------------------------------------------------------

    def add(self, draft: Draft, author: str | None = None) -> Draft:
        """Queue a new draft as version 1; returns it with its id."""
        now = utcnow()
        author = author or draft.provenance.drafter
        with self.transaction(write=True) as conn:
            draft_id = new_id(conn.execute(drafts.insert().values(
                record_key=draft.abstract.stable_key(), title=draft.abstract.title,
                doi=draft.abstract.doi, pmid=draft.abstract.pmid,
                status=draft.status.value, current_version=1, reviewer=None,
                abstract_json=draft.abstract.model_dump_json(),
                created_at=_iso(now), updated_at=_iso(now),
            )))
            self._insert_version(conn, Version(
                draft_id=draft_id, version=1, kind=VersionKind.draft, author=author,
                summary=draft.summary, findings=draft.findings, provenance=draft.provenance,
                created_at=now,
            ))
            self.record(conn, AuditEvent(draft_id=draft_id, actor=author, action="create",
                                         to_status=draft.status, to_version=1, at=now))
        return self.get(draft_id)

    def get(self, draft_id: int, version: int | None = None) -> Draft:
        """A draft at its current version (or the given one)."""
        with self.transaction() as conn:
            row = conn.execute(sa.select(drafts).where(drafts.c.id == draft_id)).mappings().first()
            if row is None:
                raise _no_draft(draft_id)
            wanted = version or row["current_version"]
            ver = conn.execute(sa.select(versions).where(
                versions.c.draft_id == draft_id, versions.c.version == wanted,
            )).mappings().first()
        if ver is None:
            raise NotFoundError(f"draft {draft_id} has no version {wanted}",
                                code=ErrorCode.VERSION_NOT_FOUND, draft_id=draft_id,
                                version=wanted)
        return _to_draft(row, ver)

    def list(self, status: str | None = None, reviewer: str | None = None,
             limit: int | None = None, search: str | None = None) -> builtins.list[QueueItem]:
        """Queue rows, oldest first, with the finding counts of each current version.

        ``search`` matches part of the title, DOI or PMID, ignoring case.
        """
        query = (
            sa.select(drafts, versions.c.findings_json, versions.c.provenance_json)
            .join(versions, sa.and_(versions.c.draft_id == drafts.c.id,
                                    versions.c.version == drafts.c.current_version))
            .order_by(drafts.c.id)
        )
        if status:
            query = query.where(drafts.c.status == status)
        if reviewer:
            query = query.where(drafts.c.reviewer == reviewer)
        if search:
            pattern = "%" + search.lower().replace("%", r"\%").replace("_", r"\_") + "%"
            query = query.where(sa.or_(*(sa.func.lower(column).like(pattern, escape="\\")
                                         for column in (drafts.c.title, drafts.c.doi,
                                                        drafts.c.pmid))))
        if limit:
            query = query.limit(limit)
        with self.transaction() as conn:
            return [_to_item(row) for row in conn.execute(query).mappings()]

    def count(self) -> int:
        with self.transaction() as conn:
            return int(conn.execute(sa.select(sa.func.count()).select_from(drafts)).scalar_one())

    # -- workflow rows (called by review.py inside one transaction) ---------------------------

    def state(self, conn: Connection, draft_id: int, lock: bool = False) -> DraftState:
        """The draft's workflow state; ``lock`` holds its row until the transaction ends."""
        query = sa.select(drafts.c.id, drafts.c.status, drafts.c.current_version,
                          drafts.c.reviewer, drafts.c.claimed_at, drafts.c.claim_expires,
                          drafts.c.published_at).where(drafts.c.id == draft_id)
        if lock:
            query = query.with_for_update()
        row = conn.execute(query).mappings().first()
        if row is None:
            raise _no_draft(draft_id)
        return _to_state(row)

    def states(self, conn: Connection,
               statuses: builtins.list[DraftStatus]) -> builtins.list[DraftState]:
        """Every draft in one of the statuses, oldest first."""
        rows = conn.execute(sa.select(
            drafts.c.id, drafts.c.status, drafts.c.current_version, drafts.c.reviewer,
            drafts.c.claimed_at, drafts.c.claim_expires, drafts.c.published_at,
        ).where(drafts.c.status.in_([s.value for s in statuses])).order_by(drafts.c.id))
        return [_to_state(row) for row in rows.mappings()]

    def update_state(self, conn: Connection, before: DraftState, after: DraftState) -> None:
        """Write ``after`` if the row still matches ``before``'s status and version."""
        result = conn.execute(drafts.update().where(
            drafts.c.id == before.id, drafts.c.status == before.status.value,
            drafts.c.current_version == before.current_version,
        ).values(
            status=after.status.value, reviewer=after.reviewer,
            claimed_at=_iso(after.claimed_at) if after.claimed_at else None,
            claim_expires=_iso(after.claim_expires) if after.claim_expires else None,
            published_at=_iso(after.published_at) if after.published_at else None,
            updated_at=_iso(utcnow()),
        ))
        if result.rowcount != 1:
            raise StaleVersionError(f"draft {before.id} changed while this action ran",
                                    code=ErrorCode.CHANGED_MEANWHILE, draft_id=before.id)

    def append_version(self, conn: Connection, version: Version) -> None:
        """Insert ``version`` and make it current, only if its base is still current.

        The UPDATE's WHERE clause is the lock: zero rows means someone saved first, and the
        whole transaction (including anything else done in it) rolls back.
        """
        base = version.based_on
        result = conn.execute(drafts.update().where(
            drafts.c.id == version.draft_id, drafts.c.current_version == base,
        ).values(current_version=version.version, updated_at=_iso(version.created_at)))
        if result.rowcount != 1:
            raise StaleVersionError(
                _stale_message(self.newer_versions(conn, version.draft_id, base or 0),
                               version.draft_id, base or 0),
                draft_id=version.draft_id, base=base, rejected=version,
            )
        self._insert_version(conn, version)

    def _insert_version(self, conn: Connection, version: Version) -> None:
        conn.execute(versions.insert().values(
            draft_id=version.draft_id, version=version.version, kind=version.kind.value,
            author=version.author, based_on=version.based_on, note=version.note,
            summary_json=version.summary.model_dump_json(),
            findings_json=_dump_findings(version.findings),
            provenance_json=version.provenance.model_dump_json(),
            created_at=_iso(version.created_at),
        ))

    def newer_versions(self, conn: Connection, draft_id: int,
                       after: int) -> builtins.list[Version]:
        rows = conn.execute(sa.select(versions).where(
            versions.c.draft_id == draft_id, versions.c.version > after,
        ).order_by(versions.c.version))
        return [_to_version(row) for row in rows.mappings()]

    def versions(self, draft_id: int) -> builtins.list[Version]:
        """Every version of a draft, oldest first."""
        with self.transaction() as conn:
            self.state(conn, draft_id)
            return self.newer_versions(conn, draft_id, 0)

    def version(self, draft_id: int, number: int) -> Version:
        with self.transaction() as conn:
            self.state(conn, draft_id)
            row = conn.execute(sa.select(versions).where(
                versions.c.draft_id == draft_id, versions.c.version == number,
            )).mappings().first()
        if row is None:
            raise NotFoundError(f"draft {draft_id} has no version {number}",
                                code=ErrorCode.VERSION_NOT_FOUND, draft_id=draft_id,
                                version=number)
        return _to_version(row)

    def add_comment(self, conn: Connection, comment: Comment) -> Comment:
        comment_id = new_id(conn.execute(comments.insert().values(
            draft_id=comment.draft_id, version=comment.version, author=comment.author,
            section=comment.section, text=comment.text, created_at=_iso(comment.created_at),
        )))
        return comment.model_copy(update={"id": comment_id})

    def comments(self, draft_id: int) -> builtins.list[Comment]:
        with self.transaction() as conn:
            rows = conn.execute(sa.select(comments).where(comments.c.draft_id == draft_id)
                                .order_by(comments.c.id)).mappings()
            return [Comment(**{**row, "created_at": _when(row["created_at"])}) for row in rows]

    def record(self, conn: Connection, event: AuditEvent) -> None:
        """Append one event to the audit log, inside the caller's transaction."""
        conn.execute(audit.insert().values(
            draft_id=event.draft_id, actor=event.actor, action=event.action,
            from_status=event.from_status.value if event.from_status else None,
            to_status=event.to_status.value if event.to_status else None,
            from_version=event.from_version, to_version=event.to_version,
            note=event.note, at=_iso(event.at),
        ))

    def events(self, draft_id: int) -> builtins.list[AuditEvent]:
        with self.transaction() as conn:
            rows = conn.execute(sa.select(audit).where(audit.c.draft_id == draft_id)
                                .order_by(audit.c.id)).mappings()
            return [AuditEvent(**{**row, "at": _when(row["at"])}) for row in rows]


def new_id(result: sa.CursorResult[Any]) -> int:
    """The primary key an INSERT assigned."""
    key = result.inserted_primary_key
    assert key is not None
    return int(key[0])


def _no_draft(draft_id: int) -> NotFoundError:
    return NotFoundError(f"no draft with id {draft_id}", code=ErrorCode.DRAFT_NOT_FOUND,
                         draft_id=draft_id)


def _stale_message(newer: list[Version], draft_id: int, base: int) -> str:
    saves = "; ".join(f"{v.author} saved version {v.version} ({v.kind.value}) at "
                      f"{v.created_at:%Y-%m-%d %H:%M:%S} UTC" for v in newer)
    return (f"draft {draft_id} changed after version {base}, which your text was based on: "
            f"{saves or 'another save happened'}; nothing of yours was saved")


def _dump_findings(findings: list[Finding]) -> str:
    return "[" + ",".join(f.model_dump_json() for f in findings) + "]"


def _load_findings(text: str) -> list[Finding]:
    return [Finding.model_validate(item) for item in json.loads(text)]


def _to_state(row: Any) -> DraftState:
    return DraftState(
        id=row["id"], status=DraftStatus(row["status"]), current_version=row["current_version"],
        reviewer=row["reviewer"], claimed_at=_when(row["claimed_at"]),
        claim_expires=_when(row["claim_expires"]), published_at=_when(row["published_at"]),
    )


def _to_version(row: Any) -> Version:
    return Version(
        draft_id=row["draft_id"], version=row["version"], kind=VersionKind(row["kind"]),
        author=row["author"], based_on=row["based_on"], note=row["note"],
        summary=LaySummary.model_validate_json(row["summary_json"]),
        findings=_load_findings(row["findings_json"]),
        provenance=Provenance.model_validate_json(row["provenance_json"]),
        created_at=datetime.fromisoformat(row["created_at"]),
    )


def _to_draft(row: Any, ver: Any) -> Draft:
    return Draft(
        id=row["id"],
        abstract=Abstract.model_validate_json(row["abstract_json"]),
        summary=LaySummary.model_validate_json(ver["summary_json"]),
        provenance=Provenance.model_validate_json(ver["provenance_json"]),
        findings=_load_findings(ver["findings_json"]),
        status=DraftStatus(row["status"]),
        version=ver["version"],
        reviewer=row["reviewer"],
        created_at=datetime.fromisoformat(row["created_at"]),
        updated_at=datetime.fromisoformat(row["updated_at"]),
    )


def _to_item(row: Any) -> QueueItem:
    findings = _load_findings(row["findings_json"])
    provenance = Provenance.model_validate_json(row["provenance_json"])
    return QueueItem(
        id=row["id"], title=row["title"], status=DraftStatus(row["status"]),
        version=row["current_version"], reviewer=row["reviewer"],
        drafter=provenance.drafter, model=provenance.model,
        errors=sum(f.severity is Severity.error for f in findings),
        warnings=sum(f.severity is Severity.warning for f in findings),
        created_at=datetime.fromisoformat(row["created_at"]),
        updated_at=datetime.fromisoformat(row["updated_at"]),
    )
