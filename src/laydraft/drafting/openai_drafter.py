"""Drafts through any OpenAI-compatible chat-completions server: the one (async) implementation.

This module maps laydraft's requests and answers to and from the wire: attempts for the audit
trail, SDK errors into messages that say what to fix. The SDK client comes from the
``ModelProvider`` (credentials, server, HTTP stack); retries belong to the tenacity policy in
``retry.py``; the request bodies, answer parsing and repair loop live in ``session.py`` and
``structured.py``. Sync callers go through the drafting core's sync facade.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

import openai

from ..config import API_KEY_ENV, Settings
from ..errors import DraftFailed, ModelAPIError, ModelUnreachableError, RunHalted
from ..masking import mask_url
from ..models import Abstract, Attempt, Usage
from ..prompts import RenderedPrompt
from . import DraftOutput
from .journal import ANSWER_KEY_HEADER, JOURNAL_HIT_HEADER, settle_quietly
from .provider import ModelProvider
from .retry import error_code, is_retryable, retry_policy
from .session import NAME, DraftSession
from .structured import response_format
from .transport import BOOKED_TOKENS_HEADER

__all__ = ["NAME", "OpenAIDrafter", "explain_status_error", "response_format"]


def _api_message(exc: openai.APIStatusError) -> str:
    body = exc.body
    inner = body.get("error", body) if isinstance(body, dict) else None
    message = inner.get("message") if isinstance(inner, dict) else None
    if message:
        return str(message)
    text = body if isinstance(body, str) else getattr(exc.response, "text", "") or exc.message
    return " ".join(str(text).split())[:300]


def _fix_for_bad_request(settings: Settings, message: str, param: str | None) -> str | None:
    """For a 400 a setting can fix: another ``structured_output`` or ``answer_limit_param``."""
    lowered = f"{message} {param or ''}".lower()
    mode = settings.structured_output
    if mode in ("json_schema", "json_object") and ("response_format" in lowered
                                                   or "json_schema" in lowered):
        other = "json_object" if mode == "json_schema" else "tools"
        return (f"this server does not support structured_output = \"{mode}\" (400: {message}): "
                f"set structured_output = \"{other}\" in your config")
    limit = settings.answer_limit_param
    if limit in lowered and ("unsupported" in lowered or "not supported" in lowered):
        other = "max_completion_tokens" if limit == "max_tokens" else "max_tokens"
        return (f"this model does not accept '{limit}' (400: {message}): set "
                f"answer_limit_param = \"{other}\" in your config")
    if mode == "tools" and "tool" in lowered:
        return ("this server does not support forced tool calls (400: "
                f"{message}): set structured_output = \"json_object\" in your config")
    return None


def _tried(attempts: int, seconds: float) -> str:
    """How hard laydraft tried, in the words of a message: what was really done."""
    if attempts <= 1:
        return "on the first attempt"
    return f"after {attempts} attempts over {seconds:.0f} s"


def explain_status_error(exc: openai.APIStatusError, settings: Settings, attempts: int = 1,
                         seconds: float = 0.0) -> ModelAPIError:
    """A message that says what to fix, for errors retrying cannot help (or no longer helps).

    ``attempts`` and ``seconds`` are the retries really made, which the message states.
    """
    code = error_code(exc)
    status = exc.status_code
    message = _api_message(exc)
    param = exc.body.get("error", {}).get("param") if isinstance(exc.body, dict) else None
    if status == 401:
        text = f"the API key was refused (401): check {API_KEY_ENV} in your environment"
    elif status == 403:
        text = "the API key may not use this model or endpoint (403): check the key's permissions"
    elif status == 404:
        text = (f"the server does not know model '{settings.model}' (404): set model in your "
                "config or --model to a model the server serves")
    elif status == 429 and code == "insufficient_quota":
        text = ("the account has run out of quota (429 insufficient_quota); retrying cannot "
                "help, so laydraft did not retry: add credit or use another key")
    elif status == 400 and code == "context_length_exceeded":
        text = (f"the prompt is too long for {settings.model} (400: {message}): shorten the "
                "abstract, or set context_window in your config to the model's real window")
    elif status == 400 and (hint := _fix_for_bad_request(settings, message, param)):
        text = hint
    elif status == 429:
        text = (f"still rate limited (429) {_tried(attempts, seconds)} (retry_deadline is "
                f"{settings.retry_deadline:g} s): wait a minute and try again, or raise "
                "retry_deadline in your config")
    elif status >= 500 or is_retryable(exc):
        text = (f"the model server failed ({status}: {message}) {_tried(attempts, seconds)} "
                f"(retry_deadline is {settings.retry_deadline:g} s): try again later")
    else:
        text = f"the model server refused the request ({status}): {message}"
    return ModelAPIError(text, status=status, api_code=code, tries=attempts,
                         seconds=round(seconds, 3))


def _unreachable(exc: Exception, client: Any, tries: int, seconds: float) -> ModelAPIError:
    """Unreachable: ``timed_out`` tells a slow server from one no request reached (refused,
    DNS, TLS), which a batch run treats as fatal, as every other record would fail the same."""
    base_url = mask_url(str(client.base_url))  # a password written into base_url stays hidden
    over = f" over {seconds:.0f} s" if tries > 1 else ""
    timed_out = isinstance(exc, openai.APITimeoutError)
    return ModelUnreachableError(
        f"could not reach the model server at {base_url} after {tries} attempt"
        f"{'s' if tries != 1 else ''}{over} ({_why_unreachable(exc)})",
        base_url=base_url, tries=tries, seconds=round(seconds, 3), timed_out=timed_out)


def _why_unreachable(exc: Exception) -> str:
    """The network's own words (``[Errno 111] Connection refused``), else the error's class."""
    cause = exc.__cause__ or exc.__context__
    text = " ".join(str(cause).split()) if cause is not None else ""
    return mask_url(text)[:200] if text else exc.__class__.__name__


def _elapsed_ms(started: float) -> int:
    return int((time.monotonic() - started) * 1000)


def _failed_attempt(exc: Exception, number: int, started: float) -> Attempt | None:
    """The audit row for a call that raised, or None when it is not an API failure."""
    if isinstance(exc, openai.APIStatusError):
        return Attempt(
            number=number, outcome="http_error", http_status=exc.status_code,
            error_code=error_code(exc), request_id=exc.response.headers.get("x-request-id"),
            latency_ms=_elapsed_ms(started), detail=_api_message(exc)[:300],
        )
    if isinstance(exc, openai.APITimeoutError | openai.APIConnectionError):
        outcome = "timeout" if isinstance(exc, openai.APITimeoutError) else "connection_error"
        return Attempt(number=number, outcome=outcome, latency_ms=_elapsed_ms(started),
                       detail=exc.__class__.__name__)
    return None


def _ok_attempt(session: DraftSession, raw: Any, completion: Any, started: float) -> Attempt:
    usage = _usage(completion)
    if key := raw.headers.get(ANSWER_KEY_HEADER):
        session.answer_keys.append(key)
    replayed = raw.headers.get(JOURNAL_HIT_HEADER) == "1"
    return Attempt(
        number=len(session.attempts) + 1, outcome="ok", http_status=raw.status_code,
        request_id=raw.headers.get("x-request-id"), latency_ms=_elapsed_ms(started),
        usage=usage, cost_usd=session.cost_for(usage, getattr(completion, "model", None)),
        detail=("answered from the answer journal: an earlier call paid for this answer, "
                "which was never stored") if replayed else None,
    )


def _final_error(session: DraftSession, exc: Exception, client: Any, tries: int,
                 seconds: float) -> Exception:
    """What a call that failed for good becomes: a ModelAPIError carrying the attempts."""
    if isinstance(exc, openai.APIStatusError):
        return session.with_audit(explain_status_error(exc, session.settings, tries, seconds))
    if isinstance(exc, openai.APITimeoutError | openai.APIConnectionError):
        return session.with_audit(_unreachable(exc, client, tries, seconds))
    return exc


def sdk_arguments(body: dict[str, Any]) -> dict[str, Any]:
    """``create``'s arguments for a request body already in wire format, sent as it is.

    The SDK's typed ``create`` walks every message and the whole schema against its
    TypedDicts before sending (about 0.7 ms a request, a quarter of its request building);
    the body needs none of it, so it goes as ``extra_body``, which the SDK merges
    untouched. The bytes sent are the same as the typed call's, key order included (the
    SDK puts ``model`` and ``messages`` first, then the rest in name order), so answer
    journal keys and recordings still match (``tests/test_openai_drafter.py`` pins it).
    """
    rest = sorted(((k, v) for k, v in body.items() if k not in ("model", "messages")),
                  key=lambda item: item[0])
    return {"model": body["model"], "messages": [],
            "extra_body": {"model": body["model"], "messages": body["messages"], **dict(rest)}}


class OpenAIDrafter:
    """Chat completions with the LaySummary schema, retries, repairs and an audit trail.

    The SDK client is made on first use in the running event loop (and again if a later call
    runs in another loop, as the sync facade's calls do); ``aclose`` releases it.
    """

    name = NAME

    def __init__(self, settings: Settings, provider: ModelProvider | None = None) -> None:
        self.settings = settings
        self.provider = provider or ModelProvider(settings)
        self._client: asyncio.Task[openai.AsyncOpenAI] | None = None
        self._loop: asyncio.AbstractEventLoop | None = None

    async def client(self) -> openai.AsyncOpenAI:
        """This loop's client; concurrent first calls share one (a batch starts many at once)."""
        loop = asyncio.get_running_loop()
        if self._client is None or self._loop is not loop:
            # Building the HTTP client reads CA certificates from disk: not on the loop.
            self._client = loop.create_task(asyncio.to_thread(self.provider.async_client))
            self._loop = loop
        return await asyncio.shield(self._client)

    async def _attempt(self, client: openai.AsyncOpenAI, session: DraftSession) -> Any:
        """One HTTP call, recorded in the session's attempts whatever happens."""
        self.provider.gate.check()  # a halted run sends nothing, not even a retry
        started = time.monotonic()
        try:
            booked = session.booked_tokens()
            extra = {BOOKED_TOKENS_HEADER: str(booked)} if booked is not None else None
            raw = await client.chat.completions.with_raw_response.create(
                **sdk_arguments(session.request), extra_headers=extra)
            completion = raw.parse()
        except Exception as exc:
            if (row := _failed_attempt(exc, len(session.attempts) + 1, started)) is not None:
                session.attempts.append(row)
            raise
        session.attempts.append(_ok_attempt(session, raw, completion, started))
        return completion

    async def _call(self, client: openai.AsyncOpenAI, session: DraftSession) -> Any:
        clock = self.provider.clock or time.monotonic
        started = clock()
        policy = retry_policy(deadline=session.deadline_left(),
                              max_wait=self.settings.retry_max_wait, sleep=self.provider.sleep,
                              clock=clock, halted=lambda: self.provider.gate.halted)
        try:
            return await policy(self._attempt, client, session)
        except (openai.APIStatusError, openai.APITimeoutError, openai.APIConnectionError) as exc:
            gate = self.provider.gate
            if gate.halted and is_retryable(exc):  # not this record's failure: the run stopped
                raise RunHalted(gate.reason or "stopped") from exc
            tries = int(policy.statistics.get("attempt_number", 1))
            raise _final_error(session, exc, client, tries, clock() - started) from exc

    async def draft(self, abstract: Abstract, prompt: RenderedPrompt) -> DraftOutput:
        """A valid summary, or DraftFailed / ModelAPIError / BudgetError; never half an answer."""
        client = await self.client()
        # Planning counts tokens (a tokenizer may load from disk): off the loop, like parsing,
        # whose repair message renders a template.
        session = await asyncio.to_thread(DraftSession, self.settings, prompt)
        try:
            while True:
                completion = await self._call(client, session)
                summary = await asyncio.to_thread(session.handle, completion)
                if summary is not None:
                    return session.output(summary)
        except DraftFailed:
            # A refusal, a cut-off or an answer that never validated is the draft's outcome:
            # the journal lets go of those answers, so asking again really asks again.
            await asyncio.to_thread(settle_quietly, self.provider.journal, session.answer_keys)
            raise

    async def aclose(self) -> None:
        made, self._client, self._loop = self._client, None, None
        if made is not None and made.done() and not made.cancelled() and not made.exception():
            await made.result().close()


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
