"""The Store: the one storage API the rest of laydraft uses (queue, accounts, cache, batches).

SQLAlchemy Core over SQLite (default) or PostgreSQL. Opening a Store applies any migration the
database lacks (see ``migrations.py``). Every write is one transaction: a crash never leaves
half a draft.

Moving ``drafts.current_version`` is the optimistic lock: a save succeeds only if it still
names the version the save was based on.

The store knows SQL, not the workflow rules: ``review.py`` opens a write transaction, reads the
locked ``DraftState``, applies its rules and calls the row helpers here with the same connection.
"""

from __future__ import annotations

import builtins
from collections import Counter
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from ..errors import ErrorCode, NotFoundError, StaleVersionError
from ..models import (
    Abstract,
    AuditEvent,
    Comment,
    Dismissal,
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
    match_dismissals,
    utcnow,
)
from . import migrations
from .accounts import AccountRows
from .batch import BatchRows, ItemKey
from .effort import EffortRows
from .engine import new_id
from .queued import provenance_matches
from .responses import ResponseRows
from .sessions import SessionRows
from .signins import SigninRows
from .tables import audit, comments, dismissals, drafts, versions


class Store(AccountRows, SessionRows, SigninRows, ResponseRows, BatchRows, EffortRows):
    """The review queue and the other tables; usable as a context manager (closes on exit)."""

    def __init__(self, url: str) -> None:
        super().__init__(url)
        self.migrate()

    def applied_migrations(self) -> builtins.list[str]:
        return migrations.applied(self.transaction)

    def check_writable(self) -> None:
        """Prove a write would succeed (and roll it back); raises StorageError if not."""
        from .writable import check_writable

        check_writable(self)

    def migrate(self, steps: builtins.list[migrations.Migration] | None = None
                ) -> builtins.list[str]:
        """Apply every migration not yet recorded, each atomically. Returns the names applied."""
        return migrations.migrate(self.transaction, steps)

    # -- drafts -------------------------------------------------------------------------------

    def add(self, draft: Draft, author: str | None = None,
            created_by: str | None = None) -> Draft:
        """Queue a new draft as version 1; returns it with its id, as stored.

        ``created_by`` is the person who asked for the draft (the four-eyes rule keeps them
        from approving it); the audit log's ``create`` event names them, else the drafter.
        """
        return self.get(self.insert(draft, author, created_by))

    def insert(self, draft: Draft, author: str | None = None,
               created_by: str | None = None) -> int:
        """Queue a new draft as version 1 in one transaction and return its id, without
        reading it back (a batch run queues thousands and needs only the id).

        Rows go in as parameters of a plain ``table.insert()``, not through ``.values()``,
        which builds and hashes a bind parameter per column on every call (about 0.5 ms of
        CPU a draft); the compiled statement is then reused as it is."""
        now = utcnow()
        author = author or draft.provenance.drafter
        created_by = (created_by or "").strip() or None
        with self.transaction(write=True) as conn:
            draft_id = new_id(conn.execute(drafts.insert(), dict(
                record_key=draft.abstract.stable_key(), title=draft.abstract.title,
                headline=draft.summary.headline, doi=draft.abstract.doi, pmid=draft.abstract.pmid,
                status=draft.status.value, current_version=1, reviewer=None,
                abstract_json=draft.abstract.model_dump(mode="json"),
                created_at=now, updated_at=now, created_by=created_by,
            )))
            self._insert_version(conn, Version(
                draft_id=draft_id, version=1, kind=VersionKind.draft, author=author,
                summary=draft.summary, findings=draft.findings, provenance=draft.provenance,
                checks_version=draft.checks_version, created_at=now,
            ))
            self.record(conn, AuditEvent(draft_id=draft_id, actor=created_by or author,
                                         action="create", to_status=draft.status, to_version=1,
                                         note=f"drafted by {author}" if created_by else None,
                                         at=now))
        return draft_id

    def get(self, draft_id: int, version: int | None = None) -> Draft:
        """A draft at its current version (or the given one)."""
        with self.transaction() as conn:
            row = conn.execute(sa.select(drafts).where(drafts.c.id == draft_id)).mappings().first()
            if row is None:
                raise _no_draft(draft_id)
            ver = _version_row(conn, draft_id, version or row["current_version"])
        return _to_draft(row, ver)

    def list(self, status: str | None = None, reviewer: str | None = None,
             limit: int | None = None, search: str | None = None,
             offset: int = 0, since: datetime | None = None, until: datetime | None = None,
             newest_first: bool = False) -> builtins.list[QueueItem]:
        """Queue rows, oldest first (or newest first), with the finding counts of each current
        version.

        The counts are of findings not dismissed (what approving still answers for), with the
        dismissed ones counted apart, by the rule approval uses (``models.match_dismissals``).
        ``search`` matches part of the title, the current headline, DOI or PMID, ignoring case;
        ``since`` and ``until`` bound the drafting moment (``until`` excluded).
        ``limit`` and ``offset`` page through the rows; ``count`` with the same filters gives
        the total to page over. Filtering, ordering and paging all happen in SQL, so a page
        costs the same in a queue of ten drafts or ten thousand.
        """
        query = (
            sa.select(drafts, versions.c.findings_json, versions.c.provenance_json,
                      versions.c.summary_json)
            .select_from(_current_versions())
            .where(*_queue_filters(status, reviewer, search, since, until))
            .order_by(drafts.c.id.desc() if newest_first else drafts.c.id)
        )
        if limit:
            query = query.limit(limit)
        if offset:
            query = query.offset(offset)
        with self.transaction() as conn:
            rows = builtins.list(conn.execute(query).mappings())
            found = _live_dismissals(conn, [row["id"] for row in rows]) if rows else {}
            return [_to_item(row, found.get(row["id"], [])) for row in rows]

    def count(self, status: str | None = None, reviewer: str | None = None,
              search: str | None = None, since: datetime | None = None,
              until: datetime | None = None) -> int:
        """How many drafts ``list`` with these filters would give, without a limit."""
        query = sa.select(sa.func.count()).select_from(drafts).where(*_queue_filters(status, reviewer, search, since, until))
        with self.transaction() as conn:
            return int(conn.execute(query).scalar_one())

    def status_counts(self) -> dict[str, int]:
        """Drafts per status, counted by the database (one grouped query)."""
        query = sa.select(drafts.c.status, sa.func.count()).group_by(drafts.c.status)
        with self.transaction() as conn:
            return {str(status): int(n) for status, n in conn.execute(query)}

    def reviewers(self) -> builtins.list[str]:
        """Everyone who holds or last held a draft, in name order."""
        query = (sa.select(drafts.c.reviewer).where(drafts.c.reviewer.is_not(None))
                 .distinct().order_by(drafts.c.reviewer))
        with self.transaction() as conn:
            return [str(name) for name in conn.execute(query).scalars()]

    def first_versions(self, record_key: str,
                       prompt_fingerprint: str) -> builtins.list[tuple[int, Provenance]]:
        """Drafts of this record whose version 1 was written with this prompt, oldest first."""
        fingerprint = versions.c.provenance_json["prompt_fingerprint"].as_string()
        query = (sa.select(drafts.c.id, versions.c.provenance_json)
                 .join(versions, versions.c.draft_id == drafts.c.id)
                 .where(drafts.c.record_key == record_key, versions.c.version == 1,
                        fingerprint == prompt_fingerprint)
                 .order_by(drafts.c.id))
        with self.transaction() as conn:
            return [(int(draft_id), Provenance.model_validate(provenance))
                    for draft_id, provenance in conn.execute(query)]

    def queued_draft(self, key: ItemKey) -> int | None:
        """The id of a queued draft of this record with this prompt and model, if any.

        The queue is the proof that a record was drafted: ``batch`` skips it and ``draft``
        says it is already queued.
        """
        for draft_id, provenance in self.first_versions(key.record_key, key.fingerprint):
            if provenance_matches(provenance, key):
                return draft_id
        return None

    # -- workflow rows (called by review.py inside one transaction) ---------------------------

    def state(self, conn: Connection, draft_id: int, lock: bool = False) -> DraftState:
        """The draft's workflow state; ``lock`` holds its row until the transaction ends."""
        query = sa.select(drafts.c.id, drafts.c.status, drafts.c.current_version,
                          drafts.c.reviewer, drafts.c.claimed_at, drafts.c.claim_expires,
                          drafts.c.published_at, drafts.c.created_by
                          ).where(drafts.c.id == draft_id)
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
            drafts.c.created_by,
        ).where(drafts.c.status.in_([s.value for s in statuses])).order_by(drafts.c.id))
        return [_to_state(row) for row in rows.mappings()]

    def update_state(self, conn: Connection, before: DraftState, after: DraftState) -> None:
        """Write ``after`` if the row still matches ``before``'s status and version."""
        result = conn.execute(drafts.update().where(
            drafts.c.id == before.id, drafts.c.status == before.status.value,
            drafts.c.current_version == before.current_version,
        ).values(
            status=after.status.value, reviewer=after.reviewer, claimed_at=after.claimed_at,
            claim_expires=after.claim_expires, published_at=after.published_at,
            updated_at=utcnow(),
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
        ).values(current_version=version.version, headline=version.summary.headline,
                 updated_at=version.created_at))
        if result.rowcount != 1:
            raise StaleVersionError(
                _stale_message(self.newer_versions(conn, version.draft_id, base or 0),
                               version.draft_id, base or 0),
                draft_id=version.draft_id, base=base, rejected=version,
            )
        self._insert_version(conn, version)

    def _insert_version(self, conn: Connection, version: Version) -> None:
        conn.execute(versions.insert(), dict(
            draft_id=version.draft_id, version=version.version, kind=version.kind.value,
            author=version.author, based_on=version.based_on, note=version.note,
            summary_json=version.summary.model_dump(mode="json"),
            findings_json=[f.model_dump(mode="json") for f in version.findings],
            provenance_json=version.provenance.model_dump(mode="json"),
            checks_version=version.checks_version, created_at=version.created_at,
        ))

    def replace_findings(self, conn: Connection, draft_id: int, version: int,
                         findings: builtins.list[Finding], checks_version: int) -> None:
        """Store a re-check's findings for one version (the caller audits the change)."""
        conn.execute(versions.update().where(
            versions.c.draft_id == draft_id, versions.c.version == version,
        ).values(findings_json=[f.model_dump(mode="json") for f in findings],
                 checks_version=checks_version))

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
            return _to_version(_version_row(conn, draft_id, number))

    def add_comment(self, conn: Connection, comment: Comment) -> Comment:
        comment_id = new_id(conn.execute(comments.insert().values(
            draft_id=comment.draft_id, version=comment.version, author=comment.author,
            section=comment.section, text=comment.text, created_at=comment.created_at,
        )))
        return comment.model_copy(update={"id": comment_id})

    def comments(self, draft_id: int) -> builtins.list[Comment]:
        with self.transaction() as conn:
            rows = conn.execute(sa.select(comments).where(comments.c.draft_id == draft_id)
                                .order_by(comments.c.id)).mappings()
            return [Comment(**row) for row in rows]

    def record(self, conn: Connection, event: AuditEvent) -> None:
        """Append one event to the audit log, inside the caller's transaction."""
        conn.execute(audit.insert(), dict(
            draft_id=event.draft_id, actor=event.actor, action=event.action,
            from_status=event.from_status.value if event.from_status else None,
            to_status=event.to_status.value if event.to_status else None,
            from_version=event.from_version, to_version=event.to_version,
            note=event.note, at=event.at,
        ))

    def add_dismissal(self, conn: Connection, dismissal: Dismissal) -> Dismissal:
        """Store a dismissed finding (or an override given while approving); returns it with
        its id."""
        dismissal_id = new_id(conn.execute(
            dismissals.insert().values(**dismissal.model_dump(exclude={"id"}))))
        return dismissal.model_copy(update={"id": dismissal_id})

    def revoke_dismissal(self, conn: Connection, dismissal: Dismissal) -> None:
        """Record that ``dismissal`` (its ``revoked_*`` filled in) was undone; the row stays.

        Only a row not undone yet is changed: otherwise someone undid it meanwhile.
        """
        result = conn.execute(dismissals.update().where(
            dismissals.c.id == dismissal.id, dismissals.c.revoked_at.is_(None),
        ).values(revoked_at=dismissal.revoked_at, revoked_by=dismissal.revoked_by,
                 revoke_reason=dismissal.revoke_reason))
        if result.rowcount != 1:
            raise StaleVersionError(f"draft {dismissal.draft_id} changed while this action ran",
                                    code=ErrorCode.CHANGED_MEANWHILE, draft_id=dismissal.draft_id)

    def dismissals(self, draft_id: int, conn: Connection | None = None
                   ) -> builtins.list[Dismissal]:
        """Every dismissal of a draft's findings, overrides and undone ones included, oldest
        first."""
        if conn is None:
            with self.transaction() as own:
                return self.dismissals(draft_id, own)
        rows = conn.execute(sa.select(dismissals).where(dismissals.c.draft_id == draft_id)
                            .order_by(dismissals.c.id)).mappings()
        return [Dismissal(**row) for row in rows]

    def overrides(self, draft_id: int) -> builtins.list[Dismissal]:
        """Every written reason for approving despite an error finding, oldest first."""
        return [d for d in self.dismissals(draft_id) if d.approval]

    def events(self, draft_id: int) -> builtins.list[AuditEvent]:
        with self.transaction() as conn:
            rows = conn.execute(sa.select(audit).where(audit.c.draft_id == draft_id)
                                .order_by(audit.c.id)).mappings()
            return [AuditEvent(**row) for row in rows]


