"""A scriptable chat-completions server at the transport level: counts what reaches it.

It sits where the network would, under the real SDK, the halt gate and the rate limiter, so a
test sees exactly which requests left laydraft. Answers are the recorded ones in
``fixtures/http/openai`` (success, refusal, 401, insufficient_quota, 429 with retry-after...).
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx2

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "http" / "openai"
FATAL = {401, 403, 404}


def recorded(name: str, index: int = -1) -> dict[str, Any]:
    """The recorded response ``index`` of ``fixtures/http/openai/NAME.json``."""
    data = json.loads((FIXTURES / f"{name}.json").read_text())
    return dict(data["interactions"][index]["response"])


SUCCESS = recorded("success")
REFUSAL = recorded("refusal")
UNAUTHORIZED = recorded("unauthorized")
NO_QUOTA = recorded("insufficient_quota")
RATE_LIMITED = recorded("rate_limited_then_success", 0)  # 429, retry-after 1 s

# Picks the answer for a request: (number of the request, the user message) -> response.
Script = Callable[[int, str], dict[str, Any]]


def is_fatal(response: dict[str, Any]) -> bool:
    body = response.get("body")
    code = body.get("error", {}).get("code") if isinstance(body, dict) else None
    return response["status"] in FATAL or code == "insufficient_quota"


class FakeServer(httpx2.AsyncBaseTransport):
    """Answers each request by ``script``; ``delay`` seconds of (real) latency per answer."""

    def __init__(self, script: Script, delay: float = 0.0,
                 on_request: Callable[[int], None] | None = None) -> None:
        self.script = script
        self.delay = delay
        self.on_request = on_request
        self.received = 0
        self.fatal_answered = 0
        self.after_fatal = 0  # requests that arrived after a fatal answer had been sent

    async def handle_async_request(self, request: httpx2.Request) -> httpx2.Response:
        self.received += 1
        if self.fatal_answered:
            self.after_fatal += 1
        if self.on_request is not None:
            self.on_request(self.received)
        body = json.loads(await request.aread() or b"{}")
        user = " ".join(str(m.get("content", "")) for m in body.get("messages", [])
                        if m.get("role") == "user")
        response = self.script(self.received, user)
        if self.delay:
            await asyncio.sleep(self.delay)
        if is_fatal(response):
            self.fatal_answered += 1
        content = response.get("body")
        data = content.encode() if isinstance(content, str) else json.dumps(content).encode()
        headers = {k: v for k, v in response.get("headers", {}).items()
                   if k.lower() not in ("content-length", "content-encoding")}
        return httpx2.Response(response["status"], headers=headers, content=data,
                               request=request)


def provider_factory(server: FakeServer, waits: list[float] | None = None,
                     clock: list[float] | None = None) -> Callable[..., Any]:
    """A ``Context(provider=...)`` factory: the real provider over ``server``, no real sleeps.

    With ``clock`` (a one-item list), sleeps advance it and the retry policy reads it.
    """
    from laydraft.drafting.limiter import RateLimiter
    from laydraft.drafting.provider import ModelProvider

    slept = waits if waits is not None else []

    async def sleep(seconds: float) -> None:
        slept.append(seconds)
        if clock is not None:
            clock[0] += seconds
        await asyncio.sleep(0)

    def make(settings: Any, rate_limited: bool = False) -> Any:
        limiter = RateLimiter(rpm=settings.rpm, tpm=settings.tpm) if rate_limited else None
        return ModelProvider(settings, transport=server, limiter=limiter, sleep=sleep,
                             clock=(lambda: clock[0]) if clock is not None else None)

    return make
