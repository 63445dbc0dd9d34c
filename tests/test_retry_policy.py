"""The retry policy alone: which failures are retried, how long it waits, when it stops."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from typing import Any

import httpx2
import openai
import pytest

from laydraft.drafting.headers import parse_duration, server_wait
from laydraft.drafting.retry import is_retryable, retry_policy

REQUEST = httpx2.Request("POST", "https://api.openai.com/v1/chat/completions")


def status_error(status: int, code: str | None = None, headers: dict[str, str] | None = None,
                 text: str | None = None) -> openai.APIStatusError:
    body: Any = text if text is not None else {
        "error": {"message": "x", "type": code, "param": None, "code": code}}
    response = httpx2.Response(status, headers=headers or {}, request=REQUEST)
    return openai.APIStatusError("x", response=response, body=body)


@pytest.mark.parametrize(("status", "code", "retried"), [
    (408, None, True), (409, None, True), (429, "rate_limit_exceeded", True),
    (429, "insufficient_quota", False), (500, "server_error", True), (502, None, True),
    (503, None, True), (400, "invalid_request_error", False), (401, "invalid_api_key", False),
    (403, None, False), (404, "model_not_found", False), (422, None, False),
])
def test_which_statuses_are_retried(status: int, code: str | None, retried: bool) -> None:
    assert is_retryable(status_error(status, code)) is retried


def test_plain_text_503_timeouts_and_connection_errors_are_retried() -> None:
    assert is_retryable(status_error(503, text="upstream connect error or disconnect/reset"))
    assert is_retryable(openai.APITimeoutError(request=REQUEST))
    assert is_retryable(openai.APIConnectionError(request=REQUEST))
    assert not is_retryable(ValueError("a bug, not the network"))


@pytest.mark.parametrize(("text", "seconds"), [
    ("6ms", 0.006), ("0s", 0.0), ("1.5s", 1.5), ("21m36.001s", 1296.001), ("2", 2.0),
    ("1h2m", 3720.0), ("soon", None), ("", None),
])
def test_parse_duration(text: str, seconds: float | None) -> None:
    assert parse_duration(text) == (pytest.approx(seconds) if seconds is not None else None)


def test_retry_after_ms_wins_then_retry_after_then_the_exhausted_buckets_reset() -> None:
    assert server_wait(httpx2.Headers({"retry-after-ms": "1500", "retry-after": "9"})) == 1.5
    assert server_wait(httpx2.Headers({"retry-after": "20",
                                       "x-ratelimit-reset-requests": "21m36.001s"})) == 20
    # Only the bucket that is empty matters; the other one may be far from its reset.
    exhausted = httpx2.Headers({"x-ratelimit-remaining-requests": "196",
                                "x-ratelimit-reset-requests": "21m36.001s",
                                "x-ratelimit-remaining-tokens": "0",
                                "x-ratelimit-reset-tokens": "115ms"})
    assert server_wait(exhausted) == pytest.approx(0.115)
    assert server_wait(httpx2.Headers({"x-ratelimit-reset-requests": "2s",
                                       "x-ratelimit-reset-tokens": "7ms"})) == 2.0
    assert server_wait(httpx2.Headers({"content-type": "text/plain"})) is None


def test_retry_after_as_an_http_date() -> None:
    later = format_datetime(datetime.now(UTC) + timedelta(seconds=30), usegmt=True)
    assert 25 < (server_wait(httpx2.Headers({"retry-after": later})) or 0) <= 30


def flaky(errors: list[BaseException]) -> tuple[list[int], Any]:
    calls: list[int] = []

    async def call() -> str:
        calls.append(1)
        if errors:
            raise errors.pop(0)
        return "ok"

    return calls, call


def recorder(waits: list[float]) -> Callable[[float], Awaitable[None]]:
    async def sleep(seconds: float) -> None:
        waits.append(seconds)

    return sleep


def attempt(deadline: float, max_wait: float, waits: list[float], call: Any) -> Any:
    """Run ``call`` under the (async) policy, recording its waits instead of sleeping."""
    return asyncio.run(retry_policy(deadline=deadline, max_wait=max_wait,
                                    sleep=recorder(waits))(call))


def test_waits_are_capped_at_max_wait() -> None:
    waits: list[float] = []
    calls, call = flaky([status_error(429, "rate_limit_exceeded", {"retry-after": "90"})])
    assert attempt(600, 30, waits, call) == "ok"
    assert waits == [30] and len(calls) == 2


def test_backoff_grows_with_jitter_when_the_server_gives_no_delay() -> None:
    waits: list[float] = []
    calls, call = flaky([status_error(500, "server_error") for _ in range(4)])
    attempt(600, 30, waits, call)
    assert len(waits) == 4 and all(0 < w <= 30 for w in waits)
    assert waits[3] > waits[0]


def test_stops_before_a_wait_that_would_pass_the_deadline() -> None:
    waits: list[float] = []
    calls, call = flaky([status_error(429, "rate_limit_exceeded", {"retry-after": "10"})])
    with pytest.raises(openai.APIStatusError):
        attempt(5, 30, waits, call)
    assert waits == [] and len(calls) == 1


def test_gives_up_at_the_deadline_not_after_a_count() -> None:
    now = [0.0]
    waits: list[float] = []

    async def sleep(seconds: float) -> None:
        waits.append(seconds)
        now[0] += seconds

    calls, call = flaky([status_error(503, text="down") for _ in range(200)])
    with pytest.raises(openai.APIStatusError):
        asyncio.run(retry_policy(deadline=60, max_wait=2, sleep=sleep, clock=lambda: now[0])(call))
    assert len(calls) > 20  # far more than the old fixed count of 6
    assert now[0] <= 60 and sum(waits) == pytest.approx(now[0])
    assert 60 - now[0] < 0.05 or len(calls) == 200  # the last attempt landed on the deadline


def test_insufficient_quota_is_raised_at_once() -> None:
    waits: list[float] = []
    calls, call = flaky([status_error(429, "insufficient_quota")])
    with pytest.raises(openai.APIStatusError):
        attempt(600, 30, waits, call)
    assert len(calls) == 1 and waits == []
