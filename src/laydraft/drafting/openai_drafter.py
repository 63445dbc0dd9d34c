"""Drafts through any OpenAI-compatible chat-completions server, with structured outputs.

This is the only module that imports ``openai``. The HTTP client is injectable, so tests replay
recorded exchanges through the real SDK; retries belong to the tenacity policy in ``retry.py``.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import openai
from pydantic import ValidationError

from ..config import API_KEY_ENV, Settings
from ..errors import DraftFailed, ModelAPIError
from ..models import Abstract, Attempt, LaySummary, Provenance, Usage
from ..prompts import RenderedPrompt
from ..tokens import cost_of, max_answer_tokens
from . import DraftOutput
from .retry import error_code, retry_policy

NAME = "openai"


def build_client(settings: Settings, http_client: Any | None = None) -> openai.OpenAI:
    """An SDK client with retries off (tenacity owns them) and the key from the environment."""
    key = settings.api_key()
    if not key and not settings.base_url:
        raise ModelAPIError(
            f"no API key: set {API_KEY_ENV} in the environment, or set base_url for a local server"
        )
    return openai.OpenAI(
        api_key=key or "not-needed-for-local-servers",
        base_url=settings.base_url or None,
        timeout=settings.request_timeout,
        max_retries=0,
        http_client=http_client,
    )


def response_format() -> dict[str, Any]:
    return {
        "type": "json_schema",
        "json_schema": {
            "name": "LaySummary",
            "strict": True,
            "schema": LaySummary.model_json_schema(),
        },
    }


def explain_status_error(exc: openai.APIStatusError, settings: Settings) -> ModelAPIError:
    """A message that says what to fix, for errors retrying cannot help."""
    code = error_code(exc)
    status = exc.status_code
    if status == 401:
        text = f"the API key was refused (401): check {API_KEY_ENV} in your environment"
    elif status == 403:
        text = "the API key may not use this model or endpoint (403): check the key's permissions"
    elif status == 404:
        text = (f"the server does not know model '{settings.model}' (404): set model in your "
                "config or --model to a model the server serves")
    elif status == 429 and code == "insufficient_quota":
        text = ("the account has run out of quota (429 insufficient_quota); retrying cannot "
                "help: add credit or use another key")
    else:
        text = f"the model server refused the request ({status}): {_api_message(exc)}"
    return ModelAPIError(text, status=status, code=code)


def _api_message(exc: openai.APIStatusError) -> str:
    body = exc.body if isinstance(exc.body, dict) else {}
    inner = body.get("error", body)
    message = inner.get("message") if isinstance(inner, dict) else None
    return str(message or exc.message)


class OpenAIDrafter:
    """Chat completions with the LaySummary schema as strict structured output."""

    name = NAME

    def __init__(
        self,
        settings: Settings,
        http_client: Any | None = None,
        sleep: Callable[[float], None] | None = None,
    ) -> None:
        self.settings = settings
        self.client = build_client(settings, http_client)
        self.sleep = sleep

    def _request(self, prompt: RenderedPrompt) -> dict[str, Any]:
        return {
            "model": self.settings.model,
            "messages": prompt.as_openai(),
            "temperature": self.settings.temperature,
            "max_tokens": max_answer_tokens(self.settings),
            "response_format": response_format(),
        }

    def _attempt(self, request: dict[str, Any], attempts: list[Attempt]) -> Any:
        """One HTTP call, recorded in ``attempts`` whatever happens."""
        number = len(attempts) + 1
        started = time.monotonic()
        try:
            raw = self.client.chat.completions.with_raw_response.create(**request)
        except openai.APIStatusError as exc:
            attempts.append(Attempt(
                number=number, outcome="http_error", http_status=exc.status_code,
                error_code=error_code(exc), request_id=exc.response.headers.get("x-request-id"),
                latency_ms=int((time.monotonic() - started) * 1000), detail=_api_message(exc)[:300],
            ))
            raise
        except (openai.APITimeoutError, openai.APIConnectionError) as exc:
            outcome = "timeout" if isinstance(exc, openai.APITimeoutError) else "connection_error"
            attempts.append(Attempt(number=number, outcome=outcome,
                                    latency_ms=int((time.monotonic() - started) * 1000)))
            raise
        completion = raw.parse()
        usage = _usage(completion)
        attempts.append(Attempt(
            number=number, outcome="ok", http_status=raw.status_code,
            request_id=raw.headers.get("x-request-id"),
            latency_ms=int((time.monotonic() - started) * 1000), usage=usage,
            cost_usd=cost_of(usage, self.settings.price_for(completion.model)) or 0.0,
        ))
        return completion

    def draft(self, abstract: Abstract, prompt: RenderedPrompt) -> DraftOutput:
        attempts: list[Attempt] = []
        request = self._request(prompt)
        policy = retry_policy(deadline=self.settings.retry_deadline,
                              max_wait=self.settings.retry_max_wait, sleep=self.sleep)
        try:
            completion = policy(self._attempt, request, attempts)
        except openai.APIStatusError as exc:
            raise explain_status_error(exc, self.settings) from exc
        except (openai.APITimeoutError, openai.APIConnectionError) as exc:
            raise ModelAPIError(
                f"could not reach the model server at {self.client.base_url} after "
                f"{len(attempts)} attempts: {exc.__class__.__name__}"
            ) from exc
        summary = self._parse(completion, attempts)
        return DraftOutput(summary=summary, provenance=self._provenance(completion, prompt, attempts))

    def _parse(self, completion: Any, attempts: list[Attempt]) -> LaySummary:
        message = completion.choices[0].message
        if getattr(message, "refusal", None):
            raise DraftFailed(f"the model refused: {message.refusal}", reason="refused",
                              attempts=attempts)
        try:
            return LaySummary.validate_with_limits(message.content or "", self.settings.limits)
        except ValidationError as exc:
            raise DraftFailed(f"the model's answer did not validate: {exc.errors()[0]['msg']}",
                              reason="invalid_output", attempts=attempts) from exc

    def _provenance(self, completion: Any, prompt: RenderedPrompt,
                    attempts: list[Attempt]) -> Provenance:
        usage = sum((a.usage for a in attempts), Usage())
        price = self.settings.price_for(completion.model)
        return Provenance(
            drafter=NAME, model=completion.model, prompt_fingerprint=prompt.fingerprint,
            usage=usage, cost_usd=cost_of(usage, price), attempts=attempts,
        )


def _usage(completion: Any) -> Usage:
    usage = getattr(completion, "usage", None)
    if usage is None:
        return Usage()
    details = getattr(usage, "prompt_tokens_details", None)
    return Usage(
        prompt_tokens=usage.prompt_tokens or 0,
        cached_tokens=(getattr(details, "cached_tokens", 0) or 0) if details else 0,
        completion_tokens=usage.completion_tokens or 0,
    )
