"""One draft request from first call to final state, without doing any I/O.

A ``DraftSession`` holds the next request body and the attempts so far. The drafter sends the
request (with retries), records the attempt, and hands the completion to ``handle``, which

- returns the LaySummary when the answer validates;
- or prepares the next request (a larger ``max_tokens`` once after ``finish_reason: length``,
  or a repair message after an invalid answer) and returns None;
- or raises DraftFailed with reason ``refused``, ``filtered``, ``truncated`` or
  ``invalid_output``, carrying every attempt and what they cost.

The OpenAI drafter sends the requests; the Batch API's collect judges its one answer with
``follow_ups=False``, so the same rules decide what counts as a summary whichever way it came.
"""

from __future__ import annotations

import time
from typing import Any

from ..config import Settings
from ..errors import DraftFailed, DraftingError
from ..models import Attempt, LaySummary, Provenance, Usage
from ..prompts import RenderedPrompt
from ..tokens import TokenPlan, cost_of, larger_answer_room, plan_tokens
from . import DraftOutput
from .repair import repair_messages
from .structured import InvalidOutput, base_messages, parse_summary, read_answer, request_body

NAME = "openai"
# Answer kind -> the attempt's outcome, named as the failure reason it may become.
_OUTCOMES = {"text": "ok", "refusal": "refused", "filtered": "filtered", "length": "truncated"}


class DraftSession:
    """The state of one draft: next request, attempts, repairs used."""

    def __init__(self, settings: Settings, prompt: RenderedPrompt, *,
                 follow_ups: bool = True) -> None:
        """``follow_ups=False``: the answer cannot be retried or repaired (a Batch API answer)."""
        self.settings = settings
        self.follow_ups = follow_ups
        self.prompt = prompt
        self.base = base_messages(settings, prompt.as_openai())
        self.plan: TokenPlan = plan_tokens(settings, self.base)
        self.max_tokens = self.plan.max_answer
        self.request: dict[str, Any] = request_body(settings, self.base, self.max_tokens)
        self.attempts: list[Attempt] = []
        self.answer_keys: list[str] = []  # the answer journal's keys of this draft's answers
        self.repairs = 0
        self.prompt_tokens: int | None = self.plan.prompt.tokens  # None once repair messages
        self.widened = not follow_ups
        self.model: str | None = None
        self.started = time.monotonic()

    def deadline_left(self) -> float:
        """Seconds of ``retry_deadline`` this draft has left: one deadline for every call."""
        return max(0.001, self.settings.retry_deadline - (time.monotonic() - self.started))

    def cost_for(self, usage: Usage, model: str | None) -> float:
        return cost_of(usage, self.settings.price_for(model or self.settings.model)) or 0.0

    def handle(self, completion: Any) -> LaySummary | None:
        """The summary, or None after preparing the next request; raises DraftFailed."""
        self.model = getattr(completion, "model", None) or self.model
        answer = read_answer(completion, self.settings.structured_output)
        attempt = self.attempts[-1]
        attempt.outcome = _OUTCOMES[answer.kind]
        if answer.kind == "refusal":
            raise self.failed(f"the model refused to summarise this abstract: {answer.text}",
                              "refused", refusal=answer.text)
        if answer.kind == "filtered":
            raise self.failed("the provider's content filter stopped the answer; review the "
                              "abstract's wording, or draft this one by hand", "filtered")
        if answer.kind == "length":
            self._after_truncation(attempt)
            return None
        try:
            return parse_summary(answer.text, self.settings.limits)
        except InvalidOutput as exc:
            attempt.outcome = "invalid_output"
            attempt.detail = "; ".join(exc.errors)[:500]
            self._repair(answer.text, exc)
            return None

    def _after_truncation(self, attempt: Attempt) -> None:
        bigger = None if self.widened else larger_answer_room(self.settings, self.plan,
                                                              self.max_tokens)
        attempt.outcome = "truncated"
        if bigger is None:
            raise self.failed(
                f"the answer was cut off at max_tokens = {self.max_tokens}: lower the word "
                "limits in [limits], or raise max_tokens_per_draft", "truncated")
        self.widened = True
        self.max_tokens = bigger
        attempt.detail = f"cut off by max_tokens; retrying with max_tokens = {bigger}"
        self.request = {**self.request, self.settings.answer_limit_param: bigger}

    def _repair(self, previous: str, exc: InvalidOutput) -> None:
        if not self.follow_ups or self.repairs >= self.settings.repair_attempts:
            tried = (f"after {self.repairs} repair attempt{'s' if self.repairs != 1 else ''}"
                     if self.repairs else "(repair_attempts = 0)" if self.follow_ups
                     else "(a Batch API answer cannot be repaired)")
            raise self.failed(f"the model's answer did not validate {tried}: {exc.errors[0]}",
                              "invalid_output", errors=exc.errors, answer=previous)
        self.repairs += 1
        self.prompt_tokens = None  # the repair's messages are not the counted prompt
        messages = repair_messages(self.settings, self.base, previous, exc.errors)
        self.request = request_body(self.settings, messages, self.max_tokens)

    def booked_tokens(self) -> int | None:
        """What the next request books at the limiter (prompt plus answer room), from the
        plan's one count of the prompt; None when the prompt changed since (a repair)."""
        return None if self.prompt_tokens is None else self.prompt_tokens + self.max_tokens

    def usage(self) -> Usage:
        return sum((a.usage for a in self.attempts), Usage())

    def cost(self) -> float | None:
        """Dollars for every billed attempt, or None when the model has no configured price."""
        if self.settings.price_for(self.model or self.settings.model) is None:
            return None
        return round(sum(a.cost_usd for a in self.attempts), 8)

    def audit(self) -> dict[str, Any]:
        """The context every failure carries, so the caller can store what was billed."""
        return {"attempts": list(self.attempts), "usage": self.usage(), "cost_usd": self.cost()}

    def failed(self, message: str, reason: str, **context: Any) -> DraftFailed:
        return DraftFailed(message, reason=reason, **context, **self.audit())

    def with_audit(self, error: DraftingError) -> DraftingError:
        error.context.update(self.audit())
        return error

    def output(self, summary: LaySummary) -> DraftOutput:
        provenance = Provenance(
            drafter=NAME, model=self.model or self.settings.model,
            prompt_fingerprint=self.prompt.fingerprint, usage=self.usage(), cost_usd=self.cost(),
            attempts=list(self.attempts), answer_keys=list(self.answer_keys),
        )
        return DraftOutput(summary=summary, provenance=provenance)
