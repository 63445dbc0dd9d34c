"""The web app closes the store it opened itself when the server stops; a store handed in is
its caller's to close."""

from __future__ import annotations

from starlette.testclient import TestClient

from laydraft.config import Settings
from laydraft.db import Store
from laydraft.web import create_app

from .conftest import SECRET


def _pooled(store: Store) -> int:
    return store.engine.pool.checkedin()  # type: ignore[attr-defined, no-any-return]


def test_the_app_closes_its_own_store_at_shutdown(settings: Settings) -> None:
    app = create_app(settings, secret=SECRET)
    own: Store = app.state.laydraft.store
    with TestClient(app) as client:
        assert client.get("/signin").status_code == 200
        assert _pooled(own) > 0
    assert _pooled(own) == 0


def test_a_store_handed_in_stays_open_for_its_owner(settings: Settings, store: Store) -> None:
    with TestClient(create_app(settings, store, secret=SECRET)) as client:
        assert client.get("/signin").status_code == 200
    assert _pooled(store) > 0  # the fixture closes it
