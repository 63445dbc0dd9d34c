"""The one retry policy for model calls, built on tenacity.

Retried: 408, 409, 429 (except ``insufficient_quota``: no wait adds credit), 5xx (including an
edge 503 with a plain-text body), timeouts and connection errors. Not retried: every other 4xx.

The wait honours, in order, ``retry-after-ms``, ``Retry-After`` (seconds or an HTTP date) and
the ``x-ratelimit-reset-*`` header of a bucket the response says is exhausted; without them it is
exponential backoff with jitter. Every wait is capped at ``max_wait``, and the policy stops
before a wait that would run past the draft's ``deadline``. The SDK client is built with
``max_retries=0`` so retries are never stacked.
"""

from __future__ import annotations

import re
import time
from collections.abc import Awaitable, Callable
from email.utils import parsedate_to_datetime
from typing import Any

import openai
from tenacity import (
    AsyncRetrying,
    RetryCallState,
    Retrying,
    retry_if_exception,
    stop_after_attempt,
    stop_before_delay,
    wait_exponential_jitter,
)

RETRY_STATUSES = {408, 409, 429}
MAX_ATTEMPTS = 6
_DURATION = re.compile(
    r"(?:(\d+(?:\.\d+)?)h)?(?:(\d+(?:\.\d+)?)m(?!s))?(?:(\d+(?:\.\d+)?)s)?(?:(\d+(?:\.\d+)?)ms)?$"
)
_BUCKETS = ("requests", "tokens")


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


def _retry_after(value: str, now: float | None = None) -> float | None:
    """Seconds from a Retry-After value: delta-seconds or an HTTP date."""
    seconds = parse_duration(value)
    if seconds is not None:
        return seconds
    try:
        moment = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, moment.timestamp() - (time.time() if now is None else now))


def _reset_wait(headers: Any) -> float | None:
    """The reset time of the exhausted bucket(s); every bucket's when none says it is empty."""
    resets: dict[str, float] = {}
    for bucket in _BUCKETS:
        value = parse_duration(headers.get(f"x-ratelimit-reset-{bucket}") or "")
        if value is not None:
            resets[bucket] = value
    exhausted = [b for b in resets if headers.get(f"x-ratelimit-remaining-{b}") == "0"]
    chosen = [resets[b] for b in exhausted] or list(resets.values())
    return max(chosen) if chosen else None


def server_wait(headers: Any) -> float | None:
    """How long the server asked us to wait, in seconds, from the response headers."""
    if headers is None:
        return None
    if (ms := headers.get("retry-after-ms")) is not None:
        try:
            return float(ms) / 1000
        except ValueError:
            pass
    if (after := headers.get("retry-after")) is not None:
        seconds = _retry_after(after)
        if seconds is not None:
            return seconds
    return _reset_wait(headers)


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


def _policy_arguments(deadline: float, max_wait: float) -> dict[str, Any]:
    return {
        "retry": retry_if_exception(is_retryable),
        "wait": WaitRetryAfter(max_wait),
        "stop": stop_after_attempt(MAX_ATTEMPTS) | stop_before_delay(deadline),
        "reraise": True,
    }


def retry_policy(
    *, deadline: float, max_wait: float, sleep: Callable[[float], None] | None = None
) -> Retrying:
    """The model-call retry policy; ``sleep`` is injectable so tests do not wait."""
    kwargs = _policy_arguments(deadline, max_wait)
    if sleep is not None:
        kwargs["sleep"] = sleep
    return Retrying(**kwargs)


def async_retry_policy(
    *, deadline: float, max_wait: float, sleep: Callable[[float], Awaitable[None]] | None = None
) -> AsyncRetrying:
    """The same policy for the async drafter; ``sleep`` is an injectable coroutine function."""
    kwargs = _policy_arguments(deadline, max_wait)
    if sleep is not None:
        kwargs["sleep"] = sleep
    return AsyncRetrying(**kwargs)