def _current_versions() -> sa.Join:
    """Each draft joined to its current version."""
    return drafts.join(versions, sa.and_(versions.c.draft_id == drafts.c.id,
                                         versions.c.version == drafts.c.current_version))


def _queue_filters(status: str | None, reviewer: str | None, search: str | None,
                   since: datetime | None = None, until: datetime | None = None,
                   ) -> builtins.list[sa.ColumnElement[bool]]:
    """The WHERE clauses ``list`` and ``count`` share, on the ``drafts`` table alone.

    The search is ``lower(column) LIKE lower(pattern)`` with the wildcards in the text escaped,
    so it runs the same on SQLite and PostgreSQL. The current headline is a column of
    ``drafts`` (kept with ``current_version``) so a search never reads the versions' JSON.
    """
    clauses: builtins.list[sa.ColumnElement[bool]] = []
    if status:
        clauses.append(drafts.c.status == status)
    if reviewer:
        clauses.append(drafts.c.reviewer == reviewer)
    if since is not None:
        clauses.append(drafts.c.created_at >= since)
    if until is not None:
        clauses.append(drafts.c.created_at < until)
    if search:
        pattern = "%" + search.lower().replace("\\", "\\\\").replace("%", r"\%").replace(
            "_", r"\_") + "%"
        clauses.append(sa.or_(*(sa.func.lower(column).like(pattern, escape="\\")
                                for column in (drafts.c.title, drafts.c.headline, drafts.c.doi,
                                               drafts.c.pmid))))
    return clauses


