"""Every way a real model call ends: one valid summary, or one failure a person can act on.

Each test replays a recorded exchange in the API's wire format and checks the final state, the
number of HTTP calls, and the tokens and cost recorded for every billed attempt.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import pytest

from conftest import EXAMPLE
from laydraft.config import Settings, load_settings
from laydraft.core import DraftingCore
from laydraft.errors import BudgetError, DraftFailed, ModelAPIError
from laydraft.models import Abstract, Draft
from laydraft.prompts import render_draft_prompt
from replay import Cassette, replay_provider

pytestmark = pytest.mark.model  # the `settings` fixture drafts with the model

IN, CACHED_IN, OUT = 0.15, 0.075, 0.60  # gpt-4o-mini, $ per million tokens (config.toml)


def price(prompt: int, completion: int) -> float:
    return (prompt * IN + completion * OUT) / 1e6


def core_for(settings: Settings, transport: Cassette,
             waits: list[float] | None = None) -> DraftingCore:
    return DraftingCore(settings, provider=replay_provider(settings, transport, waits))


def run(settings: Settings, abstract: Abstract, transport: Cassette,
        waits: list[float] | None = None) -> Draft:
    """Through the sync facade, as the CLI and the web app draft (and then store: settled)."""
    core = core_for(settings, transport, waits)
    draft = core.sync.draft(abstract)
    core.settle(draft)
    return draft


# Retries -----------------------------------------------------------------------------------


def test_429_waits_as_long_as_retry_after_says_then_succeeds(
    settings: Settings, abstract: Abstract, cassette: Callable[[str], Cassette]
) -> None:
    transport = cassette("openai/retry_after_then_success")
    waits: list[float] = []
    out = run(settings, abstract, transport, waits)
    assert transport.calls == 2
    # Retry-After: 2 wins over the (other bucket's) 21-minute x-ratelimit-reset-requests.
    assert waits == [2.0]
    p = out.provenance
    assert [(a.http_status, a.outcome) for a in p.attempts] == [(429, "http_error"), (200, "ok")]
    assert p.attempts[0].request_id == "req_3c1d9e7f2a4b46c8a0e2d4f6b8c1a3e5"
    assert (p.tokens_in, p.tokens_out) == (812, 241)
    assert p.cost_usd == pytest.approx(price(812, 241))


def test_429_insufficient_quota_is_not_retried_and_says_so(
    settings: Settings, abstract: Abstract, cassette: Callable[[str], Cassette]
) -> None:
    transport = cassette("openai/insufficient_quota")
    waits: list[float] = []
    with pytest.raises(ModelAPIError, match="run out of quota.*did not retry") as info:
        run(settings, abstract, transport, waits)
    assert transport.calls == 1 and waits == []
    err = info.value
    assert (err.status, err.api_code) == (429, "insufficient_quota")
    assert [a.error_code for a in err.context["attempts"]] == ["insufficient_quota"]
    assert err.context["cost_usd"] == 0.0


def test_plain_text_503_from_the_edge_is_retried_three_times(
    settings: Settings, abstract: Abstract, cassette: Callable[[str], Cassette]
) -> None:
    transport = cassette("openai/edge_503_three_times_then_success")
    waits: list[float] = []
    out = run(settings, abstract, transport, waits)
    assert transport.calls == 4
    assert len(waits) == 3 and all(0 < w <= settings.retry_max_wait for w in waits)
    attempts = out.provenance.attempts
    assert [a.http_status for a in attempts] == [503, 503, 503, 200]
    assert attempts[0].request_id is None  # the edge sends no x-request-id
    assert "upstream connect error" in (attempts[0].detail or "")
    assert out.provenance.cost_usd == pytest.approx(price(812, 241))


def test_read_timeout_is_retried(
    settings: Settings, abstract: Abstract, cassette: Callable[[str], Cassette]
) -> None:
    transport = cassette("openai/read_timeout_then_success")
    waits: list[float] = []
    out = run(settings, abstract, transport, waits)
    assert transport.calls == 2 and len(waits) == 1
    assert [a.outcome for a in out.provenance.attempts] == ["timeout", "ok"]
    assert out.provenance.tokens_in == 812


def test_unknown_model_fails_at_once_naming_the_setting(
    settings: Settings, abstract: Abstract, cassette: Callable[[str], Cassette]
) -> None:
    transport = cassette("openai/model_not_found")
    with pytest.raises(ModelAPIError, match="--model") as info:
        run(settings, abstract, transport)
    assert transport.calls == 1
    assert (info.value.status, info.value.api_code) == (404, "model_not_found")


def test_json_schema_unsupported_names_the_fallback_mode(
    settings: Settings, abstract: Abstract, cassette: Callable[[str], Cassette]
) -> None:
    transport = cassette("openai/json_schema_not_supported")
    with pytest.raises(ModelAPIError, match='structured_output = "json_object"') as info:
        run(settings, abstract, transport)
    assert transport.calls == 1 and info.value.status == 400
    assert info.value.context["attempts"][0].request_id == "req_d5f7a9c1e3b046a4d6f8a1c3e5b7d9f1"


# Structured-output failures ----------------------------------------------------------------


def test_refusal_ends_as_refused_keeping_the_models_words_and_the_bill(
    settings: Settings, abstract: Abstract, cassette: Callable[[str], Cassette]
) -> None:
    transport = cassette("openai/refusal")
    with pytest.raises(DraftFailed) as info:
        run(settings, abstract, transport)
    err = info.value
    assert err.reason == "refused" and transport.calls == 1
    assert err.context["refusal"] == "I'm sorry, but I can't help with that request."
    assert "can't help" in str(err)
    assert err.context["usage"].completion_tokens == 12
    assert err.context["cost_usd"] == pytest.approx(price(812, 12))
    assert err.context["attempts"][0].outcome == "refused"


def test_content_filter_ends_as_filtered(
    settings: Settings, abstract: Abstract, cassette: Callable[[str], Cassette]
) -> None:
    transport = cassette("openai/content_filter")
    with pytest.raises(DraftFailed) as info:
        run(settings, abstract, transport)
    assert info.value.reason == "filtered" and transport.calls == 1
    assert info.value.context["cost_usd"] == pytest.approx(price(812, 0))


def test_length_is_retried_once_with_a_larger_max_tokens(
    settings: Settings, abstract: Abstract, cassette: Callable[[str], Cassette]
) -> None:
    transport = cassette("openai/length_then_success")
    out = run(settings, abstract, transport)
    assert transport.calls == 2
    assert [s["body"]["max_tokens"] for s in transport.sent] == [1250, 2500]
    p = out.provenance
    assert [a.outcome for a in p.attempts] == ["truncated", "ok"]
    assert (p.tokens_in, p.tokens_out) == (812 * 2, 1250 + 241)
    assert p.cost_usd == pytest.approx(price(812, 1250) + price(812, 241))


def test_length_twice_ends_as_truncated(
    settings: Settings, abstract: Abstract, cassette: Callable[[str], Cassette]
) -> None:
    transport = cassette("openai/length_twice")
    with pytest.raises(DraftFailed, match="cut off at max_tokens = 2500") as info:
        run(settings, abstract, transport)
    assert info.value.reason == "truncated" and transport.calls == 2
    assert info.value.context["usage"].completion_tokens == 1250 + 2500
    assert info.value.context["cost_usd"] == pytest.approx(price(812, 1250) + price(812, 2500))


def test_no_room_for_a_larger_answer_ends_as_truncated_at_once(
    settings: Settings, abstract: Abstract, cassette: Callable[[str], Cassette]
) -> None:
    transport = cassette("openai/length_twice")
    prompt = render_draft_prompt(settings, abstract)
    from laydraft.tokens import count_messages

    needed = count_messages(prompt.as_openai(), settings.model).tokens + 1250
    tight = settings.model_copy(update={"max_tokens_per_draft": needed})
    with pytest.raises(DraftFailed, match="cut off at max_tokens = 1250") as info:
        run(tight, abstract, transport)
    assert info.value.reason == "truncated" and transport.calls == 1
    transport.used[1] = True  # the wider retry this budget has no room for


def test_invalid_json_is_repaired(
    settings: Settings, abstract: Abstract, cassette: Callable[[str], Cassette]
) -> None:
    transport = cassette("openai/invalid_json_then_repaired")
    out = run(settings, abstract, transport)
    assert transport.calls == 2
    repair = transport.sent[1]["body"]["messages"]
    assert [m["role"] for m in repair] == ["system", "user", "assistant", "user"]
    assert repair[2]["content"] == transport.interactions[0]["response"]["body"][
        "choices"][0]["message"]["content"]
    assert "not valid JSON" in repair[3]["content"]
    p = out.provenance
    assert [a.outcome for a in p.attempts] == ["invalid_output", "ok"]
    assert (p.tokens_in, p.tokens_out) == (812 + 1105, 240 + 241)
    assert p.cost_usd == pytest.approx(price(812, 240) + price(1105, 241))


def test_word_limit_violations_are_sent_back_and_repaired(
    settings: Settings, abstract: Abstract, cassette: Callable[[str], Cassette]
) -> None:
    transport = cassette("openai/word_limits_then_repaired")
    out = run(settings, abstract, transport)
    assert transport.calls == 2
    errors = transport.sent[1]["body"]["messages"][-1]["content"]
    assert "headline: has 3 words; write at least 5" in errors
    assert "why_it_matters: has 11 words; write at least 30" in errors
    assert out.provenance.attempts[0].detail.startswith("headline: has 3 words")
    assert out.provenance.cost_usd == pytest.approx(price(812, 170) + price(1040, 241))


def test_repair_attempts_exhausted_keeps_the_last_error_and_every_bill(
    settings: Settings, abstract: Abstract, cassette: Callable[[str], Cassette]
) -> None:
    transport = cassette("openai/repairs_exhausted")
    assert settings.repair_attempts == 2
    with pytest.raises(DraftFailed, match="after 2 repair attempts: limitations") as info:
        run(settings, abstract, transport)
    err = info.value
    assert err.reason == "invalid_output" and transport.calls == 3
    assert err.context["errors"] == ["limitations: has 4 words; write at least 20"]
    assert "reading_level: is not a field" in transport.sent[2]["body"]["messages"][-1]["content"]
    assert err.context["usage"].prompt_tokens == 812 + 1120 + 1101
    assert err.context["cost_usd"] == pytest.approx(
        price(812, 262) + price(1120, 247) + price(1101, 196))
    assert [a.outcome for a in err.context["attempts"]] == ["invalid_output"] * 3


# Servers without strict schemas ------------------------------------------------------------


def test_json_object_mode_reads_json_wrapped_in_prose_and_fences(
    abstract: Abstract, cassette: Callable[[str], Cassette]
) -> None:
    local = load_settings(overrides={"drafter": "openai", "model": "llama3.1",
                                     "base_url": "http://localhost:11434/v1",
                                     "structured_output": "json_object"})
    transport = cassette("openai/json_object_with_prose")
    out = run(local, abstract, transport)
    assert transport.calls == 1
    body = transport.sent[0]["body"]
    assert body["response_format"] == {"type": "json_object"}
    assert '"what_was_found"' in body["messages"][0]["content"]  # the schema, in the system turn
    assert body["messages"][-1]["content"].endswith("</abstract>")
    assert out.summary.headline.startswith("Adults with MS")
    p = out.provenance
    assert (p.model, p.tokens_in, p.tokens_out) == ("llama3.1", 1187, 296)
    assert p.cost_usd is None  # no price configured for a local model: "unknown", not $0


def test_tools_mode_forces_one_function_and_reads_its_arguments(
    api_key: str, abstract: Abstract, cassette: Callable[[str], Cassette]
) -> None:
    tools = load_settings(overrides={"drafter": "openai", "structured_output": "tools"})
    transport = cassette("openai/tools_mode")
    out = run(tools, abstract, transport)
    body = transport.sent[0]["body"]
    assert transport.calls == 1 and "response_format" not in body
    assert [t["function"]["name"] for t in body["tools"]] == ["write_lay_summary"]
    assert body["tools"][0]["function"]["parameters"]["required"] == [
        "headline", "what_was_found", "why_it_matters", "limitations"]
    assert body["tool_choice"] == {"type": "function", "function": {"name": "write_lay_summary"}}
    assert "sleep" in out.summary.headline
    assert out.provenance.cost_usd == pytest.approx(price(958, 252))


# Budget, before any call -------------------------------------------------------------------


def test_an_abstract_over_the_budget_is_refused_before_any_call(
    settings: Settings, tmp_path: Any
) -> None:
    transport = Cassette(tmp_path / "none.json")
    huge = Abstract(text="Relapse rates were compared across clinics in great detail. " * 1500)
    with pytest.raises(BudgetError, match="max_tokens_per_draft"):
        run(settings, huge, transport)
    assert transport.calls == 0


def test_the_context_window_is_checked_too(settings: Settings, tmp_path: Any) -> None:
    transport = Cassette(tmp_path / "none.json")
    small = settings.model_copy(update={"context_window": 1500})
    with pytest.raises(BudgetError, match="1500-token context window"):
        run(small, Abstract(text=EXAMPLE), transport)
    assert transport.calls == 0


# The async core and its sync facade: one implementation, the same results ---------------------


def run_async(settings: Settings, abstract: Abstract, transport: Cassette,
              waits: list[float]) -> Draft:
    """Awaited in a running loop, as the batch runner drafts (and then stores: settled)."""
    async def main() -> Draft:
        core = core_for(settings, transport, waits)
        try:
            draft = await core.draft(abstract)
            await asyncio.to_thread(core.settle, draft)
            return draft
        finally:
            await core.aclose()

    return asyncio.run(main())


def test_the_async_core_retries_and_repairs_like_the_sync_facade(
    settings: Settings, abstract: Abstract, cassette: Callable[[str], Cassette],
    no_blocking: object,
) -> None:
    waits: list[float] = []
    limited = cassette("openai/retry_after_then_success")
    out = run_async(settings, abstract, limited, waits)
    assert limited.calls == 2 and waits == [2.0]
    assert out.provenance.cost_usd == pytest.approx(price(812, 241))
    repaired = cassette("openai/word_limits_then_repaired")
    out = run_async(settings, abstract, repaired, waits)
    assert repaired.calls == 2
    assert [a.outcome for a in out.provenance.attempts] == ["invalid_output", "ok"]


def test_the_async_core_fails_with_the_same_reasons(
    settings: Settings, abstract: Abstract, cassette: Callable[[str], Cassette],
    no_blocking: object,
) -> None:
    transport = cassette("openai/refusal")
    with pytest.raises(DraftFailed) as info:
        run_async(settings, abstract, transport, [])
    assert info.value.reason == "refused"
    quota = cassette("openai/insufficient_quota")
    with pytest.raises(ModelAPIError, match="quota"):
        run_async(settings, abstract, quota, [])
    assert quota.calls == 1


def test_the_sync_facade_and_the_async_core_give_the_same_draft(
    settings: Settings, abstract: Abstract, cassette: Callable[[str], Cassette]
) -> None:
    by_facade = run(settings, abstract, cassette("openai/length_then_success"))
    by_core = run_async(settings, abstract, cassette("openai/length_then_success"), [])
    assert by_facade.summary == by_core.summary
    assert by_facade.findings == by_core.findings
    strip = {"created_at": True, "attempts": {"__all__": {"latency_ms"}}}
    assert (by_facade.provenance.model_dump(exclude=strip)
            == by_core.provenance.model_dump(exclude=strip))


def test_the_sync_facade_works_inside_a_running_event_loop(
    settings: Settings, abstract: Abstract, cassette: Callable[[str], Cassette]
) -> None:
    transport = cassette("openai/success")

    async def handler() -> Draft:  # e.g. a sync library call made from an async web handler
        return core_for(settings, transport).sync.draft(abstract)

    assert "slept poorly" in asyncio.run(handler()).summary.headline


# Prompt layout for provider-side caching ---------------------------------------------------


@pytest.mark.parametrize("mode", ["json_schema", "json_object", "tools"])
def test_static_instructions_come_first_and_the_abstract_last(api_key: str, mode: str) -> None:
    from laydraft.drafting.session import DraftSession

    settings = load_settings(overrides={"drafter": "openai", "structured_output": mode})
    one = DraftSession(settings, render_draft_prompt(settings, Abstract(text=EXAMPLE)))
    other = DraftSession(settings, render_draft_prompt(
        settings, Abstract(text="A small trial of evening light therapy in 40 adults.")))
    first, second = one.request["messages"], other.request["messages"]
    assert first[0]["role"] == "system" and "212 adults" not in first[0]["content"]
    assert first[0] == second[0]  # the same static prefix for every abstract
    assert first[-1]["content"].endswith("</abstract>")
    assert EXAMPLE in first[-1]["content"]


def test_a_model_that_refuses_max_tokens_names_the_setting_that_fixes_it(
    abstract: Abstract, cassette: Callable[[str], Cassette], api_key: str
) -> None:
    reasoning = load_settings(overrides={"drafter": "openai", "model": "o3-mini"})
    transport = cassette("openai/max_tokens_unsupported")
    with pytest.raises(ModelAPIError, match='answer_limit_param = "max_completion_tokens"'):
        run(reasoning, abstract, transport)
    assert transport.calls == 1


def test_answer_limit_param_sends_max_completion_tokens(
    abstract: Abstract, cassette: Callable[[str], Cassette], api_key: str
) -> None:
    chosen = load_settings(overrides={"drafter": "openai",
                                      "answer_limit_param": "max_completion_tokens"})
    transport = cassette("openai/max_completion_tokens")
    draft = run(chosen, abstract, transport)
    body = transport.sent[0]["body"]
    assert "max_completion_tokens" in body and "max_tokens" not in body
    assert draft.provenance.tokens_in == 812


def test_concurrent_first_calls_share_one_client(settings: Settings) -> None:
    from laydraft.drafting.openai_drafter import OpenAIDrafter

    async def main() -> bool:
        drafter = OpenAIDrafter(settings)
        first, second = await asyncio.gather(drafter.client(), drafter.client())
        await drafter.aclose()
        return first is second and first.max_retries == 0

    assert asyncio.run(main())
