"""Accounts, roles, server-side sessions and sign-in throttling in the library and the store.

Runs on SQLite here and on PostgreSQL in test_postgres.py (which overrides ``store_url``).
Moments are passed in, never slept for.
"""

from __future__ import annotations

import os
import stat
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from laydraft import sessions, throttle, users
from laydraft.db import Store
from laydraft.db.engine import make_engine
from laydraft.db.migrations import MIGRATIONS, m060_user_roles
from laydraft.db.tables import signin_attempts
from laydraft.errors import ErrorCode, NotFoundError, UsageError
from laydraft.models import Role

pytest.importorskip("argon2", reason="accounts need the web extra")

PASSWORD = "correct horse battery"
T0 = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
POLICY = sessions.SessionPolicy(idle=timedelta(minutes=60), lifetime=timedelta(hours=12))
LIMITS = throttle.SigninLimits(per_account=5, per_address=20, window=timedelta(minutes=15))


@pytest.fixture
def people(store: Store) -> Store:
    users.create_user(store, "ada", PASSWORD, role=Role.admin)
    users.create_user(store, "rex", PASSWORD, role="reviewer")
    users.create_user(store, "eve", PASSWORD)
    return store


# -- roles ----------------------------------------------------------------------------------------

def test_new_accounts_are_editors_unless_told_otherwise(people: Store) -> None:
    assert {u.name: u.role for u in users.list_users(people)} == {
        "ada": Role.admin, "eve": Role.editor, "rex": Role.reviewer}


def test_an_unknown_role_is_refused_with_the_choices(store: Store) -> None:
    with pytest.raises(UsageError, match="editor, reviewer, admin") as info:
        users.create_user(store, "bob", PASSWORD, role="owner")
    assert info.value.code is ErrorCode.UNKNOWN_CHOICE
    assert store.get_user("bob") is None


def test_role_change_password_change_and_removal_end_every_session(people: Store) -> None:
    for name in ("ada", "rex", "eve"):
        sessions.start_session(people, name, POLICY, T0)
        sessions.start_session(people, name, POLICY, T0)
    users.set_role(people, "rex", Role.admin)
    users.change_password(people, "eve", "another long password")
    users.remove_user(people, "ada")
    assert people.count_sessions("rex") == 0
    assert people.count_sessions("eve") == 0
    assert people.count_sessions("ada") == 0
    assert people.get_user("rex").role is Role.admin  # type: ignore[union-attr]
    assert users.authenticate(people, "eve", PASSWORD) is None
    assert users.authenticate(people, "eve", "another long password") is not None
    assert people.get_user("ada") is None


def test_the_last_admin_can_be_neither_demoted_nor_removed(people: Store) -> None:
    with pytest.raises(UsageError, match="only admin") as info:
        users.set_role(people, "ada", Role.editor)
    assert info.value.code is ErrorCode.LAST_ADMIN
    with pytest.raises(UsageError, match="only admin"):
        users.remove_user(people, "ada")
    assert people.get_user("ada").role is Role.admin  # type: ignore[union-attr]
    users.set_role(people, "rex", "admin")
    users.set_role(people, "ada", "editor")
    users.remove_user(people, "ada")
    assert [u.name for u in users.list_users(people)] == ["eve", "rex"]


def test_changing_an_unknown_account_says_so(store: Store) -> None:
    for change in (lambda: users.set_role(store, "nobody", Role.admin),
                   lambda: users.remove_user(store, "nobody"),
                   lambda: users.change_password(store, "nobody", PASSWORD)):
        with pytest.raises(NotFoundError) as info:
            change()
        assert info.value.code is ErrorCode.USER_NOT_FOUND