def _version_row(conn: Connection, draft_id: int, number: int) -> sa.RowMapping:
    """One row of ``versions``, or NotFoundError naming the draft and the version asked for."""
    row = conn.execute(sa.select(versions).where(
        versions.c.draft_id == draft_id, versions.c.version == number,
    )).mappings().first()
    if row is None:
        raise NotFoundError(f"draft {draft_id} has no version {number}",
                            code=ErrorCode.VERSION_NOT_FOUND, draft_id=draft_id, version=number)
    return row


def _no_draft(draft_id: int) -> NotFoundError:
    return NotFoundError(f"no draft with id {draft_id}", code=ErrorCode.DRAFT_NOT_FOUND,
                         draft_id=draft_id)


def _stale_message(newer: builtins.list[Version], draft_id: int, base: int) -> str:
    saves = "; ".join(f"{v.author} saved version {v.version} ({v.kind.value}) at "
                      f"{v.created_at:%Y-%m-%d %H:%M:%S} UTC" for v in newer)
    return (f"draft {draft_id} changed after version {base}, which your text was based on: "
            f"{saves or 'another save happened'}; nothing of yours was saved")


def _load_findings(document: Any) -> builtins.list[Finding]:
    return [Finding.model_validate(item) for item in document]


def _to_state(row: Any) -> DraftState:
    return DraftState(
        id=row["id"], status=DraftStatus(row["status"]), current_version=row["current_version"],
        reviewer=row["reviewer"], claimed_at=row["claimed_at"],
        claim_expires=row["claim_expires"], published_at=row["published_at"],
        created_by=row["created_by"],
    )


