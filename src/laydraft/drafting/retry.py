"""The one retry policy for model calls, built on tenacity.

Retried: 408, 409, 429 (except ``insufficient_quota``), 5xx, timeouts and connection errors.
The wait honours ``retry-after-ms``, ``Retry-After`` and ``x-ratelimit-reset-*`` when the server
sends them, else exponential backoff with jitter; every wait is capped, and the whole draft has
a deadline. The SDK client is built with ``max_retries=0`` so retries are never stacked.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import openai
from tenacity import (
    RetryCallState,
    Retrying,
    retry_if_exception,
    stop_after_attempt,
    stop_after_delay,
    wait_exponential_jitter,
)

RETRY_STATUSES = {408, 409, 429}
MAX_ATTEMPTS = 6
_DURATION = re.compile(r"(?:(\d+(?:\.\d+)?)h)?(?:(\d+(?:\.\d+)?)m(?!s))?(?:(\d+(?:\.\d+)?)s)?(?:(\d+(?:\.\d+)?)ms)?$")


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
    inner = body.get("error", body) if isinstance(body, dict) else {}
    if isinstance(inner, dict):
        return inner.get("code") or inner.get("type")
    return None


def parse_duration(value: str) -> float | None:
    """Seconds from '6ms', '1.5s', '21m36.001s' or a plain number of seconds."""
    value = value.strip()
    try:
        return float(value)
    except ValueError:
        pass
    match = _DURATION.match(value)
    if not match or not any(match.groups()):
        return None
    h, m, s, ms = (float(g) if g else 0.0 for g in match.groups())
    return h * 3600 + m * 60 + s + ms / 1000


def server_wait(headers: Any) -> float | None:
    """How long the server asked us to wait, in seconds, from the response headers."""
    if headers is None:
        return None
    if (ms := headers.get("retry-after-ms")) is not None:
        try:
            return float(ms) / 1000
        except ValueError:
            pass
    if (after := headers.get("retry-after")) is not None and (secs := parse_duration(after)):
        return secs
    resets = [parse_duration(headers.get(h, "")) for h in
              ("x-ratelimit-reset-requests", "x-ratelimit-reset-tokens")]
    known = [r for r in resets if r is not None]
    return max(known) if known else None


class WaitRetryAfter:
    """tenacity wait: the server's requested delay when given, else backoff with jitter."""

    def __init__(self, max_wait: float) -> None:
        self.max_wait = max_wait
        self.fallback = wait_exponential_jitter(multiplier=0.5, max=max_wait, jitter=0.5)

    def __call__(self, state: RetryCallState) -> float:
        exc = state.outcome.exception() if state.outcome else None
        if isinstance(exc, openai.APIStatusError):
            asked = server_wait(exc.response.headers)
            if asked is not None:
                return min(asked, self.max_wait)
        return min(self.fallback(state), self.max_wait)


def retry_policy(
    *, deadline: float, max_wait: float, sleep: Callable[[float], None] | None = None
) -> Retrying:
    """The model-call retry policy; ``sleep`` is injectable so tests do not wait."""
    kwargs: dict[str, Any] = {}
    if sleep is not None:
        kwargs["sleep"] = sleep
    return Retrying(
        retry=retry_if_exception(is_retryable),
        wait=WaitRetryAfter(max_wait),
        stop=stop_after_attempt(MAX_ATTEMPTS) | stop_after_delay(deadline),
        reraise=True,
        **kwargs,
    )