def test_accounts_from_before_roles_become_admins(store_url: str) -> None:
    """Everyone could do everything before roles; nobody loses that on upgrade."""
    old = Store.__new__(Store)
    old.url, old.engine = store_url, make_engine(store_url)
    old.migrate(MIGRATIONS[:MIGRATIONS.index(m060_user_roles)])
    with old.engine.begin() as conn:
        conn.execute(sa.text("INSERT INTO users (name, password_hash, created_at) "
                             "VALUES ('old', 'x', '2025-01-01T00:00:00+00:00')"))
    old.engine.dispose()
    with Store(store_url) as upgraded:
        assert upgraded.get_user("old").role is Role.admin  # type: ignore[union-attr]
        users.create_user(upgraded, "new", PASSWORD)
        assert upgraded.get_user("new").role is Role.editor  # type: ignore[union-attr]


def test_passwords_are_hashed_with_explicit_modest_argon2id_parameters(store: Store) -> None:
    users.create_user(store, "bob", PASSWORD)
    digest = store.password_hash("bob")
    assert digest is not None and digest.startswith("$argon2id$v=19$m=19456,t=2,p=1$")


def test_a_hash_with_the_old_default_parameters_is_upgraded_at_sign_in(store: Store) -> None:
    from argon2 import PasswordHasher

    store.add_user("old", PasswordHasher().hash(PASSWORD), T0)  # argon2-cffi's 64 MiB default
    assert "m=65536" in (store.password_hash("old") or "")
    assert users.authenticate(store, "old", PASSWORD) is not None
    assert "m=19456" in (store.password_hash("old") or "")


# -- sessions -------------------------------------------------------------------------------------

def test_a_session_resolves_to_its_user_and_role_until_it_ends(people: Store) -> None:
    sid = sessions.start_session(people, "rex", POLICY, T0)
    user = sessions.resume_session(people, sid, POLICY, T0 + timedelta(minutes=5))
    assert user is not None and user.name == "rex" and user.role is Role.reviewer
    sessions.end_session(people, sid)
    assert sessions.resume_session(people, sid, POLICY, T0 + timedelta(minutes=6)) is None


def test_the_table_holds_a_hash_of_the_id_never_the_id(people: Store) -> None:
    sid = sessions.start_session(people, "rex", POLICY, T0)
    with people.transaction() as conn:
        keys = list(conn.execute(sa.text("SELECT id FROM sessions")).scalars())
    assert sid not in keys and keys == [sessions.session_key(sid)]
    assert len(sid) >= 43  # 32 random bytes


def test_an_idle_session_ends_and_its_row_goes(people: Store) -> None:
    sid = sessions.start_session(people, "eve", POLICY, T0)
    assert sessions.resume_session(people, sid, POLICY, T0 + timedelta(minutes=59)) is not None
    # that request counted as activity: another 59 minutes are fine
    assert sessions.resume_session(people, sid, POLICY, T0 + timedelta(minutes=118)) is not None
    assert sessions.resume_session(people, sid, POLICY, T0 + timedelta(minutes=179)) is None
    assert people.count_sessions("eve") == 0


def test_a_busy_session_still_ends_at_its_absolute_expiry(people: Store) -> None:
    sid = sessions.start_session(people, "eve", POLICY, T0)
    for half_hours in range(1, 24):  # a request every 30 minutes, up to 11:30 in
        moment = T0 + timedelta(minutes=30 * half_hours)
        assert sessions.resume_session(people, sid, POLICY, moment) is not None
    assert sessions.resume_session(people, sid, POLICY, T0 + timedelta(hours=12)) is None
    assert people.count_sessions() == 0


def test_signing_in_again_rotates_the_id_and_sweeps_expired_rows(people: Store) -> None:
    stale = sessions.start_session(people, "ada", POLICY, T0)
    first = sessions.start_session(people, "eve", POLICY, T0 + timedelta(hours=2))
    second = sessions.start_session(people, "eve", POLICY, T0 + timedelta(hours=2),
                                    replacing=first)
    assert second != first
    assert sessions.resume_session(people, first, POLICY, T0 + timedelta(hours=2)) is None
    assert sessions.resume_session(people, second, POLICY, T0 + timedelta(hours=2)) is not None
    assert sessions.resume_session(people, stale, POLICY, T0 + timedelta(hours=2)) is None
    assert people.count_sessions() == 1


