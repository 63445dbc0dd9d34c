"""Retries follow ``retry_deadline``, not a count, and the message says what was really tried.

The model server is ``fake_openai.FakeServer`` under the real SDK, provider and policy; sleeps
advance a fake clock the policy reads, so nothing waits for real.
"""

from __future__ import annotations

import asyncio
import re
from typing import Any

import openai
import pytest
from click.testing import CliRunner

from conftest import FIXTURES
from fake_openai import RATE_LIMITED, SUCCESS, FakeServer, provider_factory
from laydraft.cli import cli
from laydraft.cli.app import Context
from laydraft.config import Settings, load_settings
from laydraft.core import DraftingCore
from laydraft.drafting.openai_drafter import explain_status_error
from laydraft.errors import ModelAPIError, RunHalted
from laydraft.models import Abstract

EXAMPLE = FIXTURES / "abstracts" / "example.txt"
SERVER_ERROR = {"status": 503, "headers": {"content-type": "text/plain"}, "body": "upstream down"}


def waiting(seconds: float) -> dict[str, Any]:
    """A 429 that asks for ``seconds`` of wait."""
    return {**RATE_LIMITED, "headers": {"content-type": "application/json",
                                        "retry-after": f"{seconds:g}"}}


def draft(settings: Settings, server: FakeServer, clock: list[float],
          waits: list[float] | None = None) -> Any:
    provider = provider_factory(server, waits, clock)(settings)
    core = DraftingCore(settings, provider=provider)

    async def go() -> Any:
        try:
            return await core.draft(Abstract(text=EXAMPLE.read_text(),
                                             title="Sleep quality and relapse activity in MS"))
        finally:
            await core.aclose()

    return asyncio.run(go()), provider


@pytest.fixture
def model_settings(api_key: str) -> Settings:
    return load_settings(overrides={"drafter": "openai", "retry_deadline": 120,
                                    "retry_max_wait": 30})


def test_a_burst_of_eight_429s_does_not_fail_a_draft_with_a_120_s_deadline(
        model_settings: Settings) -> None:
    clock = [0.0]
    server = FakeServer(lambda n, _u: waiting(1) if n <= 8 else SUCCESS)
    made, _ = draft(model_settings, server, clock)
    assert made.summary.headline and server.received == 9
    assert clock[0] == pytest.approx(8.0)  # eight waits of the asked one second


def test_the_cli_drafts_through_the_burst_too(api_key: str) -> None:
    clock = [0.0]
    server = FakeServer(lambda n, _u: waiting(0.5) if n <= 8 else SUCCESS)
    result = CliRunner().invoke(cli, ["draft", "--drafter", "openai", str(EXAMPLE)],
                                obj=Context(provider=provider_factory(server, clock=clock)))
    assert result.exit_code == 0, result.output
    assert server.received == 9


def test_gives_up_at_the_deadline_and_says_how_many_attempts_over_how_long(
        model_settings: Settings) -> None:
    clock = [0.0]
    server = FakeServer(lambda _n, _u: waiting(10))
    with pytest.raises(ModelAPIError) as info:
        draft(model_settings, server, clock)
    message = str(info.value)
    found = re.search(r"after (\d+) attempts over (\d+) s", message)
    assert found, message
    attempts, seconds = int(found[1]), int(found[2])
    assert attempts == server.received >= 12  # 0, 10, ..., 110 s: not the old six
    assert seconds == pytest.approx(clock[0], abs=1) and clock[0] <= 120
    assert "retrying for up to" not in message
    assert info.value.context["tries"] == attempts


def test_backoff_without_a_server_wait_ends_on_the_deadline_not_past_it(
        model_settings: Settings) -> None:
    clock = [0.0]
    waits: list[float] = []
    server = FakeServer(lambda _n, _u: SERVER_ERROR)
    with pytest.raises(ModelAPIError, match=r"failed \(503: upstream down\) after \d+ attempts"):
        draft(model_settings, server, clock, waits)
    assert server.received > 6 and max(waits) <= 30
    assert 119 <= clock[0] <= 120  # the last backoff was shortened to land on the deadline


def test_a_server_wait_past_the_deadline_stops_instead_of_overrunning(api_key: str) -> None:
    settings = load_settings(overrides={"drafter": "openai", "retry_deadline": 25,
                                        "retry_max_wait": 60})
    clock = [0.0]
    server = FakeServer(lambda _n, _u: waiting(20))
    with pytest.raises(ModelAPIError, match="after 2 attempts over 20 s"):
        draft(settings, server, clock)
    assert clock[0] == 20 and server.received == 2  # a third wait of 20 s would end at 40


def test_a_halted_run_sends_no_retry(model_settings: Settings) -> None:
    clock = [0.0]
    server = FakeServer(lambda _n, _u: waiting(1))
    provider = provider_factory(server, clock=clock)(model_settings, rate_limited=True)
    server.on_request = lambda n: provider.gate.halt("a fatal answer elsewhere") if n == 3 else None
    core = DraftingCore(model_settings, provider=provider)

    async def go() -> Any:
        try:
            return await core.draft(Abstract(text=EXAMPLE.read_text()))
        finally:
            await core.aclose()

    with pytest.raises(RunHalted, match="a fatal answer elsewhere"):
        asyncio.run(go())
    assert server.received == 3  # the 429 was not retried once the run had stopped
    with pytest.raises(RunHalted):
        asyncio.run(go())
    assert server.received == 3


def test_a_single_failed_call_does_not_claim_retries(model_settings: Settings) -> None:
    import httpx2

    response = httpx2.Response(503, request=httpx2.Request("POST", "http://x/v1/files"))
    exc = openai.APIStatusError("down", response=response, body={"error": {"message": "down"}})
    message = str(explain_status_error(exc, model_settings))
    assert "on the first attempt" in message and "retrying" not in message
