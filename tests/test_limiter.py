"""The rate limiter's arithmetic, on a fake clock: no sleeping, no timing."""

from __future__ import annotations

import json

import pytest

from laydraft.drafting.limiter import INITIAL_LATENCY, UNLIMITED, Bucket, RateLimiter, RateLimits


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


def test_requests_are_paced_at_the_rpm_after_the_burst(clock: FakeClock) -> None:
    limiter = RateLimiter(rpm=600, tpm=10**9, clock=clock)  # 10 a second, burst of 10
    waits = [limiter.reserve(1).wait for _ in range(13)]
    assert waits[:10] == [0.0] * 10
    assert waits[10:] == pytest.approx([0.1, 0.2, 0.3])


def test_refill_over_time_lets_requests_through_again(clock: FakeClock) -> None:
    limiter = RateLimiter(rpm=600, tpm=10**9, clock=clock)
    for _ in range(10):
        limiter.reserve(1)
    clock.now += 0.5
    assert [limiter.reserve(1).wait for _ in range(6)] == pytest.approx([0, 0, 0, 0, 0, 0.1])


def test_tokens_per_minute_bound_the_wait_for_large_requests(clock: FakeClock) -> None:
    limiter = RateLimiter(rpm=10_000, tpm=6_000, clock=clock)  # 100 tokens a second
    assert limiter.reserve(100).wait == 0
    assert limiter.reserve(300).wait == pytest.approx(3.0)
    assert limiter.reserve(100).wait == pytest.approx(4.0)


def test_settling_keeps_the_booking_the_server_counted_on_admission(clock: FakeClock) -> None:
    limiter = RateLimiter(rpm=10_000, tpm=6_000, clock=clock)
    booked = limiter.reserve(400)
    assert booked.wait == pytest.approx(3.0)
    limiter.settle(booked, used_tokens=150)  # the API counted prompt + max_tokens: no refund
    assert limiter.reserve(50).wait == pytest.approx(3.5)


def test_settling_with_more_than_estimated_charges_the_difference(clock: FakeClock) -> None:
    limiter = RateLimiter(rpm=10_000, tpm=6_000, clock=clock)
    booked = limiter.reserve(100)
    limiter.settle(booked, used_tokens=300)
    assert limiter.reserve(0).wait == pytest.approx(2.0)


def test_cancel_returns_the_request_and_its_tokens(clock: FakeClock) -> None:
    limiter = RateLimiter(rpm=60, tpm=6_000, clock=clock)  # burst of one request
    booked = limiter.reserve(100)
    limiter.cancel(booked)
    assert limiter.reserve(100).wait == 0


def test_unconfigured_limits_send_one_probe_and_hold_the_rest(clock: FakeClock) -> None:
    limiter = RateLimiter(clock=clock)
    probe = limiter.reserve(500)
    assert probe.granted and probe.wait == 0
    held = limiter.reserve(500)
    assert not held.granted and held.wait > 0
    limiter.observe(RateLimits(limit_requests=600, limit_tokens=10**6))
    limiter.settle(probe, used_tokens=400)
    assert limiter.reserve(500).granted


def test_a_server_without_rate_limit_headers_is_not_limited(clock: FakeClock) -> None:
    limiter = RateLimiter(clock=clock)
    limiter.settle(limiter.reserve(10), None)
    limiter.observe(RateLimits.from_headers({}))
    assert limiter.effective_rpm == UNLIMITED
    assert all(limiter.reserve(10_000).wait == 0 for _ in range(1000))


def test_headers_teach_unconfigured_limits(clock: FakeClock) -> None:
    limiter = RateLimiter(clock=clock)
    limiter.observe(RateLimits.from_headers({
        "x-ratelimit-limit-requests": "30000", "x-ratelimit-limit-tokens": "150000000",
        "x-ratelimit-remaining-requests": "29999", "x-ratelimit-remaining-tokens": "149999",
        "x-ratelimit-reset-requests": "2ms", "x-ratelimit-reset-tokens": "0s",
    }))
    assert (limiter.effective_rpm, limiter.effective_tpm) == (30000, 150000000)