@pytest.mark.parametrize("presented", ["", "x" * 500, "not-a-session"])
def test_nonsense_ids_resolve_to_nobody(people: Store, presented: str) -> None:
    assert sessions.resume_session(people, presented, POLICY, T0) is None


# -- throttling -----------------------------------------------------------------------------------

def test_the_sixth_attempt_for_an_account_is_refused_until_the_window_passes(store: Store) -> None:
    for minute in range(5):
        throttle.admit(store, LIMITS, "ada", "10.0.0.1", T0 + timedelta(minutes=minute))
    with pytest.raises(throttle.SigninThrottled) as info:
        throttle.admit(store, LIMITS, "ada", "10.0.0.2", T0 + timedelta(minutes=6))
    assert info.value.code is ErrorCode.SIGNIN_THROTTLED
    assert info.value.context["limit"] == "account"
    assert info.value.retry_after == 9 * 60  # the first attempt leaves the window at 15:00
    throttle.admit(store, LIMITS, "someone-else", "10.0.0.2", T0 + timedelta(minutes=6))
    throttle.admit(store, LIMITS, "ada", "10.0.0.1", T0 + timedelta(minutes=15))


def test_a_success_clears_the_account_count(store: Store) -> None:
    for _ in range(4):
        throttle.admit(store, LIMITS, "ada", "10.0.0.1", T0)
    throttle.succeeded(store, "ada")
    for _ in range(5):
        throttle.admit(store, LIMITS, "ada", "10.0.0.1", T0)
    with pytest.raises(throttle.SigninThrottled):
        throttle.admit(store, LIMITS, "ada", "10.0.0.1", T0)


def test_one_address_trying_many_accounts_is_refused_too(store: Store) -> None:
    for n in range(20):
        throttle.admit(store, LIMITS, f"user{n}", "10.0.0.9", T0)
    with pytest.raises(throttle.SigninThrottled) as info:
        throttle.admit(store, LIMITS, "user99", "10.0.0.9", T0 + timedelta(seconds=30))
    assert info.value.context["limit"] == "address"
    throttle.admit(store, LIMITS, "user99", "10.0.0.10", T0 + timedelta(seconds=30))


def test_a_zero_limit_turns_throttling_off(store: Store) -> None:
    off = throttle.SigninLimits(per_account=0, per_address=0, window=timedelta(minutes=15))
    for _ in range(50):
        throttle.admit(store, off, "ada", "10.0.0.1", T0)


def test_old_attempts_are_deleted_as_new_ones_arrive(store: Store) -> None:
    for _ in range(3):
        throttle.admit(store, LIMITS, "ada", "10.0.0.1", T0)
    throttle.admit(store, LIMITS, "bob", "10.0.0.1", T0 + timedelta(hours=1))
    with store.transaction() as conn:
        left = list(conn.execute(sa.select(signin_attempts.c.account)).scalars())
    assert left == ["bob"]


# -- the database file ----------------------------------------------------------------------------

def test_a_new_sqlite_file_and_its_wal_files_are_private(tmp_path: Path) -> None:
    path = tmp_path / "fresh" / "queue.db"
    old_umask = os.umask(0o022)
    try:
        with Store(f"sqlite:///{path}") as fresh:
            users.create_user(fresh, "ada", PASSWORD, role=Role.admin)
            with fresh.transaction() as conn:  # keep a connection open: WAL and SHM exist
                conn.execute(sa.text("SELECT 1"))
                made = [p for p in path.parent.iterdir() if p.name.startswith("queue.db")]
                modes = {p.name: stat.S_IMODE(p.stat().st_mode) for p in made}
    finally:
        os.umask(old_umask)
    assert {"queue.db", "queue.db-wal", "queue.db-shm"} <= set(modes)
    assert set(modes.values()) == {0o600}, modes


def test_an_existing_file_keeps_its_mode(tmp_path: Path) -> None:
    path = tmp_path / "mine.db"
    path.touch(mode=0o640)
    os.chmod(path, 0o640)
    Store(f"sqlite:///{path}").close()
    assert stat.S_IMODE(path.stat().st_mode) == 0o640
