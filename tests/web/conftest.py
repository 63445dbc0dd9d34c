"""Fixtures for the web tests: an app over a fresh store, a signed-in client, drafts."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest

for _module in ("starlette", "uvicorn", "multipart", "argon2", "itsdangerous"):
    pytest.importorskip(_module, reason="the web extra is not installed: pip install -e '.[web]'")

from starlette.testclient import TestClient  # noqa: E402

from laydraft.config import Settings, load_settings  # noqa: E402
from laydraft.core import DraftingCore  # noqa: E402
from laydraft.db import Store  # noqa: E402
from laydraft.ingest import parse_text  # noqa: E402
from laydraft.models import Draft, Role  # noqa: E402
from laydraft.resources import example_abstract_path  # noqa: E402
from laydraft.users import create_user  # noqa: E402
from laydraft.web import create_app  # noqa: E402

SECRET = "test-secret-" + "x" * 40
PASSWORD = "correct horse battery"
_TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


def example_text() -> str:
    return example_abstract_path().read_text()


def token_from(html: str) -> str:
    match = _TOKEN.search(html)
    assert match, "the page has no CSRF field"
    return match.group(1)


@pytest.fixture
def settings() -> Settings:
    return load_settings(overrides={"drafter": "offline",
                                    "allowed_hosts": ["testserver", "127.0.0.1", "localhost"]})


@pytest.fixture
def store(settings: Settings) -> Iterator[Store]:
    with Store(settings.database_url()) as opened:
        yield opened


@pytest.fixture
def app(settings: Settings, store: Store):  # noqa: ANN201
    return create_app(settings, store, secret=SECRET)


@pytest.fixture
def client(app) -> Iterator[TestClient]:  # noqa: ANN001
    with TestClient(app, follow_redirects=False) as test_client:
        yield test_client


@pytest.fixture
def alice(store: Store) -> str:
    create_user(store, "alice", PASSWORD, role=Role.admin)
    return "alice"


def sign_in(client: TestClient, name: str, password: str = PASSWORD) -> str:
    """Sign in; returns the session's CSRF token."""
    token = token_from(client.get("/signin").text)
    response = client.post("/signin", data={"name": name, "password": password,
                                            "csrf_token": token, "next": "/queue"})
    assert response.status_code == 303, response.text
    return token_from(client.get("/queue").text)


@pytest.fixture
def signed_in(client: TestClient, alice: str) -> str:
    """Sign alice in on ``client``; the value is the CSRF token for her session."""
    return sign_in(client, alice)


def queue_draft(store: Store, settings: Settings, text: str | None = None) -> Draft:
    abstract = parse_text(text or example_text())
    return store.add(DraftingCore(settings).sync.draft(abstract))
