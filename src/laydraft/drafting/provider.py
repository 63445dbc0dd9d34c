"""Where model calls go: credentials, server, HTTP stack and rate limiter, built in one place.

Every SDK client laydraft makes comes from a ``ModelProvider``: the async chat client the
drafter uses (under a rate-limited transport for batch runs) and the sync client for the Batch
API's files and batches. Every chat-completions answer passes the answer journal
(``journal.py``) on its way in, whether or not there is a rate limiter. The key comes from ``Settings.api_key()`` (the environment) only.
Tests hand the provider a transport that replays recorded exchanges, so the real SDK runs.
How requests and answers are mapped to and from the wire lives in ``openai_drafter.py``.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import httpx2
import openai

from ..config import API_KEY_ENV, Settings
from ..errors import ConfigError, ErrorCode
from .journal import AnswerJournal, JournalTransport, journal_path
from .limiter import RateLimiter
from .retry import Sleep
from .transport import CallStats, GatedTransport, HaltGate, LimitedTransport

# A batch run keeps up to ``concurrency`` calls open; the pool must not be the bottleneck.
MAX_CONNECTIONS = 1000


class ModelProvider:
    """Builds SDK clients from the settings; ``transport``, ``sleep`` and ``clock`` are for tests.

    ``gate`` is the halt gate a batch run closes when it stops: the drafter checks it before
    every attempt and the transport chain before every send.
    """

    def __init__(self, settings: Settings, *, transport: httpx2.AsyncBaseTransport | None = None,
                 batch_transport: httpx2.BaseTransport | None = None,
                 limiter: RateLimiter | None = None, stats: CallStats | None = None,
                 sleep: Sleep | None = None, clock: Callable[[], float] | None = None,
                 gate: HaltGate | None = None, journal: AnswerJournal | None = None) -> None:
        self.settings = settings
        self.journal = journal or AnswerJournal(journal_path(settings))
        self.transport = transport
        self.batch_transport = batch_transport
        self.limiter = limiter
        self.stats = stats or CallStats()
        self.sleep = sleep
        self._batch_clients: list[openai.OpenAI] = []
        self.clock = clock
        self.gate = gate or HaltGate()

    @classmethod
    def rate_limited(cls, settings: Settings, **kwargs: Any) -> ModelProvider:
        """A provider whose calls wait at a limiter set from ``rpm`` and ``tpm``."""
        limiter = RateLimiter(rpm=settings.rpm, tpm=settings.tpm)
        return cls(settings, limiter=limiter, **kwargs)

    def client_arguments(self) -> dict[str, Any]:
        """Key, server, timeout; SDK retries off because the tenacity policy owns them."""
        key = self.settings.api_key()
        if not key and not self.settings.base_url:
            raise ConfigError("no API key is configured for the model server",
                              code=ErrorCode.MISSING_API_KEY, setting=API_KEY_ENV)
        return {
            "api_key": key or "not-needed-for-local-servers",
            "base_url": self.settings.base_url or None,
            "timeout": self.settings.request_timeout,
            "max_retries": 0,
        }

    def http_client(self) -> httpx2.AsyncClient:
        """The async HTTP client under the SDK, outermost first: the journal (a journaled answer
        costs no call and no limiter booking), then the rate limiter or the bare halt gate."""
        transport = self.transport or httpx2.AsyncHTTPTransport(
            limits=httpx2.Limits(max_connections=MAX_CONNECTIONS))
        if self.limiter is not None:
            transport = LimitedTransport(transport, self.limiter, self.stats,
                                         sleep=self.sleep or asyncio.sleep,
                                         model=self.settings.model, gate=self.gate)
        else:
            transport = GatedTransport(transport, self.gate)
        transport = JournalTransport(transport, self.journal)
        return httpx2.AsyncClient(transport=transport, timeout=self.settings.request_timeout)

    def async_client(self) -> openai.AsyncOpenAI:
        """The chat-completions client (it may read certificates: call it off the event loop)."""
        return openai.AsyncOpenAI(**self.client_arguments(), http_client=self.http_client())

    def batch_client(self) -> openai.OpenAI:
        """The sync client for the Batch API's files and batches endpoints."""
        http = (httpx2.Client(transport=self.batch_transport)
                if self.batch_transport is not None else None)
        client = openai.OpenAI(**self.client_arguments(), http_client=http)
        self._batch_clients.append(client)
        return client

    def close(self) -> None:
        """Close the sync clients this provider made (the async one is the drafter's to
        close: ``DraftingCore.aclose``)."""
        while self._batch_clients:
            self._batch_clients.pop().close()
