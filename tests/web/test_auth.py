"""Signing in and out, sessions, accounts and the session key."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from laydraft.cli.messages import cli_message
from laydraft.db import Store
from laydraft.db.tables import users
from laydraft.errors import ConfigError, UsageError
from laydraft.users import authenticate, create_user, list_users
from laydraft.web.app import FORM_COOKIE, SESSION_COOKIE
from laydraft.web.pages import safe_next
from laydraft.web.secret import SECRET_ENV, secret_path, session_secret

from .conftest import PASSWORD, sign_in, token_from


@pytest.mark.parametrize("path", ["/", "/queue", "/draft", "/drafts/1", "/drafts/1/history",
                                  "/drafts/1/preview", "/drafts/1/preview/page"])
def test_pages_without_a_session_redirect_to_sign_in(client: TestClient, path: str) -> None:
    response = client.get(path, follow_redirects=True)
    assert response.url.path == "/signin"
    assert "Sign in" in response.text


def test_the_redirect_remembers_where_the_user_was_going(client: TestClient) -> None:
    response = client.get("/queue?status=approved")
    assert response.status_code == 303
    assert response.headers["location"] == "/signin?next=%2Fqueue%3Fstatus%3Dapproved"


def test_signing_in_goes_to_the_requested_page(client: TestClient, alice: str) -> None:
    token = token_from(client.get("/signin").text)
    response = client.post("/signin", data={"name": alice, "password": PASSWORD,
                                            "csrf_token": token, "next": "/draft"})
    assert response.status_code == 303
    assert response.headers["location"] == "/draft"
    page = client.get("/draft")
    assert page.status_code == 200
    assert "Signed in as" in page.text and "alice" in page.text


def test_a_wrong_password_is_refused_without_saying_which_part_was_wrong(
        client: TestClient, alice: str) -> None:
    token = token_from(client.get("/signin").text)
    response = client.post("/signin", data={"name": alice, "password": "not the password",
                                            "csrf_token": token})
    assert response.status_code == 401
    assert "do not match an account" in response.text
    assert client.get("/queue").status_code == 303


def test_an_unknown_name_gets_the_same_answer(client: TestClient, alice: str) -> None:
    token = token_from(client.get("/signin").text)
    response = client.post("/signin", data={"name": "mallory", "password": PASSWORD,
                                            "csrf_token": token})
    assert response.status_code == 401
    assert "do not match an account" in response.text


def test_signing_in_starts_a_new_session_token(client: TestClient, alice: str) -> None:
    before = token_from(client.get("/signin").text)
    after = sign_in(client, alice)
    assert before != after


def test_signing_out_ends_the_session(client: TestClient, signed_in: str) -> None:
    response = client.post("/signout", data={"csrf_token": signed_in})
    assert response.status_code == 303
    assert client.get("/queue").status_code == 303


def test_a_tampered_session_cookie_is_ignored(client: TestClient, signed_in: str) -> None:
    cookie = client.cookies[SESSION_COOKIE]
    client.cookies.clear()
    client.cookies.set(SESSION_COOKIE, cookie[:-3] + ("AAA" if not cookie.endswith("AAA") else "BBB"))
    assert client.get("/queue").status_code == 303


def test_a_form_cookie_signed_with_another_key_is_ignored(settings, store: Store,  # noqa: ANN001
                                                          alice: str) -> None:
    from laydraft.web import create_app

    with TestClient(create_app(settings, store, secret="a" * 40), follow_redirects=False) as one:
        token = sign_in(one, alice)
        cookies = {name: one.cookies[name] for name in (SESSION_COOKIE, FORM_COOKIE)}
    with TestClient(create_app(settings, store, secret="b" * 40), follow_redirects=False) as two:
        for name, value in cookies.items():
            two.cookies.set(name, value)
        assert two.get("/queue").status_code == 200  # the session is the database's
        refused = two.post("/signout", data={"csrf_token": token})
        assert refused.status_code == 403  # but the CSRF token signed with "a" is not read


@pytest.mark.parametrize(("target", "expected"), [
    ("/drafts/3", "/drafts/3"), ("//evil.example/x", "/queue"), ("https://evil.example", "/queue"),
    ("/\\evil.example", "/queue"), ("", "/queue"), (None, "/queue"),
])
def test_after_sign_in_only_local_paths_are_followed(target: str | None, expected: str) -> None:
    assert safe_next(target) == expected


def test_passwords_are_stored_as_argon2_hashes(store: Store) -> None:
    import sqlalchemy as sa

    create_user(store, "bob", PASSWORD)
    with store.transaction() as conn:
        stored = conn.execute(sa.select(users.c.password_hash)).scalar_one()
    assert PASSWORD not in stored
    assert stored.startswith("$argon2id$")
    assert authenticate(store, "bob", PASSWORD) is not None
    assert authenticate(store, "bob", PASSWORD + "x") is None
    assert authenticate(store, "nobody", PASSWORD) is None
    assert list_users(store)[0].last_signin is not None


@pytest.mark.parametrize(("name", "password", "message"), [
    ("bob", "short", "too short"),
    ("bob smith", PASSWORD, "invalid user name"),
    ("<script>", PASSWORD, "invalid user name"),
    ("", PASSWORD, "invalid user name"),
])
def test_bad_accounts_are_refused(store: Store, name: str, password: str, message: str) -> None:
    with pytest.raises(UsageError, match=message):
        create_user(store, name, password)


def test_a_name_can_be_used_once(store: Store) -> None:
    create_user(store, "bob", PASSWORD)
    with pytest.raises(UsageError, match="already exists"):
        create_user(store, "bob", PASSWORD)


def test_the_users_table_is_a_named_migration(store: Store) -> None:
    import sqlalchemy as sa

    assert {"030_users", "060_user_roles"} <= set(store.applied_migrations())
    columns = {c["name"] for c in sa.inspect(store.engine).get_columns("users")}
    assert columns == {"name", "password_hash", "created_at", "last_signin", "role"}


def test_the_session_key_comes_from_the_environment_first() -> None:
    assert session_secret({SECRET_ENV: "k" * 40}) == "k" * 40
    with pytest.raises(ConfigError, match="too short"):
        session_secret({SECRET_ENV: "short"})


def test_otherwise_a_private_key_file_is_made_once() -> None:
    first = session_secret({})
    path = secret_path()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert session_secret({}) == first
    assert len(first) >= 32


def test_a_key_file_others_can_read_is_refused() -> None:
    session_secret({})
    path: Path = secret_path()
    os.chmod(path, 0o644)
    with pytest.raises(ConfigError, match="readable by others") as info:
        session_secret({})
    assert f"chmod 600 {path}" in cli_message(info.value)
