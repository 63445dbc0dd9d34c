"""The review queue's storage: SQLAlchemy Core over SQLite (default) or PostgreSQL.

Schema changes are named migrations, each applied in its own transaction and recorded in the
``migrations`` table, so a database from any earlier laydraft upgrades in place. A draft's
versions are rows of ``versions``; version 1 is the drafter's original and is never rewritten.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import OperationalError, SQLAlchemyError

from .errors import ConfigError, NotFoundError
from .models import (
    Abstract,
    Draft,
    DraftStatus,
    Finding,
    LaySummary,
    Provenance,
    QueueItem,
    Severity,
    utcnow,
)

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
    sa.UniqueConstraint("draft_id", "version", name="uq_versions_draft_version"),
)


def _m001_initial(conn: Connection) -> None:
    for table in (drafts, versions):
        table.create(conn, checkfirst=True)


Migration = tuple[str, Callable[[Connection], None]]
MIGRATIONS: list[Migration] = [
    ("001_initial_queue", _m001_initial),
]


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()


def make_engine(url: str) -> Engine:
    """An engine for the URL; SQLite gets WAL, foreign keys and a busy timeout."""
    if url.startswith("sqlite:///"):
        path = Path(url.removeprefix("sqlite:///"))
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise ConfigError(f"cannot create the database folder {path.parent}: {exc}") from exc
    try:
        engine = sa.create_engine(url)
    except (SQLAlchemyError, ImportError) as exc:
        raise ConfigError(f"cannot use database '{url}': {exc}") from exc
    if engine.dialect.name == "sqlite":
        sa.event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def _iso(moment: datetime) -> str:
    return moment.isoformat()


class Store:
    """The review queue. Every write is one transaction: a crash never leaves half a draft."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.engine = make_engine(url)
        self.migrate()

    @contextmanager
    def transaction(self) -> Iterator[Connection]:
        try:
            with self.engine.begin() as conn:
                yield conn
        except OperationalError as exc:
            raise ConfigError(f"the database {self.url} cannot be used: {exc.orig}") from exc

    def applied_migrations(self) -> list[str]:
        with self.transaction() as conn:
            migrations_table.create(conn, checkfirst=True)
            rows = conn.execute(sa.select(migrations_table.c.name)).scalars()
            return list(rows)

    def migrate(self) -> list[str]:
        """Apply every migration not yet recorded, each atomically. Returns the names applied."""
        done = set(self.applied_migrations())
        applied = []
        for name, step in MIGRATIONS:
            if name in done:
                continue
            with self.transaction() as conn:
                step(conn)
                conn.execute(migrations_table.insert().values(name=name, applied_at=_iso(utcnow())))
            applied.append(name)
        return applied

    def add(self, draft: Draft, author: str | None = None) -> Draft:
        """Queue a new draft as version 1; returns it with its id."""
        now = utcnow()
        with self.transaction() as conn:
            draft_id = conn.execute(drafts.insert().values(
                record_key=draft.abstract.stable_key(), title=draft.abstract.title,
                status=draft.status.value, current_version=1, reviewer=None,
                abstract_json=draft.abstract.model_dump_json(),
                created_at=_iso(now), updated_at=_iso(now),
            )).inserted_primary_key[0]
            conn.execute(versions.insert().values(
                draft_id=draft_id, version=1, author=author or draft.provenance.drafter,
                summary_json=draft.summary.model_dump_json(),
                findings_json=_dump_findings(draft.findings),
                provenance_json=draft.provenance.model_dump_json(), created_at=_iso(now),
            ))
        return self.get(int(draft_id))

    def get(self, draft_id: int, version: int | None = None) -> Draft:
        """A draft at its current version (or the given one)."""
        with self.transaction() as conn:
            row = conn.execute(sa.select(drafts).where(drafts.c.id == draft_id)).mappings().first()
            if row is None:
                raise NotFoundError(f"no draft with id {draft_id}: see `laydraft queue list`")
            wanted = version or row["current_version"]
            ver = conn.execute(sa.select(versions).where(
                versions.c.draft_id == draft_id, versions.c.version == wanted,
            )).mappings().first()
        if ver is None:
            raise NotFoundError(f"draft {draft_id} has no version {wanted}")
        return _to_draft(row, ver)

    def list(self, status: str | None = None, reviewer: str | None = None,
             limit: int | None = None) -> list[QueueItem]:
        """Queue rows, oldest first, with the finding counts of each current version."""
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
        if limit:
            query = query.limit(limit)
        with self.transaction() as conn:
            return [_to_item(row) for row in conn.execute(query).mappings()]

    def count(self) -> int:
        with self.transaction() as conn:
            return int(conn.execute(sa.select(sa.func.count()).select_from(drafts)).scalar_one())


def _dump_findings(findings: list[Finding]) -> str:
    return "[" + ",".join(f.model_dump_json() for f in findings) + "]"


def _load_findings(text: str) -> list[Finding]:
    import json

    return [Finding.model_validate(item) for item in json.loads(text)]


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
