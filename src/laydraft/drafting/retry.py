"""The one retry policy for model calls, built on tenacity (async; the sync facade runs it).

Retried: 408, 409, 429 (except ``insufficient_quota``: no wait adds credit), 5xx (including an
edge 503 with a plain-text body), timeouts and connection errors. Not retried: every other 4xx.

The wait honours, in order, ``retry-after-ms``, ``Retry-After`` (seconds or an HTTP date) and
the ``x-ratelimit-reset-*`` header of a bucket the response says is exhausted (parsed in
``headers.py``); without them it is exponential backoff with jitter. Every wait is capped at
``max_wait``. Retries go on until the draft's ``deadline`` (``retry_deadline``), however many
attempts that takes (``SAFETY_CAP`` only guards against a clock that never moves): a backoff
wait is shortened so the last attempt lands on the deadline, and a server's requested wait
that would end past the deadline stops the retries instead, so the deadline is not overrun.
A halted run (``halted()`` true) stops retrying at once. The SDK client is built with
``max_retries=0`` so retries are never stacked. ``sleep`` and ``clock`` are injectable, so tests
never wait.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from typing import Any

import openai
from tenacity import (
    AsyncRetrying,
    RetryCallState,
    retry_if_exception,
    wait_exponential_jitter,
)

from .headers import server_wait

RETRY_STATUSES = {408, 409, 429}
SAFETY_CAP = 1000  # attempts: never the stop in practice; the deadline is
LAST_CHANCE = 0.05  # seconds: less than this left is no time for another attempt
Sleep = Callable[[float], Awaitable[None]]
Clock = Callable[[], float]


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
    """tenacity wait: the server's requested delay when given, else backoff with jitter.

    With a ``deadline`` (seconds after ``started`` on ``clock``), a backoff wait is shortened to
    the time left; a server's requested wait is not (retrying sooner would be refused).
    """

    def __init__(self, max_wait: float, deadline: float | None = None,
                 clock: Clock = time.monotonic, started: float | None = None) -> None:
        self.max_wait = max_wait
        self.fallback = wait_exponential_jitter(initial=1, max=max_wait, jitter=1)
        self.deadline = deadline
        self.clock = clock
        self.started = clock() if started is None else started

    def left(self) -> float:
        """Seconds until the deadline (infinite without one)."""
        if self.deadline is None:
            return float("inf")
        return self.deadline - (self.clock() - self.started)

    def __call__(self, state: RetryCallState) -> float:
        exc = state.outcome.exception() if state.outcome else None
        if isinstance(exc, openai.APIStatusError):
            asked = server_wait(exc.response.headers)
            if asked is not None:
                return min(asked, self.max_wait)
        return max(0.0, min(self.fallback(state), self.max_wait, self.left()))


class StopAtDeadline:
    """tenacity stop: at the deadline, before a wait that would pass it, or once halted."""

    def __init__(self, wait: WaitRetryAfter, halted: Callable[[], bool]) -> None:
        self.wait = wait
        self.halted = halted

    def __call__(self, state: RetryCallState) -> bool:
        left = self.wait.left()
        return (self.halted() or state.attempt_number >= SAFETY_CAP or left < LAST_CHANCE
                or state.upcoming_sleep > left)


def retry_policy(*, deadline: float, max_wait: float, sleep: Sleep | None = None,
                 clock: Clock | None = None,
                 halted: Callable[[], bool] | None = None) -> AsyncRetrying:
    """The model-call retry policy, retrying for ``deadline`` seconds from now.

    ``sleep`` (a coroutine) and ``clock`` are injectable so tests do not wait; ``halted`` says
    when a run has stopped and no retry may be sent. After the call, ``policy.statistics``
    holds ``attempt_number`` (attempts made).
    """
    kwargs: dict[str, Any] = {"sleep": sleep} if sleep is not None else {}
    wait = WaitRetryAfter(max_wait, deadline, clock or time.monotonic)
    return AsyncRetrying(
        retry=retry_if_exception(is_retryable),
        wait=wait,
        stop=StopAtDeadline(wait, halted or (lambda: False)),
        reraise=True,
        **kwargs,
    )
