"""Whoever opens a store or an SDK client closes it, however the work ends.

Python 3.13's sqlite3 reports a connection collected unclosed; these tests check the owners
directly, on every version (conftest's ``closed_connections`` also fails any test that leaks).
"""

from __future__ import annotations

from typing import Any

from click.testing import CliRunner

from laydraft.cli import cli
from laydraft.cli.app import Context
from laydraft.config import Settings
from laydraft.db import Store
from laydraft.drafting.provider import ModelProvider


class Recording(Context):
    """The CLI context, keeping a hand on every store and provider it gives out."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.stores: list[Store] = []
        self.providers: list[ModelProvider] = []

    def store(self, settings: Settings | None = None) -> Store:
        made = super().store(settings)
        self.stores.append(made)
        return made

    def provider(self, settings: Settings, rate_limited: bool = False) -> ModelProvider:
        made = super().provider(settings, rate_limited)
        self.providers.append(made)
        return made


def _pooled(store: Store) -> int:
    """Connections the store's pool holds open (0 once it is closed)."""
    return store.engine.pool.checkedin()  # type: ignore[attr-defined, no-any-return]


def test_a_command_closes_the_stores_it_opened() -> None:
    context = Recording()
    result = CliRunner().invoke(cli, ["draft", "--example"], obj=context)
    assert result.exit_code == 0, result.output
    assert context.stores and all(_pooled(store) == 0 for store in context.stores)


def test_a_failing_command_closes_its_stores_too() -> None:
    context = Recording()
    result = CliRunner().invoke(cli, ["review", "show", "99"], obj=context)
    assert result.exit_code == 2, result.output
    assert context.stores and all(_pooled(store) == 0 for store in context.stores)


def test_a_context_used_again_opens_and_closes_afresh() -> None:
    context = Recording()
    for _ in range(2):
        assert CliRunner().invoke(cli, ["queue", "list"], obj=context).exit_code == 0
    assert len(context.stores) == 2 and all(_pooled(store) == 0 for store in context.stores)


def test_batch_status_closes_the_sdk_client(api_key: str) -> None:
    clients = []

    def provider(settings: Settings, **_: Any) -> ModelProvider:
        made = ModelProvider(settings)
        original = made.batch_client

        def batch_client() -> Any:
            client = original()
            clients.append(client)
            return client

        made.batch_client = batch_client  # type: ignore[method-assign]
        return made

    result = CliRunner().invoke(cli, ["batch", "status"], obj=Recording(provider=provider))
    assert result.exit_code == 0, result.output  # no jobs: the API is never asked
    assert len(clients) == 1 and clients[0].is_closed()


def test_a_provider_closes_every_sync_client_it_made(api_key: str,
                                                     settings: Settings) -> None:
    provider = ModelProvider(settings)
    made = [provider.batch_client(), provider.batch_client()]
    assert not any(client.is_closed() for client in made)
    provider.close()
    assert all(client.is_closed() for client in made)
