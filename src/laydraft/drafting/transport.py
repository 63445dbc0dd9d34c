"""An httpx2 transport that puts every model call through the rate limiter.

The model provider (``provider.py``) puts it under the SDK client when a rate limiter is wanted.

Sitting under the SDK client means retries and repair calls made inside the drafter wait their
turn too, and every response (a 429 included) teaches the limiter from its headers. The body of
a chat completion is read here so the token estimate can be corrected from ``usage``.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import httpx2

from ..tokens import count_messages, estimate_tokens
from .limiter import RateLimiter, RateLimits

Sleep = Callable[[float], Awaitable[None]]


@dataclass
class CallStats:
    """What went over the wire: calls, 429s and the other error statuses seen."""

    calls: int = 0
    rate_limited: int = 0
    errors: int = 0


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
    """Wait at the limiter, send, learn from the answer's headers and usage."""

    def __init__(self, inner: httpx2.AsyncBaseTransport, limiter: RateLimiter,
                 stats: CallStats | None = None, sleep: Sleep = asyncio.sleep,
                 model: str = "") -> None:
        self.inner = inner
        self.limiter = limiter
        self.stats = stats or CallStats()
        self.sleep = sleep
        self.model = model

    async def handle_async_request(self, request: httpx2.Request) -> httpx2.Response:
        body = await request.aread()
        # Counting may load a tokenizer from disk the first time: keep it off the event loop.
        tokens = await asyncio.to_thread(estimate_request_tokens, body, self.model)
        reservation = self.limiter.reserve(tokens)
        while not reservation.granted:
            await self.sleep(reservation.wait)
            reservation = self.limiter.reserve(tokens)
        if reservation.wait > 0:
            await self.sleep(reservation.wait)
        self.stats.calls += 1
        try:
            response = await self.inner.handle_async_request(request)
        except httpx2.ConnectError:
            self.limiter.cancel(reservation)
            raise
        except BaseException:
            self.limiter.settle(reservation, None)
            raise
        await response.aread()
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