def _to_version(row: Any) -> Version:
    return Version(
        draft_id=row["draft_id"], version=row["version"], kind=VersionKind(row["kind"]),
        author=row["author"], based_on=row["based_on"], note=row["note"],
        summary=LaySummary.model_validate(row["summary_json"]),
        findings=_load_findings(row["findings_json"]),
        checks_version=row["checks_version"],
        provenance=Provenance.model_validate(row["provenance_json"]),
        created_at=row["created_at"],
    )


def _to_draft(row: Any, ver: Any) -> Draft:
    return Draft(
        id=row["id"],
        abstract=Abstract.model_validate(row["abstract_json"]),
        summary=LaySummary.model_validate(ver["summary_json"]),
        provenance=Provenance.model_validate(ver["provenance_json"]),
        findings=_load_findings(ver["findings_json"]),
        checks_version=ver["checks_version"],
        status=DraftStatus(row["status"]),
        version=ver["version"],
        reviewer=row["reviewer"],
        created_at=row["created_at"],
        updated_at=row["updated_at"],
    )


def _live_dismissals(conn: Connection, ids: builtins.list[int]
                     ) -> dict[int, builtins.list[Dismissal]]:
    """The dismissals not undone of these drafts, by draft, oldest first."""
    rows = conn.execute(sa.select(dismissals).where(
        dismissals.c.draft_id.in_(ids), dismissals.c.revoked_at.is_(None),
    ).order_by(dismissals.c.id)).mappings()
    found: dict[int, builtins.list[Dismissal]] = {}
    for row in rows:
        found.setdefault(row["draft_id"], []).append(Dismissal(**row))
    return found


def _to_item(row: Any, dismissed: builtins.list[Dismissal]) -> QueueItem:
    findings = _load_findings(row["findings_json"])
    provenance = Provenance.model_validate(row["provenance_json"])
    summary = LaySummary.model_validate(row["summary_json"])
    counts = Counter((f.severity, d is not None) for f, d in
                     match_dismissals(findings, summary, dismissed, row["current_version"]))
    return QueueItem(
        id=row["id"], title=row["title"], status=DraftStatus(row["status"]),
        version=row["current_version"], reviewer=row["reviewer"],
        drafter=provenance.drafter, model=provenance.model,
        errors=counts[Severity.error, False], warnings=counts[Severity.warning, False],
        dismissed_errors=counts[Severity.error, True],
        dismissed_warnings=counts[Severity.warning, True],
        created_at=row["created_at"],
        updated_at=row["updated_at"],
    )
