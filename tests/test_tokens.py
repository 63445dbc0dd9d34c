"""Counting tokens before sending, offline; the context window and budget; prices."""

from __future__ import annotations

import base64
import hashlib
from pathlib import Path

import pytest

from laydraft import tokens
from laydraft.config import Price, Settings, load_settings
from laydraft.errors import BudgetError
from laydraft.models import Usage


@pytest.fixture(autouse=True)
def fresh_encodings():  # type: ignore[no-untyped-def]
    tokens.load_encoding.cache_clear()
    yield
    tokens.load_encoding.cache_clear()


@pytest.fixture
def no_local_encodings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty tiktoken cache and no package shipping an encoding."""
    cache = tmp_path / "tiktoken-cache"
    cache.mkdir()
    monkeypatch.setenv("TIKTOKEN_CACHE_DIR", str(cache))
    monkeypatch.setattr(tokens, "SHIPPED_FILES", {})
    return cache


def test_counting_works_with_the_network_blocked_and_says_when_it_estimates(
    no_local_encodings: Path
) -> None:
    # pytest-socket blocks every socket here: a download attempt would fail this test.
    count = tokens.count_text("Poor sleep was linked to more relapses.", "gpt-4o-mini")
    assert count == tokens.TokenCount(tokens=count.tokens, encoding="estimate", exact=False)
    assert count.label.endswith("(estimate)") and 7 <= count.tokens <= 12
    assert list(no_local_encodings.iterdir()) == []  # nothing was fetched into the cache


def test_whatever_this_machine_has_the_count_needs_no_network() -> None:
    count = tokens.count_text("Relapse rates were similar.", "gpt-4o-mini")
    assert count.tokens > 0
    assert count.exact is (tokens.load_encoding("o200k_base") is not None)


def test_a_cached_file_with_the_wrong_hash_is_not_trusted(no_local_encodings: Path) -> None:
    url = tokens._TIKTOKEN_URL.format(name="o200k_base")
    (no_local_encodings / hashlib.sha1(url.encode()).hexdigest()).write_bytes(b"aGk= 0\n")
    assert tokens.load_encoding("o200k_base") is None
    assert not tokens.count_text("hi", "gpt-4o").exact


def test_an_exact_encoding_is_read_from_the_local_tiktoken_cache(
    no_local_encodings: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A toy byte-level encoding stands in for o200k_base (the real file is 3.6 MB).
    data = b"".join(base64.b64encode(bytes([i])) + b" %d\n" % i for i in range(256))
    monkeypatch.setitem(tokens.ENCODINGS, "toy_base",
                        (hashlib.sha256(data).hexdigest(), tokens._CL100K_PATTERN))
    monkeypatch.setattr(tokens, "encoding_name", lambda model: "toy_base")
    url = tokens._TIKTOKEN_URL.format(name="toy_base")
    (no_local_encodings / hashlib.sha1(url.encode()).hexdigest()).write_bytes(data)
    count = tokens.count_text("sleep", "gpt-4o-mini")
    assert count == tokens.TokenCount(tokens=5, encoding="toy_base", exact=True)
    assert count.label == "5 tokens (toy_base)"


def test_models_other_servers_serve_are_estimated(no_local_encodings: Path) -> None:
    assert tokens.encoding_name("llama3.1:8b") is None
    assert not tokens.count_text("hello there", "llama3.1:8b").exact


@pytest.mark.parametrize(("text", "expected"), [
    ("", 0), ("sleep", 1), ("relapsing-remitting", 5), ("0.41", 3), ("multiple sclerosis", 4),
])
def test_estimate_tokens(text: str, expected: int) -> None:
    assert tokens.estimate_tokens(text) == expected


def test_messages_add_the_chat_format_overhead(no_local_encodings: Path) -> None:
    messages = [{"role": "system", "content": "sleep"}, {"role": "user", "content": "sleep"}]
    assert tokens.count_messages(messages, "gpt-4o").tokens == 2 + 3 * 2 + 3


@pytest.mark.parametrize(("model", "window"), [
    ("gpt-4o-mini", 128_000), ("gpt-4o-mini-2024-07-18", 128_000), ("gpt-4", 8_192),
    ("gpt-4.1-mini", 1_047_576), ("llama3.1:8b", 128_000), ("llama3", 8_192),
    ("some-local-model", 128_000),
])
def test_context_windows(model: str, window: int) -> None:
    assert tokens.context_window(Settings(model=model)) == window


def test_the_context_window_setting_overrides_the_table() -> None:
    assert tokens.context_window(Settings(model="llama3.1", context_window=4096)) == 4096


def test_plan_refuses_a_prompt_over_the_budget_and_says_which_setting(
    no_local_encodings: Path
) -> None:
    settings = load_settings(overrides={"max_tokens_per_draft": 2000})
    small = [{"role": "user", "content": "word " * 100}]
    plan = tokens.plan_tokens(settings, small)
    assert plan.max_answer == 1250 and plan.total == plan.prompt.tokens + 1250
    with pytest.raises(BudgetError, match=r"about \d+ tokens \(estimate\).*max_tokens_per_draft"):
        tokens.plan_tokens(settings, [{"role": "user", "content": "word " * 1000}])


def test_a_truncated_answer_gets_double_the_room_once_within_limits() -> None:
    settings = load_settings()
    plan = tokens.plan_tokens(settings, [{"role": "user", "content": "hi"}])
    assert tokens.larger_answer_room(settings, plan, 1250) == 2500
    tight = plan.model_copy(update={"budget": plan.prompt.tokens + 1250})
    assert tokens.larger_answer_room(settings, tight, 1250) is None


def test_cost_counts_cached_prompt_tokens_at_the_cached_rate() -> None:
    price = Price(input=0.15, cached_input=0.075, output=0.60)
    usage = Usage(prompt_tokens=1220, cached_tokens=1152, completion_tokens=100)
    assert tokens.cost_of(usage, price) == pytest.approx(
        (68 * 0.15 + 1152 * 0.075 + 100 * 0.60) / 1e6)
    assert tokens.cost_of(usage, None) is None


def test_estimated_cost_is_the_prompt_plus_the_longest_answer() -> None:
    settings = load_settings()
    plan = tokens.plan_tokens(settings, [{"role": "user", "content": "hi"}])
    assert tokens.estimated_cost(settings, plan) == pytest.approx(
        (plan.prompt.tokens * 0.15 + 1250 * 0.60) / 1e6)
    assert tokens.estimated_cost(settings.model_copy(update={"model": "llama3.1"}), plan) is None
