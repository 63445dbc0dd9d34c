"""The OpenAI drafter through the real SDK, on recorded exchanges in the API's wire format."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from conftest import FIXTURES
from laydraft.config import Settings
from laydraft.core import DraftingCore
from laydraft.db import Store
from laydraft.errors import ModelAPIError
from laydraft.models import Abstract, Draft
from replay import Cassette, UnmatchedRequest, replay_provider

pytestmark = pytest.mark.model  # the `settings` fixture drafts with the model


def draft_abstract(settings: Settings, abstract: Abstract, transport: Cassette,
                   waits: list[float] | None = None) -> Draft:
    """The drafting core's sync facade over the OpenAI drafter, replaying ``transport``."""
    core = DraftingCore(settings, provider=replay_provider(settings, transport, waits))
    return core.sync.draft(abstract)


def test_success_returns_a_valid_summary_with_usage_and_cost(
    settings: Settings, abstract: Abstract, cassette: Callable[[str], Cassette]
) -> None:
    transport = cassette("openai/success")
    draft = draft_abstract(settings, abstract, transport)
    assert transport.calls == 1
    assert "slept poorly" in draft.summary.headline
    p = draft.provenance
    assert (p.drafter, p.model) == ("openai", "gpt-4o-mini-2024-07-18")
    assert (p.tokens_in, p.tokens_out) == (812, 236)
    # gpt-4o-mini prices from config.toml: 0.15 in, 0.60 out per million tokens.
    assert p.cost_usd == pytest.approx((812 * 0.15 + 236 * 0.60) / 1e6)
    assert p.attempts[0].request_id == "req_1f3e5d7c9b0a42e6a8c4d2f0e1b3a5c7"


def test_request_uses_strict_json_schema_and_no_sdk_retries(
    settings: Settings, abstract: Abstract, cassette: Callable[[str], Cassette]
) -> None:
    transport = cassette("openai/success")
    draft_abstract(settings, abstract, transport)
    body = transport.sent[0]["body"]
    assert body["response_format"]["type"] == "json_schema"
    assert body["response_format"]["json_schema"]["strict"] is True
    assert body["messages"][0]["role"] == "system"
    assert body["messages"][-1]["content"].rstrip().endswith("</abstract>")
    assert replay_provider(settings, transport).async_client().max_retries == 0


def test_rate_limit_is_retried_after_the_servers_delay_and_stores_one_draft(
    settings: Settings, abstract: Abstract, cassette: Callable[[str], Cassette], store: Store
) -> None:
    transport = cassette("openai/rate_limited_then_success")
    waits: list[float] = []
    draft = draft_abstract(settings, abstract, transport, waits)
    store.add(draft)
    assert transport.calls == 2
    assert waits == [1.0]  # retry-after-ms: 1000
    assert [a.http_status for a in draft.provenance.attempts] == [429, 200]
    assert draft.provenance.attempts[0].error_code == "rate_limit_exceeded"
    assert store.count() == 1


def test_server_error_is_retried(
    settings: Settings, abstract: Abstract, cassette: Callable[[str], Cassette]
) -> None:
    transport = cassette("openai/server_error_then_success")
    waits: list[float] = []
    draft = draft_abstract(settings, abstract, transport, waits)
    assert transport.calls == 2
    assert len(waits) == 1 and 0 < waits[0] <= settings.retry_max_wait
    assert [a.http_status for a in draft.provenance.attempts] == [500, 200]


def test_unauthorized_fails_at_once_saying_how_to_set_the_key(
    settings: Settings, abstract: Abstract, cassette: Callable[[str], Cassette], store: Store
) -> None:
    transport = cassette("openai/unauthorized")
    with pytest.raises(ModelAPIError, match="OPENAI_API_KEY") as info:
        draft_abstract(settings, abstract, transport)
    assert info.value.status == 401
    assert transport.calls == 1
    assert store.count() == 0


def test_an_unrecorded_request_fails_loudly_showing_what_was_sent(
    settings: Settings, cassette: Callable[[str], Cassette]
) -> None:
    transport = Cassette(FIXTURES / "http" / "openai" / "success.json")
    transport.refresh = False  # this test must fail to match, whatever mode the run is in
    other = Abstract(text="A different abstract. " * 20)
    with pytest.raises(UnmatchedRequest, match="no recording in success.json"):
        draft_abstract(settings, other, transport)


def test_the_fake_key_never_reaches_a_fixture(api_key: str) -> None:
    for path in (FIXTURES / "http").rglob("*.json"):
        assert api_key not in path.read_text(), path


@pytest.mark.parametrize("mode", ["json_schema", "json_object", "tools"])
def test_the_body_sent_untransformed_is_byte_for_byte_what_the_typed_sdk_call_sends(
    settings: Settings, abstract: Abstract, mode: str
) -> None:
    """The drafter hands the SDK its wire-format body as ``extra_body`` (no per-request walk
    over the TypedDicts); the bytes, which key the answer journal, must not change."""
    import asyncio

    import httpx2
    import openai

    from laydraft.drafting.openai_drafter import sdk_arguments
    from laydraft.drafting.session import DraftSession
    from laydraft.prompts import render_draft_prompt

    mode_settings = settings.model_copy(update={"structured_output": mode})
    body = DraftSession(mode_settings, render_draft_prompt(mode_settings, abstract)).request
    sent: list[bytes] = []

    def answer(request: httpx2.Request) -> httpx2.Response:
        sent.append(request.content)
        return httpx2.Response(400, json={"error": {"message": "recorded, not answered"}})

    async def send_both() -> None:
        client = openai.AsyncOpenAI(
            api_key="sk-test-not-a-key", base_url="http://replay.invalid/v1", max_retries=0,
            http_client=httpx2.AsyncClient(transport=httpx2.MockTransport(answer)))
        for arguments in (body, sdk_arguments(body)):
            with pytest.raises(openai.BadRequestError):
                await client.chat.completions.create(**arguments)
        await client.close()

    asyncio.run(send_both())
    assert sent[0] == sent[1]
