"""The one retry policy for model calls, built on tenacity (async; the sync facade runs it).

Retried: 408, 409, 429 (except ``insufficient_quota``: no wait adds credit), 5xx (including an
edge 503 with a plain-text body), timeouts and connection errors. Not retried: every other 4xx.

The wait honours, in order, ``retry-after-ms``, ``Retry-After`` (seconds or an HTTP date) and
the ``x-ratelimit-reset-*`` header of a bucket the response says is exhausted (parsed in
``headers.py``); without them it is exponential backoff with jitter. Every wait is capped at
``max_wait``, and the policy stops before a wait that would run past the draft's ``deadline``.
The SDK client is built with ``max_retries=0`` so retries are never stacked.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import openai
from tenacity import (
    AsyncRetrying,
    RetryCallState,
    retry_if_exception,
    stop_after_attempt,
    stop_before_delay,
    wait_exponential_jitter,
)

from .headers import server_wait

RETRY_STATUSES = {408, 409, 429}
MAX_ATTEMPTS = 6
Sleep = Callable[[float], Awaitable[None]]


def is_retryable(exc: BaseException) -> bool:
    """True for failures that a later attempt may not see."""
    if isinstance(exc, openai.APITimeoutError | openai.APIConnectionError):
        return True
    if isinstance(exc, openai.APIStatusError):
        if exc.status_code == 429 and error_code(exc) == "insufficient_quota":
            return False
        return exc.status_code in RETRY_STATUSES or exc.status_code >= 500
    return False


def error_code(exc: openai.APIStatusError) -> str | None:
    """The ``error.code`` (or ``error.type``) of an API error body, when it has one."""
    body = exc.body if isinstance(exc.body, dict) else {}
    inner = body.get("error", body)
    if isinstance(inner, dict):
        code = inner.get("code") or inner.get("type")
        return str(code) if code else None
    return None


class WaitRetryAfter:
    """tenacity wait: the server's requested delay when given, else backoff with jitter."""

    def __init__(self, max_wait: float) -> None:
        self.max_wait = max_wait
        self.fallback = wait_exponential_jitter(initial=1, max=max_wait, jitter=1)

    def __call__(self, state: RetryCallState) -> float:
        exc = state.outcome.exception() if state.outcome else None
        if isinstance(exc, openai.APIStatusError):
            asked = server_wait(exc.response.headers)
            if asked is not None:
                return min(asked, self.max_wait)
        return min(self.fallback(state), self.max_wait)


def retry_policy(*, deadline: float, max_wait: float, sleep: Sleep | None = None) -> AsyncRetrying:
    """The model-call retry policy; ``sleep`` is an injectable coroutine so tests do not wait."""
    kwargs: dict[str, Any] = {"sleep": sleep} if sleep is not None else {}
    return AsyncRetrying(
        retry=retry_if_exception(is_retryable),
        wait=WaitRetryAfter(max_wait),
        stop=stop_after_attempt(MAX_ATTEMPTS) | stop_before_delay(deadline),
        reraise=True,
        **kwargs,
    )
