"""``--dry-run``: how many records, how many tokens, what it would cost. Nothing is sent.

Prompt tokens are counted as the drafter would send them (exactly when the model's encoding is
on this machine, else the generous estimate in ``tokens.py``). Answer tokens are not known
before the model writes them, so the estimate takes the middle of each section's word range;
the upper bound is what ``max_tokens`` allows.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from ..config import Settings
from ..drafting.structured import base_messages
from ..errors import RecordError
from ..models import Abstract, Usage
from ..prompts import render_draft_prompt
from ..tokens import cost_of, count_messages, max_answer_tokens

TOKENS_PER_WORD = 1.4
JSON_OVERHEAD_TOKENS = 40


@dataclass
class Estimate:
    records: int = 0
    bad: int = 0
    already_drafted: int = 0
    to_draft: int = 0
    prompt_tokens: int = 0
    answer_tokens: int = 0
    answer_tokens_max: int = 0
    exact_count: bool = True
    cost_usd: float | None = None
    cost_usd_max: float | None = None
    batch_api_cost_usd: float | None = None
    bad_records: list[dict[str, Any]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def expected_answer_tokens(settings: Settings) -> int:
    """Tokens of a typical answer: the middle of every section's word range, as JSON."""
    limits = settings.limits
    words = sum((limits.for_field(f).min + limits.for_field(f).max) / 2
                for f in type(limits).model_fields)
    return int(words * TOKENS_PER_WORD) + JSON_OVERHEAD_TOKENS


def prompt_tokens(settings: Settings, abstract: Abstract) -> tuple[int, bool]:
    messages = base_messages(settings, render_draft_prompt(settings, abstract).as_openai())
    count = count_messages(messages, settings.model)
    return count.tokens, count.exact


def estimate(settings: Settings, records: Iterable[Abstract | RecordError],
             drafted: Callable[[Abstract], bool] | None = None,
             batch_discount: float = 0.5) -> Estimate:
    """Count the list and price the records that still need drafting."""
    result = Estimate()
    typical, most = expected_answer_tokens(settings), max_answer_tokens(settings)
    seen: set[str] = set()
    for record in records:
        result.records += 1
        if isinstance(record, RecordError):
            result.bad += 1
            result.bad_records.append({"source": record.source, "reason": record.reason})
            continue
        key = record.stable_key()
        if key in seen or (drafted is not None and drafted(record)):
            result.already_drafted += 1
            continue
        seen.add(key)
        tokens, exact = prompt_tokens(settings, record)
        result.to_draft += 1
        result.prompt_tokens += tokens
        result.exact_count = result.exact_count and exact
        result.answer_tokens += typical
        result.answer_tokens_max += most
    _price(settings, result, batch_discount)
    return result


def _price(settings: Settings, result: Estimate, batch_discount: float) -> None:
    price = settings.price_for(settings.model)
    typical = cost_of(Usage(prompt_tokens=result.prompt_tokens,
                            completion_tokens=result.answer_tokens), price)
    if typical is None:
        return
    result.cost_usd = round(typical, 6)
    result.batch_api_cost_usd = round(typical * batch_discount, 6)
    most = cost_of(Usage(prompt_tokens=result.prompt_tokens,
                         completion_tokens=result.answer_tokens_max), price)
    result.cost_usd_max = round(most or 0.0, 6)
