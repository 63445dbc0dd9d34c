"""Replay recorded HTTP exchanges through the real openai SDK.

A cassette is a JSON file under ``fixtures/http/``::

    {"interactions": [
      {"request": {"method": "POST", "path": "/v1/chat/completions", "body": {...}},
       "response": {"status": 200, "headers": {...}, "body": {...} or "text"}},
      {"request": {...}, "response": {"exception": "ReadTimeout"}}
    ]}

Requests are matched on method, path and JSON body, in order, so a changed prompt cannot
silently replay an old answer. An unmatched request fails with a message showing what was sent;
an interaction left unused fails the test when the cassette is closed.

Modes (environment variables):

- ``LAYDRAFT_RECORD=1`` with a real ``OPENAI_API_KEY`` (and ``pytest --force-enable-socket``):
  requests go to the live server and the cassette is rewritten from the answers, with the
  ``authorization``, ``api-key`` and cookie headers removed.
- ``LAYDRAFT_REFRESH_REQUESTS=1``: after an intended prompt change, the recorded request
  bodies are replaced by what is sent now (matched by position); review the diff before committing.
"""

from __future__ import annotations

import difflib
import json
import os
from pathlib import Path
from typing import Any

import httpx2

# Read at import: the hermetic test fixture clears LAYDRAFT_* variables before each test.
REFRESH = os.environ.get("LAYDRAFT_REFRESH_REQUESTS") == "1"
SECRET_HEADERS = {"authorization", "api-key", "cookie", "set-cookie", "openai-organization"}
_EXCEPTIONS = {
    "ReadTimeout": httpx2.ReadTimeout,
    "ConnectTimeout": httpx2.ConnectTimeout,
    "ConnectError": httpx2.ConnectError,
    "RemoteProtocolError": httpx2.RemoteProtocolError,
}


class UnmatchedRequest(AssertionError):
    """The code sent a request the cassette has no recording for."""


def _request_body(request: httpx2.Request) -> Any:
    raw = request.read()
    if not raw:
        return None
    try:
        return json.loads(raw)
    except ValueError:
        return raw.decode("utf-8", "replace")


class Cassette(httpx2.BaseTransport):
    """An httpx2 transport that serves recorded responses, in order."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.data = json.loads(path.read_text()) if path.exists() else {"interactions": []}
        self.interactions: list[dict[str, Any]] = self.data["interactions"]
        self.used: list[bool] = [False] * len(self.interactions)
        self.sent: list[dict[str, Any]] = []
        self.refresh = REFRESH
        self.dirty = False

    @property
    def calls(self) -> int:
        return len(self.sent)

    def handle_request(self, request: httpx2.Request) -> httpx2.Response:
        sent = {"method": request.method, "path": request.url.path, "body": _request_body(request)}
        self.sent.append(sent)
        index = self._match(sent)
        self.used[index] = True
        return self._respond(self.interactions[index]["response"], request)

    def _match(self, sent: dict[str, Any]) -> int:
        for i, item in enumerate(self.interactions):
            if not self.used[i] and item["request"] == sent:
                return i
        if self.refresh:
            for i, item in enumerate(self.interactions):
                req = item["request"]
                if not self.used[i] and (req["method"], req["path"]) == (sent["method"], sent["path"]):
                    item["request"] = sent
                    self.dirty = True
                    return i
        raise UnmatchedRequest(self._explain(sent))

    def _explain(self, sent: dict[str, Any]) -> str:
        shown = json.dumps(sent, indent=1, sort_keys=True).splitlines()
        lines = [f"no recording in {self.path.name} matches this request:", *shown[:60]]
        candidates = [it["request"] for i, it in enumerate(self.interactions) if not self.used[i]]
        if candidates:
            recorded = json.dumps(candidates[0], indent=1, sort_keys=True).splitlines()
            lines.append("difference from the next unused recording:")
            lines += list(difflib.unified_diff(recorded, shown, "recorded", "sent", lineterm=""))[:60]
        return "\n".join(lines)

    @staticmethod
    def _respond(recorded: dict[str, Any], request: httpx2.Request) -> httpx2.Response:
        if "exception" in recorded:
            raise _EXCEPTIONS[recorded["exception"]]("replayed failure", request=request)
        body = recorded.get("body")
        content = body.encode() if isinstance(body, str) else json.dumps(body).encode()
        headers = {k: v for k, v in recorded.get("headers", {}).items()
                   if k.lower() not in ("content-length", "content-encoding")}
        return httpx2.Response(recorded["status"], headers=headers, content=content,
                               request=request)

    def close(self) -> None:
        if self.dirty:
            self.path.write_text(json.dumps(self.data, indent=2, ensure_ascii=False) + "\n")

    def unused(self) -> list[int]:
        return [i for i, used in enumerate(self.used) if not used]


class Recorder(httpx2.BaseTransport):
    """Forwards to the live server and writes the exchanges as a cassette, secrets removed."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.inner = httpx2.HTTPTransport()
        self.interactions: list[dict[str, Any]] = []
        self.sent: list[dict[str, Any]] = []

    @property
    def calls(self) -> int:
        return len(self.sent)

    def handle_request(self, request: httpx2.Request) -> httpx2.Response:
        sent = {"method": request.method, "path": request.url.path, "body": _request_body(request)}
        self.sent.append(sent)
        response = self.inner.handle_request(request)
        response.read()
        try:
            body: Any = json.loads(response.content)
        except ValueError:
            body = response.text
        headers = {k: v for k, v in response.headers.items() if k.lower() not in SECRET_HEADERS}
        self.interactions.append({"request": sent, "response": {
            "status": response.status_code, "headers": headers, "body": body}})
        return response

    def close(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.path.write_text(json.dumps({"interactions": self.interactions}, indent=2,
                                        ensure_ascii=False) + "\n")

    def unused(self) -> list[int]:
        return []


class AsyncReplay(httpx2.AsyncBaseTransport):
    """A cassette (or recorder) behind the async transport interface the SDK client uses."""

    def __init__(self, inner: Cassette | Recorder) -> None:
        self.inner = inner

    async def handle_async_request(self, request: httpx2.Request) -> httpx2.Response:
        await request.aread()
        return self.inner.handle_request(request)


def replay_provider(settings: Any, transport: Cassette | Recorder,
                    waits: list[float] | None = None, **kwargs: Any) -> Any:
    """A ModelProvider whose calls replay ``transport``; retry waits go to ``waits``, unslept."""
    from laydraft.drafting.provider import ModelProvider

    sleeps = waits if waits is not None else []

    async def sleep(seconds: float) -> None:
        sleeps.append(seconds)

    return ModelProvider(settings, transport=AsyncReplay(transport), sleep=sleep, **kwargs)
