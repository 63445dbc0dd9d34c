"""httpx2 transports under the SDK client: the rate limiter, and the halt gate of a run.

The model provider (``provider.py``) puts ``LimitedTransport`` under the SDK client when a rate
limiter is wanted, and the ``HaltGate`` in the chain always: once a batch run stops (a fatal
answer such as a refused key or no quota, a storage failure, Ctrl-C) no further request leaves,
neither a new draft's nor a retry's nor a repair's, even one that was waiting at the limiter.

Sitting under the SDK client means retries and repair calls made inside the drafter wait their
turn too, and every response (a 429 included) teaches the limiter from its headers. The body of
a chat completion is read here so the token estimate can be corrected from ``usage``.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import httpx2

from ..errors import RunHalted
from ..tokens import count_messages, estimate_tokens
from .limiter import RateLimiter, RateLimits

Sleep = Callable[[float], Awaitable[None]]


@dataclass
class CallStats:
    """What went over the wire: calls, 429s and the other error statuses seen."""

    calls: int = 0
    rate_limited: int = 0
    errors: int = 0
    unreached: int = 0  # sends that never reached a server (refused, DNS, TLS): not calls


# A request's booking (prompt plus answer room) as the drafter already counted it, so the
# limiter does not count the prompt a second time; the transport removes it before sending.
BOOKED_TOKENS_HEADER = "x-laydraft-booked-tokens"

# Answers that every other request would get too: bad key, no permission, unknown model.
FATAL_STATUSES = frozenset({401, 403, 404})


def fatal_answer(status: int, content: bytes) -> str | None:
    """Why an answer means no other request can succeed (key, model, quota), or None."""
    if status in FATAL_STATUSES:
        return f"the model server answered {status}"
    if status == 429:
        try:
            body = json.loads(content)
            error = body.get("error") if isinstance(body, dict) else None
            code = error.get("code") or error.get("type") if isinstance(error, dict) else None
        except ValueError:
            return None
        if code == "insufficient_quota":
            return "the account has no quota left (429 insufficient_quota)"
    return None


class HaltGate:
    """Open until a run halts; then every request it guards raises ``RunHalted``.

    Requests already on the wire finish (their answers are paid for, so they are kept). With
    ``stop_on_fatal`` (a batch run sets it) the gate closes itself the moment a fatal answer
    arrives, before any other request can leave.
    """

    def __init__(self, stop_on_fatal: bool = False) -> None:
        self.reason: str | None = None
        self.stop_on_fatal = stop_on_fatal

    @property
    def halted(self) -> bool:
        return self.reason is not None

    def halt(self, reason: str) -> None:
        """Close the gate for good; the first reason given is the one kept."""
        if self.reason is None:
            self.reason = reason

    def check(self) -> None:
        """Raise RunHalted when the gate is closed."""
        if self.reason is not None:
            raise RunHalted(self.reason)

    def observe(self, status: int, content: bytes) -> None:
        """Close the gate on a fatal answer, when asked to."""
        if self.stop_on_fatal and (reason := fatal_answer(status, content)) is not None:
            self.halt(reason)


class GatedTransport(httpx2.AsyncBaseTransport):
    """Refuse to send once the gate is closed (the chain without a rate limiter)."""

    def __init__(self, inner: httpx2.AsyncBaseTransport, gate: HaltGate) -> None:
        self.inner = inner
        self.gate = gate

    async def handle_async_request(self, request: httpx2.Request) -> httpx2.Response:
        self.gate.check()
        booked_tokens(request)  # the server need not see laydraft's own booking
        response = await self.inner.handle_async_request(request)
        if self.gate.stop_on_fatal and (response.status_code in FATAL_STATUSES
                                        or response.status_code == 429):
            await response.aread()
            self.gate.observe(response.status_code, response.content)
        return response

    async def aclose(self) -> None:
        await self.inner.aclose()


def estimate_request_tokens(body: bytes, model: str = "") -> int:
    """Prompt tokens plus ``max_tokens`` (what the API books on admission) for a request body."""
    try:
        data: Any = json.loads(body) if body else {}
    except ValueError:
        return estimate_tokens(body.decode("utf-8", "replace"))
    if not isinstance(data, dict):
        return 1
    messages = [m for m in data.get("messages") or [] if isinstance(m, dict)]
    prompt = count_messages(
        [{"role": str(m.get("role", "")), "content": _text(m.get("content"))} for m in messages],
        model or str(data.get("model") or ""),
    ).tokens if messages else 0
    answer = data.get("max_completion_tokens") or data.get("max_tokens") or 0
    return max(1, prompt + int(answer))


def booked_tokens(request: httpx2.Request) -> int | None:
    """The booking the drafter counted for this request (removed from it), or None."""
    value = request.headers.pop(BOOKED_TOKENS_HEADER, None)
    try:
        return max(1, int(value)) if value is not None else None
    except ValueError:
        return None


def _text(content: Any) -> str:
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return " ".join(str(part.get("text", "")) for part in content if isinstance(part, dict))
    return ""


def used_tokens(content: bytes) -> int | None:
    """``usage.total_tokens`` of a JSON response body, when it has one."""
    try:
        usage = json.loads(content).get("usage") or {}
    except (ValueError, AttributeError):
        return None
    total = usage.get("total_tokens") if isinstance(usage, dict) else None
    return int(total) if isinstance(total, int | float) else None


class LimitedTransport(httpx2.AsyncBaseTransport):
    """Wait at the limiter, send (unless the gate closed meanwhile), learn from the answer."""

    def __init__(self, inner: httpx2.AsyncBaseTransport, limiter: RateLimiter,
                 stats: CallStats | None = None, sleep: Sleep = asyncio.sleep,
                 model: str = "", gate: HaltGate | None = None) -> None:
        self.inner = inner
        self.limiter = limiter
        self.stats = stats or CallStats()
        self.sleep = sleep
        self.model = model
        self.gate = gate or HaltGate()

    async def handle_async_request(self, request: httpx2.Request) -> httpx2.Response:
        self.gate.check()
        tokens = booked_tokens(request)
        if tokens is None:  # not counted by the drafter (a repair message): count it here
            body = await request.aread()
            # Counting may load a tokenizer from disk the first time: off the event loop.
            tokens = await asyncio.to_thread(estimate_request_tokens, body, self.model)
        reservation = self.limiter.reserve(tokens)
        while not reservation.granted:
            await self.sleep(reservation.wait)
            reservation = self.limiter.reserve(tokens)
        if reservation.wait > 0:
            await self.sleep(reservation.wait)
        if self.gate.halted:  # the run stopped while this request waited its turn
            self.limiter.cancel(reservation)
            self.gate.check()
        self.stats.calls += 1
        sent = time.monotonic()
        try:
            response = await self.inner.handle_async_request(request)
        except (httpx2.ConnectError, httpx2.ConnectTimeout):
            self.stats.calls -= 1  # it never reached a server: not an API call
            self.stats.unreached += 1
            self.limiter.cancel(reservation)
            raise
        except BaseException:
            self.limiter.settle(reservation, None)
            raise
        await response.aread()
        if response.status_code < 400:  # a 429 comes back at once: it says nothing of latency
            self.limiter.observe_latency(time.monotonic() - sent)
        self.gate.observe(response.status_code, response.content)
        self.limiter.observe(RateLimits.from_headers(response.headers))
        if response.status_code == 429:
            self.stats.rate_limited += 1
        elif response.status_code >= 400:
            self.stats.errors += 1
        self.limiter.settle(reservation, used_tokens(response.content)
                            if response.status_code < 400 else None)
        return response

    async def aclose(self) -> None:
        await self.inner.aclose()