def test_configured_limits_are_ceilings_a_lower_server_limit_wins(clock: FakeClock) -> None:
    limiter = RateLimiter(rpm=500, tpm=200_000, clock=clock)
    limiter.observe(RateLimits(limit_requests=10_000, limit_tokens=100_000))
    assert (limiter.effective_rpm, limiter.effective_tpm) == (500, 100_000)


def test_remaining_headers_clamp_what_the_limiter_believes_is_left(clock: FakeClock) -> None:
    limiter = RateLimiter(rpm=600, tpm=10**9, clock=clock)
    limiter.observe(RateLimits(remaining_requests=0))
    assert limiter.reserve(1).wait == pytest.approx(0.1)


def test_a_429_costs_only_the_refill_time_not_a_global_pause(clock: FakeClock) -> None:
    limiter = RateLimiter(rpm=600, tpm=10**9, clock=clock)
    limiter.observe(RateLimits.from_headers({"x-ratelimit-remaining-requests": "0",
                                             "x-ratelimit-reset-requests": "21m36.001s"}))
    waits = [limiter.reserve(1).wait for _ in range(3)]
    assert waits == pytest.approx([0.1, 0.2, 0.3])


def test_reset_durations_parse_the_api_formats() -> None:
    limits = RateLimits.from_headers({"x-ratelimit-reset-requests": "21m36.001s",
                                      "x-ratelimit-reset-tokens": "6ms"})
    assert limits.reset_requests == pytest.approx(1296.001)
    assert limits.reset_tokens == pytest.approx(0.006)


def test_garbage_headers_are_ignored(clock: FakeClock) -> None:
    limiter = RateLimiter(rpm=600, tpm=6000, clock=clock)
    limiter.observe(RateLimits.from_headers({"x-ratelimit-limit-requests": "lots",
                                             "x-ratelimit-remaining-tokens": ""}))
    assert (limiter.effective_rpm, limiter.effective_tpm) == (600, 6000)


def test_bucket_never_holds_more_than_its_burst(clock: FakeClock) -> None:
    bucket = Bucket(per_minute=600, burst_seconds=2, level=0, updated=clock.now)
    bucket.refill(clock.now + 3600)
    assert bucket.level == 20


# -- in flight: Little's law on the limit in force and the observed latency ---------------------


def test_in_flight_is_rate_times_latency_with_headroom(clock: FakeClock) -> None:
    limiter = RateLimiter(rpm=1200, tpm=10**9, clock=clock)  # 20 requests a second
    limiter.observe_latency(2.0)
    assert limiter.in_flight(cap=256, headroom=1.5) == 60  # 20 x 2.0 x 1.5
    assert limiter.in_flight(cap=32, headroom=1.5) == 32  # --concurrency is a cap


def test_in_flight_follows_latency_as_it_changes(clock: FakeClock) -> None:
    limiter = RateLimiter(rpm=6000, tpm=10**9, clock=clock)  # 100 a second
    for _ in range(30):
        limiter.observe_latency(0.4)
    assert limiter.in_flight(cap=1000, headroom=1.0) == 40
    for _ in range(30):
        limiter.observe_latency(2.0)
    assert 195 <= limiter.in_flight(cap=1000, headroom=1.0) <= 200
    for _ in range(30):
        limiter.observe_latency(0.4)
    assert 40 <= limiter.in_flight(cap=1000, headroom=1.0) <= 42


def test_in_flight_before_any_answer_assumes_the_initial_latency(clock: FakeClock) -> None:
    limiter = RateLimiter(rpm=600, clock=clock)
    assert limiter.in_flight(cap=256, headroom=1.0) == 10 * INITIAL_LATENCY


def test_in_flight_without_a_known_limit_is_the_cap(clock: FakeClock) -> None:
    limiter = RateLimiter(clock=clock)
    limiter.observe_latency(0.5)
    assert limiter.in_flight(cap=77) == 77
    limiter.observe(RateLimits(limit_requests=120))  # learned: 2 a second
    assert limiter.in_flight(cap=77, headroom=1.0) == 1


