"""Requests-per-minute and tokens-per-minute limits as pure arithmetic, with an injectable clock.

Each limit is a token bucket that refills continuously at ``per_minute / 60`` a second and holds
at most ``burst_seconds`` worth, so traffic is paced smoothly instead of in bursts (the API
enforces its per-minute limits over shorter windows too). A reservation may take the bucket
below zero: the caller then waits exactly the time the refill needs to pay the debt back, and
callers queue up in order without polling.

Tokens are reserved from an estimate before a request is sent (prompt plus ``max_tokens``, which
is what the API counts when it admits a request); an answer that used more is charged the rest
from its ``usage``, and the unused part is not given back, as the server counted it.
Response headers teach the limiter the account's real limits (``x-ratelimit-limit-*``) and
clamp its view of what is left (``x-ratelimit-remaining-*``). Nothing here sleeps: it returns
how long to wait.

It also says how many requests should be in flight to keep the limit busy (Little's law: the
request rate the limits allow, times the observed latency, times some headroom), so a batch
run's concurrency follows the limit and the server's latency instead of a fixed number.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from .headers import parse_duration

Clock = Callable[[], float]
DEFAULT_BURST_SECONDS = 1.0
# A limit the server does not report (local servers send no x-ratelimit-* headers).
UNLIMITED = 1e12
# While the first request probes for the limits, the others look again this often.
PROBE_POLL_SECONDS = 0.05
# In flight = rate x latency x HEADROOM: room for latency spread and per-record work around the
# request (checks, queueing), so the limiter, not the runner, is what holds requests back.
HEADROOM = 1.5
# The latency assumed before any answer: generous, as too many in flight only wait at the
# limiter, while too few leave the limit idle until the first answers arrive.
INITIAL_LATENCY = 2.0
# Where a limit came from when an earlier run heard it from the same server (``recall``).
LEARNED_BEFORE = "server headers, an earlier run"
# Weight of the newest sample in the moving averages of latency and tokens per request.
SMOOTHING = 0.2


@dataclass
class Bucket:
    """One per-minute limit. ``level`` may go negative: that is debt future refill pays back."""

    per_minute: float
    burst_seconds: float = DEFAULT_BURST_SECONDS
    level: float = 0.0
    updated: float = 0.0
    source: str = ""  # where the limit came from: "config", a flag, "server headers"; "" unknown

    @property
    def rate(self) -> float:
        return self.per_minute / 60.0

    @property
    def capacity(self) -> float:
        return max(1.0, self.rate * self.burst_seconds)

    def refill(self, now: float) -> None:
        if now > self.updated:
            self.level = min(self.capacity, self.level + (now - self.updated) * self.rate)
            self.updated = now

    def reserve(self, amount: float, now: float) -> float:
        """Take ``amount`` now; returns the seconds to wait before using it."""
        self.refill(now)
        self.level -= amount
        return 0.0 if self.level >= 0 else -self.level / self.rate

    def give_back(self, amount: float, now: float) -> None:
        """Return (or, when negative, charge) ``amount`` after the real figure is known."""
        self.refill(now)
        self.level = min(self.capacity, self.level + amount)

    def clamp(self, remaining: float, now: float) -> None:
        """Never believe more is left than the server says."""
        self.refill(now)
        self.level = min(self.level, remaining)

    def set_limit(self, per_minute: float, now: float) -> None:
        self.refill(now)
        self.per_minute = per_minute
        self.level = min(self.level, self.capacity)


@dataclass
class RateLimits:
    """What the server said in one response's ``x-ratelimit-*`` headers (None when absent)."""

    limit_requests: int | None = None
    limit_tokens: int | None = None
    remaining_requests: int | None = None
    remaining_tokens: int | None = None
    reset_requests: float | None = None
    reset_tokens: float | None = None

    @classmethod
    def from_headers(cls, headers: Mapping[str, str]) -> RateLimits:
        def number(name: str) -> int | None:
            value = headers.get(name)
            try:
                return int(float(value)) if value is not None else None
            except ValueError:
                return None

        def duration(name: str) -> float | None:
            value = headers.get(name)
            return parse_duration(value) if value else None

        return cls(
            limit_requests=number("x-ratelimit-limit-requests"),
            limit_tokens=number("x-ratelimit-limit-tokens"),
            remaining_requests=number("x-ratelimit-remaining-requests"),
            remaining_tokens=number("x-ratelimit-remaining-tokens"),
            reset_requests=duration("x-ratelimit-reset-requests"),
            reset_tokens=duration("x-ratelimit-reset-tokens"),
        )


