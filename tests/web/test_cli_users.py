"""`laydraft user add/list/role/remove/passwd`, run as a user would: the real command line.

The subprocess tests run ``python -m laydraft`` against the test's own database (the hermetic
fixture points LAYDRAFT_DATABASE at it); the CliRunner tests cover prompts.
"""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import timedelta

from click.testing import CliRunner

from laydraft import sessions, users
from laydraft.cli import cli
from laydraft.config import load_settings
from laydraft.db import Store
from laydraft.models import Role, utcnow

from .conftest import PASSWORD

POLICY = sessions.SessionPolicy(idle=timedelta(hours=1), lifetime=timedelta(hours=12))


def laydraft(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "laydraft", *args], input=stdin,
                          capture_output=True, text=True, timeout=120)


def store() -> Store:
    return Store(load_settings().database_url())


def signed_in(name: str) -> str:
    """A live web session for the account, as a browser would hold after signing in."""
    with store() as db:
        return sessions.start_session(db, name, POLICY, utcnow())


def live(session_id: str) -> bool:
    with store() as db:
        return sessions.resume_session(db, session_id, POLICY, utcnow()) is not None


def test_accounts_and_roles_from_the_command_line() -> None:
    added = laydraft("user", "add", "ada", "--role", "admin", "--password-stdin", stdin=PASSWORD)
    assert added.returncode == 0, added.stderr
    assert "Added ada (admin)" in added.stdout
    assert laydraft("user", "add", "eve", "--password-stdin", stdin=PASSWORD).returncode == 0

    bad = laydraft("user", "add", "zed", "--role", "owner", "--password-stdin", stdin=PASSWORD)
    assert bad.returncode == 2 and "editor" in bad.stderr and "admin" in bad.stderr

    listed = laydraft("user", "list")
    assert listed.returncode == 0
    lines = listed.stdout.splitlines()
    assert lines[0].split() == ["NAME", "ROLE", "CREATED", "LAST", "SIGN-IN"]
    rows = {line.split()[0]: line.split() for line in lines[1:]}
    assert rows["ada"][1] == "admin" and rows["eve"][1] == "editor"
    assert rows["eve"][-1] == "never"
    assert PASSWORD not in listed.stdout and "argon2" not in listed.stdout
    as_json = json.loads(laydraft("user", "list", "--json").stdout)
    assert {u["name"]: u["role"] for u in as_json} == {"ada": "admin", "eve": "editor"}
    assert all({"created_at", "last_signin"} <= set(u) for u in as_json)

    cookie = signed_in("eve")
    promoted = laydraft("user", "role", "eve", "reviewer")
    assert promoted.returncode == 0, promoted.stderr
    assert "eve is now reviewer" in promoted.stdout
    assert not live(cookie)
    with store() as db:
        assert db.get_user("eve").role is Role.reviewer  # type: ignore[union-attr]

    last = laydraft("user", "role", "ada", "editor")
    assert last.returncode == 2
    assert "only admin" in last.stderr and "laydraft user role NAME admin" in last.stderr
    assert "Traceback" not in last.stderr
    kept = laydraft("user", "remove", "ada")
    assert kept.returncode == 2 and "only admin" in kept.stderr

    cookie = signed_in("eve")
    changed = laydraft("user", "passwd", "eve", "--password-stdin",
                       stdin="a brand new password\n")
    assert changed.returncode == 0, changed.stderr
    assert not live(cookie)
    with store() as db:
        assert users.authenticate(db, "eve", PASSWORD) is None
        assert users.authenticate(db, "eve", "a brand new password") is not None

    cookie = signed_in("eve")
    removed = laydraft("user", "remove", "eve")
    assert removed.returncode == 0, removed.stderr
    assert "Removed eve" in removed.stdout
    assert not live(cookie)
    assert [u["name"] for u in json.loads(laydraft("user", "list", "--json").stdout)] == ["ada"]

    for args in (("user", "remove", "eve"), ("user", "role", "eve", "admin"),
                 ("user", "passwd", "eve", "--password-stdin")):
        missing = laydraft(*args, stdin=PASSWORD)
        assert missing.returncode == 2, args
        assert "no user named 'eve'" in missing.stderr
        assert "laydraft user add eve" in missing.stderr


def test_passwd_asks_twice_and_refuses_a_mismatch_or_a_short_password() -> None:
    runner = CliRunner()
    assert runner.invoke(cli, ["user", "add", "dan", "--password-stdin"],
                         input=PASSWORD + "\n").exit_code == 0
    mismatch = runner.invoke(cli, ["user", "passwd", "dan"],
                             input="a brand new password\nsomething else entirely\n")
    assert mismatch.exit_code != 0
    short = runner.invoke(cli, ["user", "passwd", "dan", "--password-stdin"], input="short\n")
    assert short.exit_code == 2 and "too short" in short.output
    with store() as db:
        assert users.authenticate(db, "dan", PASSWORD) is not None  # unchanged so far
    ok = runner.invoke(cli, ["user", "passwd", "dan"],
                       input="a brand new password\na brand new password\n")
    assert ok.exit_code == 0, ok.output
    with store() as db:
        assert users.authenticate(db, "dan", "a brand new password") is not None


def test_list_says_how_to_start_when_there_are_no_accounts() -> None:
    result = CliRunner().invoke(cli, ["user", "list"])
    assert result.exit_code == 0
    assert "laydraft user add NAME --role admin" in result.output


def test_role_names_are_not_case_sensitive() -> None:
    runner = CliRunner()
    added = runner.invoke(cli, ["user", "add", "fay", "--role", "Reviewer", "--password-stdin"],
                          input=PASSWORD + "\n")
    assert added.exit_code == 0, added.output
    with store() as db:
        assert db.get_user("fay").role is Role.reviewer  # type: ignore[union-attr]
