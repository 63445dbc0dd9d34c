"""A small OpenAI-compatible chat-completions server, for benchmarks only (binds 127.0.0.1).

It enforces requests- and tokens-per-minute limits as token buckets (a request books its prompt
plus max_tokens on admission, as the API does), sends the API's ``x-ratelimit-*`` headers on
every answer (reset times written as the API writes them: '6ms', '1.5s', '21m36.001s') and
answers 429 with the API's headers and error body when a limit is exceeded; it sleeps a configurable latency;
it injects faults at configurable rates (500, plain-text 503, timeouts, refusals, invalid JSON,
truncation); otherwise it answers with a valid LaySummary built from the prompt. GET /stats
returns the counters, POST /stats/reset clears them.

    python bench/fake_server.py --port 8765 --rpm 600 --tpm 10000000 --latency 0.3 --faults 0.01
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import re
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

FAULTS = ("server_error", "unavailable", "timeout", "refusal", "invalid_json", "truncated")


@dataclass
class Limits:
    rpm: int
    tpm: int
    burst_seconds: float = 1.0
    requests: float = 0.0
    tokens: float = 0.0
    updated: float = field(default_factory=time.monotonic)

    def __post_init__(self) -> None:
        self.requests, self.tokens = self.cap(self.rpm), self.cap(self.tpm)

    def cap(self, per_minute: int) -> float:
        return max(1.0, per_minute / 60 * self.burst_seconds)

    def refill(self) -> None:
        now = time.monotonic()
        elapsed, self.updated = now - self.updated, now
        self.requests = min(self.cap(self.rpm), self.requests + elapsed * self.rpm / 60)
        self.tokens = min(self.cap(self.tpm), self.tokens + elapsed * self.tpm / 60)

    def admit(self, tokens: int) -> str | None:
        """None when admitted, else which bucket is exhausted."""
        self.refill()
        if self.requests < 1:
            return "requests"
        if self.tokens < tokens:
            return "tokens"
        self.requests -= 1
        self.tokens -= tokens
        return None

    def headers(self) -> dict[str, str]:
        def reset(level: float, per_minute: int) -> str:
            missing = self.cap(per_minute) - level
            return api_duration(max(0.0, missing / (per_minute / 60)))

        return {
            "x-ratelimit-limit-requests": str(self.rpm),
            "x-ratelimit-limit-tokens": str(self.tpm),
            "x-ratelimit-remaining-requests": str(max(0, int(self.requests))),
            "x-ratelimit-remaining-tokens": str(max(0, int(self.tokens))),
            "x-ratelimit-reset-requests": reset(self.requests, self.rpm),
            "x-ratelimit-reset-tokens": reset(self.tokens, self.tpm),
        }


def api_duration(seconds: float) -> str:
    """A reset time written as the API writes it: '0s', '6ms', '1.5s', '21m36.001s'."""
    if seconds <= 0:
        return "0s"
    if seconds < 1:
        return f"{max(1, round(seconds * 1000))}ms"
    minutes, rest = divmod(seconds, 60)
    text = f"{rest:.3f}".rstrip("0").rstrip(".") + "s"
    return f"{int(minutes)}m{text}" if minutes else text


def words(text: str, count: int) -> str:
    found = re.findall(r"[A-Za-z]{4,}", text)
    return " ".join(found[:count]) if found else "the study"


def lay_summary(abstract: str) -> dict[str, str]:
    topic = words(abstract, 6).lower()
    return {
        "headline": f"Researchers looked at how {topic} may be linked to health.",
        "what_was_found": (
            f"The researchers studied a group of people with multiple sclerosis. They looked at "
            f"{topic}. People in the study were followed over several years at clinics. The "
            "study found a link between the things the researchers measured and how people "
            "were doing, but it did not prove that one thing caused the other."),
        "why_it_matters": (
            "People living with multiple sclerosis and their families often ask what they can "
            "do to feel better. This study adds a small piece to that picture. It is a good "
            "topic to talk about with your care team."),
        "limitations": (
            "The study looked at one group of people at a few clinics. It can show that things "
            "go together, but not cause and effect, and the results may not apply to everyone."),
    }


def prompt_tokens(messages: list[dict[str, Any]]) -> int:
    return sum(len(str(m.get("content") or "")) for m in messages) // 4 + 3 * len(messages)


def completion(body: dict[str, Any], content: str | None, finish: str = "stop",
               refusal: str | None = None) -> dict[str, Any]:
    used = prompt_tokens(body.get("messages") or [])
    out = len(content or refusal or "") // 4
    return {
        "id": f"chatcmpl-{uuid.uuid4().hex[:24]}", "object": "chat.completion",
        "created": int(time.time()), "model": str(body.get("model", "gpt-4o-mini")) + "-2024-07-18",
        "choices": [{"index": 0, "message": {"role": "assistant", "content": content,
                                             "refusal": refusal, "annotations": []},
                     "logprobs": None, "finish_reason": finish}],
        "usage": {"prompt_tokens": used, "completion_tokens": out, "total_tokens": used + out,
                  "prompt_tokens_details": {"cached_tokens": 0, "audio_tokens": 0}},
        "service_tier": "default", "system_fingerprint": "fp_fake",
    }


class FakeOpenAI:
    def __init__(self, rpm: int, tpm: int, latency: float, faults: float,
                 timeout_seconds: float, seed: int = 7) -> None:
        self.limits = Limits(rpm, tpm)
        self.latency = latency
        self.faults = faults
        self.timeout_seconds = timeout_seconds
        self.random = random.Random(seed)
        self.stats: Counter[str] = Counter()
        self._booked = 0
        self.by_abstract: Counter[str] = Counter()

    async def chat(self, request: Request) -> Response:
        body = await request.json()
        messages = body.get("messages") or []
        booked = prompt_tokens(messages) + int(body.get("max_tokens")
                                                or body.get("max_completion_tokens") or 0)
        self._booked = booked
        self.stats["requests"] += 1
        exhausted = self.limits.admit(booked)
        if not exhausted:
            self.stats["admitted_tokens"] += booked
        if exhausted:
            self.stats["rate_limited"] += 1
            return self._too_many(exhausted)
        fault = self._fault()
        await asyncio.sleep(self.latency)
        user = str(messages[-1].get("content") if messages else "")
        self.by_abstract[user[-200:]] += 1
        if fault:
            self.stats[fault] += 1
            return await self._faulty(fault, body)
        self.stats["ok"] += 1
        summary = lay_summary(user[-2000:])
        return JSONResponse(completion(body, json.dumps(summary)), headers=self._headers())

    def _fault(self) -> str | None:
        if self.random.random() >= self.faults * len(FAULTS):
            return None
        return self.random.choice(FAULTS)

    def _headers(self) -> dict[str, str]:
        return {**self.limits.headers(), "x-request-id": f"req_{uuid.uuid4().hex}",
                "openai-processing-ms": str(int(self.latency * 1000))}

    def _too_many(self, bucket: str) -> Response:
        headers = self._headers()
        missing = (1 - self.limits.requests if bucket == "requests"
                   else self._booked - self.limits.tokens)
        per_second = (self.limits.rpm if bucket == "requests" else self.limits.tpm) / 60
        wait = max(0.001, missing / per_second)
        headers.update({"retry-after": str(max(1, round(wait))),
                        "retry-after-ms": str(int(wait * 1000) + 1)})
        error = {"error": {"message": f"Rate limit reached for {bucket} per min. Please try "
                           f"again in {wait * 1000:.0f}ms.", "type": bucket,
                           "param": None, "code": "rate_limit_exceeded"}}
        return JSONResponse(error, status_code=429, headers=headers)

    async def _faulty(self, fault: str, body: dict[str, Any]) -> Response:
        if fault == "server_error":
            return JSONResponse({"error": {"message": "The server had an error while processing "
                                           "your request. Sorry about that!", "type":
                                           "server_error", "param": None, "code": None}},
                                status_code=500, headers=self._headers())
        if fault == "unavailable":
            return PlainTextResponse("upstream connect error or disconnect/reset before headers",
                                     status_code=503)
        if fault == "timeout":
            await asyncio.sleep(self.timeout_seconds)
            return PlainTextResponse("too late", status_code=504)
        if fault == "refusal":
            return JSONResponse(completion(body, None, refusal="I'm sorry, but I can't assist "
                                           "with that request."), headers=self._headers())
        if fault == "invalid_json":
            return JSONResponse(completion(body, '{"headline": "Unfinished'),
                                headers=self._headers())
        return JSONResponse(completion(body, '{"headline": "Researchers looked at', "length"),
                            headers=self._headers())

    async def get_stats(self, request: Request) -> Response:
        repeats = sum(1 for n in self.by_abstract.values() if n > 1)
        return JSONResponse({**self.stats, "abstracts_seen": len(self.by_abstract),
                             "abstracts_seen_more_than_once": repeats})

    async def reset_stats(self, request: Request) -> Response:
        self.stats.clear()
        self.by_abstract.clear()
        return JSONResponse({})

    def app(self) -> Starlette:
        return Starlette(routes=[
            Route("/v1/chat/completions", self.chat, methods=["POST"]),
            Route("/stats", self.get_stats, methods=["GET"]),
            Route("/stats/reset", self.reset_stats, methods=["POST"]),
        ])


def main() -> None:
    import uvicorn

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--rpm", type=int, default=600)
    parser.add_argument("--tpm", type=int, default=10_000_000)
    parser.add_argument("--latency", type=float, default=0.3)
    parser.add_argument("--faults", type=float, default=0.0,
                        help="rate of EACH fault kind (6 kinds), e.g. 0.002")
    parser.add_argument("--timeout-seconds", type=float, default=3.0,
                        help="how long a 'timeout' fault hangs (set the client's timeout lower)")
    args = parser.parse_args()
    server = FakeOpenAI(args.rpm, args.tpm, args.latency, args.faults, args.timeout_seconds)
    uvicorn.run(server.app(), host="127.0.0.1", port=args.port, log_level="warning",
                backlog=4096, limit_concurrency=10_000)


if __name__ == "__main__":
    main()