@dataclass
class Reservation:
    """A request's place at the limiter: how long to wait and how many tokens were reserved.

    ``granted`` is False while another request probes for the limits: wait, then ask again.
    """

    wait: float
    tokens: int
    granted: bool = True


@dataclass
class RateLimiter:
    """Requests and tokens per minute. ``rpm``/``tpm`` of 0 mean: learn them from the server.

    Configured limits are ceilings: a server that reports a lower limit lowers them, and a
    server that reports a higher one does not raise them. While a limit is unconfigured and
    not yet learned, one request goes alone as a probe and the rest wait for its answer's
    headers (guessing low would book long waits that a later, higher limit cannot undo),
    unless an earlier run heard this server's limits (``recall``). A limit the answer does not
    report is treated as unlimited: only ``concurrency`` bounds it.
    """

    rpm: int = 0
    tpm: int = 0
    clock: Clock = time.monotonic
    burst_seconds: float = DEFAULT_BURST_SECONDS
    requests: Bucket = field(init=False)
    tokens: Bucket = field(init=False)
    probing: bool = field(init=False)
    probe_out: bool = field(init=False, default=False)
    latency: float | None = field(init=False, default=None)  # seconds, moving average
    tokens_per_request: float | None = field(init=False, default=None)  # used: moving average
    booked: float = field(init=False, default=0.0)  # the last booking, before any usage is known
    # What the server's headers said its limits were (None: not said); ``heard`` once any
    # answer came back, so a run can tell the next one (``recall``).
    reported_rpm: int | None = field(init=False, default=None)
    reported_tpm: int | None = field(init=False, default=None)
    heard: bool = field(init=False, default=False)
    waited: float = field(init=False, default=0.0)  # wall seconds some request was held back
    held_until: float = field(init=False, default=0.0)

    def __post_init__(self) -> None:
        now = self.clock()
        self.requests = self._bucket(self.rpm or UNLIMITED, now)
        self.tokens = self._bucket(self.tpm or UNLIMITED, now)
        # A configured limit is enough to start at full speed; only with none does one request
        # go alone to learn the limits from its answer's headers.
        self.probing = not (self.rpm or self.tpm)
        self.requests.source = "config" if self.rpm else ""
        self.tokens.source = "config" if self.tpm else ""

    def _bucket(self, per_minute: float, now: float) -> Bucket:
        bucket = Bucket(per_minute=per_minute, burst_seconds=self.burst_seconds, updated=now)
        bucket.level = bucket.capacity
        return bucket

    def reserve(self, tokens: int) -> Reservation:
        """Book one request of about ``tokens`` tokens; wait ``.wait`` seconds, then send it."""
        if self.probing:
            if self.probe_out:
                return Reservation(wait=PROBE_POLL_SECONDS, tokens=0, granted=False)
            self.probe_out = True
        now = self.clock()
        wait = max(self.requests.reserve(1, now), self.tokens.reserve(tokens, now))
        self._count_wait(now, wait)
        self.booked = float(tokens)
        return Reservation(wait=wait, tokens=tokens)

    def _count_wait(self, now: float, wait: float) -> None:
        """Add to ``waited`` the part of [now, now + wait] not already counted: the wall time
        during which the limit held some request back (not the sum over requests)."""
        end = now + wait
        if wait > 0 and end > self.held_until:
            self.waited += end - max(now, self.held_until)
            self.held_until = end

    def settle(self, reservation: Reservation, used_tokens: int | None) -> None:
        """Charge what the answer used beyond the booking (None: keep the booking).

        The unused part of a booking is not given back: the API counts a request's prompt
        plus ``max_tokens`` when it admits it, and returning the rest made the limiter believe
        in room the server did not have (27% 429s in the token-bound benchmark)."""
        self.probe_out = False
        if used_tokens is not None:
            counted = max(reservation.tokens, used_tokens)
            self.tokens.give_back(reservation.tokens - counted, self.clock())
            self.tokens_per_request = _smooth(self.tokens_per_request, float(counted))

    def observe_latency(self, seconds: float) -> None:
        """One answer's round trip (send to body read, the wait at the limiter excluded)."""
        if seconds >= 0:
            self.latency = _smooth(self.latency, seconds)

    @property
    def request_rate(self) -> float | None:
        """Requests a second the limits allow (tokens per minute over tokens per request, if
        that binds first); None while no limit is known."""
        rates = []
        if self.requests.per_minute < UNLIMITED:
            rates.append(self.requests.rate)
        per_request = self.tokens_per_request or self.booked
        if self.tokens.per_minute < UNLIMITED and per_request:
            rates.append(self.tokens.rate / max(1.0, per_request))
        return min(rates) if rates else None

    def in_flight(self, cap: int, headroom: float = HEADROOM) -> int:
        """How many requests should be in flight to keep the limit busy, at most ``cap``.

        Little's law: rate x latency x headroom. No known limit: ``cap`` (nothing else bounds
        it); no answer yet: ``INITIAL_LATENCY`` stands in for the latency.
        """
        rate = self.request_rate
        if rate is None:
            return max(1, cap)
        latency = self.latency if self.latency is not None else INITIAL_LATENCY
        return max(1, min(cap, math.ceil(rate * latency * headroom)))

    def cancel(self, reservation: Reservation) -> None:
        """The request never reached the server: return what it booked."""
        self.probe_out = False
        now = self.clock()
        self.requests.give_back(1, now)
        self.tokens.give_back(reservation.tokens, now)

    def observe(self, limits: RateLimits) -> None:
        """Learn from one response's headers: real limits, and what the server says is left."""
        self.heard = True
        self.reported_rpm = limits.limit_requests or self.reported_rpm
        self.reported_tpm = limits.limit_tokens or self.reported_tpm
        now = self.clock()
        self._learn(self.requests, self.rpm, limits.limit_requests, now)
        self._learn(self.tokens, self.tpm, limits.limit_tokens, now)
        if limits.remaining_requests is not None:
            self.requests.clamp(limits.remaining_requests, now)
        if limits.remaining_tokens is not None:
            self.tokens.clamp(limits.remaining_tokens, now)
        self.probing = False

    def _learn(self, bucket: Bucket, configured: int, reported: int | None, now: float) -> None:
        if not reported or reported <= 0:
            return
        wanted = min(configured, reported) if configured else reported
        if wanted != bucket.per_minute or bucket.source == LEARNED_BEFORE:
            bucket.set_limit(wanted, now)
            bucket.source = "server headers"

    def recall(self, rpm: int | None, tpm: int | None) -> None:
        """Start from the limits an earlier run heard from this server (None: it reported
        none, so unlimited) instead of sending one request alone to learn them. A configured
        limit stays as it is; the first answer's headers correct what was recalled."""
        now = self.clock()
        for bucket, configured, recalled in ((self.requests, self.rpm, rpm),
                                             (self.tokens, self.tpm, tpm)):
            if not configured and recalled and recalled > 0:
                bucket.set_limit(recalled, now)
                bucket.level = bucket.capacity
                bucket.source = LEARNED_BEFORE
        self.probing = False

    def describe(self) -> str:
        """The limits in force and where they came from, e.g. ``1,200 req/min (server headers)``
        or ``600 req/min (--rpm), 200,000 tok/min (server headers)``; "none known" before any
        is configured or learned."""
        known = [(f"{bucket.per_minute:,.0f} {unit}/min", bucket.source or "?")
                 for bucket, unit in ((self.requests, "req"), (self.tokens, "tok"))
                 if bucket.per_minute < UNLIMITED]
        if not known:
            return "none known"
        if len({source for _, source in known}) == 1:
            return f"{', '.join(limit for limit, _ in known)} ({known[0][1]})"
        return ", ".join(f"{limit} ({source})" for limit, source in known)

    @property
    def effective_rpm(self) -> float:
        return self.requests.per_minute

    @property
    def effective_tpm(self) -> float:
        return self.tokens.per_minute


def _smooth(average: float | None, sample: float) -> float:
    """An exponential moving average: recent samples count most, so it follows changes."""
    return sample if average is None else average + SMOOTHING * (sample - average)