def test_in_flight_when_tokens_bind_first(clock: FakeClock) -> None:
    limiter = RateLimiter(rpm=10_000, tpm=60_000, clock=clock)  # 1,000 tokens a second
    limiter.settle(limiter.reserve(500), used_tokens=500)  # 500 tokens a request: 2 a second
    limiter.observe_latency(3.0)
    assert limiter.request_rate == pytest.approx(2.0)
    assert limiter.in_flight(cap=256, headroom=1.0) == 6


def test_a_configured_limit_sends_no_lone_probe(clock: FakeClock) -> None:
    limiter = RateLimiter(rpm=600, clock=clock)  # tpm not configured: learned from headers
    assert all(limiter.reserve(100).granted for _ in range(10))


def test_the_limit_in_force_says_where_it_came_from(clock: FakeClock) -> None:
    limiter = RateLimiter(rpm=1200, clock=clock)
    assert limiter.describe() == "1,200 req/min (config)"
    limiter.observe(RateLimits(limit_requests=600, limit_tokens=200_000))
    assert limiter.describe() == "600 req/min, 200,000 tok/min (server headers)"
    flagged = RateLimiter(rpm=100, clock=clock)
    flagged.requests.source = "--rpm"
    flagged.observe(RateLimits(limit_requests=600, limit_tokens=200_000))
    assert flagged.describe() == "100 req/min (--rpm), 200,000 tok/min (server headers)"
    assert RateLimiter(clock=clock).describe() == "none known"


def test_waited_counts_the_wall_time_requests_were_held_back_once(clock: FakeClock) -> None:
    limiter = RateLimiter(rpm=60, tpm=10**9, clock=clock)  # 1 a second, burst of one
    waits = [limiter.reserve(1).wait for _ in range(4)]  # 0, 1, 2, 3: overlapping waits
    assert waits == pytest.approx([0, 1, 2, 3])
    assert limiter.waited == pytest.approx(3.0)  # not 1 + 2 + 3
    clock.now += 10
    limiter.reserve(1)  # the bucket refilled: no wait
    assert limiter.waited == pytest.approx(3.0)


def test_the_drafters_count_is_booked_once_and_never_sent(clock: FakeClock) -> None:
    import asyncio

    import httpx2

    from laydraft.drafting.transport import BOOKED_TOKENS_HEADER, LimitedTransport

    seen: list[httpx2.Request] = []

    class Server(httpx2.AsyncBaseTransport):
        async def handle_async_request(self, request: httpx2.Request) -> httpx2.Response:
            seen.append(request)
            return httpx2.Response(200, json={"ok": True})

    limiter = RateLimiter(rpm=6000, tpm=60_000, clock=clock)  # 1,000 tokens a second of room
    transport = LimitedTransport(Server(), limiter)
    body = json.dumps({"model": "gpt-4o-mini", "max_tokens": 9999,
                       "messages": [{"role": "user", "content": "word " * 2000}]}).encode()
    request = httpx2.Request("POST", "http://model.invalid/v1/chat/completions", content=body,
                             headers={BOOKED_TOKENS_HEADER: "400"})
    asyncio.run(transport.handle_async_request(request))
    assert BOOKED_TOKENS_HEADER not in seen[0].headers  # laydraft's own note stays home
    assert limiter.tokens.level == pytest.approx(1000 - 400)  # the drafter's count, not a recount


def test_limits_an_earlier_run_heard_start_the_run_without_a_lone_probe(clock: FakeClock) -> None:
    limiter = RateLimiter(clock=clock)
    limiter.recall(600, None)  # the server reported requests only: tokens stay unlimited
    assert all(limiter.reserve(100).granted for _ in range(5))
    assert (limiter.effective_rpm, limiter.effective_tpm) == (600, UNLIMITED)
    assert limiter.describe() == "600 req/min (server headers, an earlier run)"
    limiter.observe(RateLimits(limit_requests=600))  # the first answer confirms it
    assert limiter.describe() == "600 req/min (server headers)"
    assert (limiter.heard, limiter.reported_rpm, limiter.reported_tpm) == (True, 600, None)


def test_a_recalled_limit_never_replaces_a_configured_one(clock: FakeClock) -> None:
    limiter = RateLimiter(tpm=50_000, clock=clock)
    limiter.recall(600, 400_000)
    assert (limiter.effective_rpm, limiter.effective_tpm) == (600, 50_000)
    assert limiter.tokens.source == "config"
