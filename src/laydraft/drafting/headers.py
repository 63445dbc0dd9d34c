"""What a model server's response headers say about waiting: durations, Retry-After, resets.

Pure parsing with no SDK import, so the rate limiter (and ``laydraft --help``) can use it
without loading ``openai``.
"""

from __future__ import annotations

import re
import time
from collections.abc import Mapping
from email.utils import parsedate_to_datetime

_DURATION = re.compile(
    r"(?:(\d+(?:\.\d+)?)h)?(?:(\d+(?:\.\d+)?)m(?!s))?(?:(\d+(?:\.\d+)?)s)?(?:(\d+(?:\.\d+)?)ms)?$"
)
_BUCKETS = ("requests", "tokens")


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


def retry_after(value: str, now: float | None = None) -> float | None:
    """Seconds from a Retry-After value: delta-seconds or an HTTP date."""
    seconds = parse_duration(value)
    if seconds is not None:
        return seconds
    try:
        moment = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, moment.timestamp() - (time.time() if now is None else now))


def reset_wait(headers: Mapping[str, str]) -> float | None:
    """The reset time of the exhausted bucket(s); every bucket's when none says it is empty."""
    resets: dict[str, float] = {}
    for bucket in _BUCKETS:
        value = parse_duration(headers.get(f"x-ratelimit-reset-{bucket}") or "")
        if value is not None:
            resets[bucket] = value
    exhausted = [b for b in resets if headers.get(f"x-ratelimit-remaining-{b}") == "0"]
    chosen = [resets[b] for b in exhausted] or list(resets.values())
    return max(chosen) if chosen else None


def server_wait(headers: Mapping[str, str] | None) -> float | None:
    """How long the server asked us to wait, in seconds, from the response headers."""
    if headers is None:
        return None
    if (ms := headers.get("retry-after-ms")) is not None:
        try:
            return float(ms) / 1000
        except ValueError:
            pass
    if (after := headers.get("retry-after")) is not None:
        seconds = retry_after(after)
        if seconds is not None:
            return seconds
    return reset_wait(headers)
