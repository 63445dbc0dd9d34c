"""Token accounting: what a call costs, from the configured price table."""

from __future__ import annotations

from .config import Price, Settings
from .models import Usage


def cost_of(usage: Usage, price: Price | None) -> float | None:
    """US dollars for the usage, or None when the model has no price in the config."""
    if price is None:
        return None
    cached = min(usage.cached_tokens, usage.prompt_tokens)
    cached_rate = price.cached_input if price.cached_input is not None else price.input
    dollars = (
        (usage.prompt_tokens - cached) * price.input
        + cached * cached_rate
        + usage.completion_tokens * price.output
    )
    return round(dollars / 1_000_000, 8)


def max_answer_tokens(settings: Settings) -> int:
    """Room for the longest answer the word limits allow, with JSON overhead."""
    limits = settings.limits
    words = sum(limits.for_field(f).max for f in type(limits).model_fields)
    return int(words * 2) + 200
