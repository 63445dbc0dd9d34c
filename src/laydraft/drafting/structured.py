"""The three ways of asking a chat-completions server for a LaySummary, and reading the answer.

``structured_output`` in the config picks one:

- ``json_schema``: strict structured outputs (OpenAI, Azure). The server guarantees the shape.
- ``json_object``: JSON mode plus the schema written into the system message, for servers
  without strict schemas (Ollama, vLLM, llama.cpp). Answers may come wrapped in prose or code
  fences; the first JSON object is taken, and the repair loop fixes the rest.
- ``tools``: one function whose parameters are the schema, forced with ``tool_choice``; the
  summary is the call's arguments.

Everything here is I/O-free: it builds request bodies and reads completion objects, so the sync
and async drafters share it.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from typing import Any, Literal

from pydantic import BaseModel, ValidationError

from ..config import Settings
from ..models import LaySummary, WordLimits
from ..prompts import render_template

JSON_OBJECT_TEMPLATE = "json_object.j2"
TOOL_NAME = "write_lay_summary"
_FENCE = re.compile(r"```(?:json|JSON)?\s*\n?(.*?)```", re.DOTALL)


class Answer(BaseModel):
    """What one completion said, whatever the output mode."""

    kind: Literal["text", "refusal", "length", "filtered"]
    text: str = ""
    finish_reason: str | None = None


class InvalidOutput(ValueError):
    """The answer is not a LaySummary; ``errors`` are one line each, for the repair message."""

    def __init__(self, errors: list[str]) -> None:
        super().__init__("; ".join(errors))
        self.errors = errors


@lru_cache(maxsize=1)
def schema() -> dict[str, Any]:
    """The LaySummary JSON schema, built once (about 1 ms each time); callers must not
    change it."""
    return LaySummary.model_json_schema()


def response_format() -> dict[str, Any]:
    return {
        "type": "json_schema",
        "json_schema": {"name": "LaySummary", "strict": True, "schema": schema()},
    }


def summary_tool() -> dict[str, Any]:
    return {
        "type": "function",
        "function": {
            "name": TOOL_NAME,
            "description": "Record the plain-language summary of the study.",
            "parameters": schema(),
        },
    }


def base_messages(settings: Settings, messages: list[dict[str, str]]) -> list[dict[str, str]]:
    """The prompt for this mode: json_object adds the schema to the system message.

    The addition goes into the (static) system message so the abstract stays last and the
    prefix stays cacheable by the provider.
    """
    if settings.structured_output != "json_object":
        return [dict(m) for m in messages]
    extra = render_template(settings, JSON_OBJECT_TEMPLATE,
                            schema=json.dumps(schema(), indent=1, sort_keys=True))
    out = [dict(m) for m in messages]
    first = out[0] if out and out[0]["role"] == "system" else None
    if first is None:
        return [{"role": "system", "content": extra}, *out]
    first["content"] = f"{first['content']}\n\n{extra}"
    return out


def request_body(settings: Settings, messages: list[dict[str, str]],
                 max_tokens: int) -> dict[str, Any]:
    """The chat-completions request for the configured output mode."""
    body: dict[str, Any] = {
        "model": settings.model,
        "messages": messages,
        "temperature": settings.temperature,
        settings.answer_limit_param: max_tokens,
    }
    mode = settings.structured_output
    if mode == "json_schema":
        body["response_format"] = response_format()
    elif mode == "json_object":
        body["response_format"] = {"type": "json_object"}
    else:
        body["tools"] = [summary_tool()]
        body["tool_choice"] = {"type": "function", "function": {"name": TOOL_NAME}}
    return body


def _answer_text(message: Any, mode: str) -> str:
    if mode == "tools":
        for call in getattr(message, "tool_calls", None) or []:
            function = getattr(call, "function", None)
            if function is not None and function.arguments:
                return str(function.arguments)
    return str(getattr(message, "content", None) or "")


def read_answer(completion: Any, mode: str) -> Answer:
    """Classify a completion: a refusal, a cut-off or filtered answer, or text to validate."""
    choices = getattr(completion, "choices", None) or []
    if not choices:
        return Answer(kind="text")
    choice = choices[0]
    finish = getattr(choice, "finish_reason", None)
    message = choice.message
    refusal = getattr(message, "refusal", None)
    if refusal:
        return Answer(kind="refusal", text=str(refusal), finish_reason=finish)
    text = _answer_text(message, mode)
    if finish == "content_filter":
        return Answer(kind="filtered", text=text, finish_reason=finish)
    if finish == "length":
        return Answer(kind="length", text=text, finish_reason=finish)
    return Answer(kind="text", text=text, finish_reason=finish)


def extract_json(text: str) -> dict[str, Any]:
    """The first JSON object in the text, also when wrapped in prose or ```json fences."""
    candidates = [m.group(1) for m in _FENCE.finditer(text)] + [text]
    decoder = json.JSONDecoder()
    for candidate in candidates:
        start = candidate.find("{")
        while start != -1:
            try:
                value, _ = decoder.raw_decode(candidate, start)
            except json.JSONDecodeError:
                start = candidate.find("{", start + 1)
                continue
            if isinstance(value, dict):
                return value
            start = candidate.find("{", start + 1)
    if not text.strip():
        raise InvalidOutput(["the answer was empty; expected one JSON object"])
    raise InvalidOutput(["the answer is not valid JSON: write one JSON object and nothing else"])


def describe_validation(exc: ValidationError) -> list[str]:
    """One plain line per problem, naming the field: what the repair message lists."""
    lines = []
    for error in exc.errors():
        where = ".".join(str(part) for part in error["loc"]) or "the answer"
        message = str(error["msg"]).removeprefix("Value error, ")
        if error["type"] == "extra_forbidden":
            message = "is not a field of the summary; remove it"
        lines.append(f"{where}: {message}")
    return lines


def parse_summary(text: str, limits: WordLimits) -> LaySummary:
    """Validate an answer against the schema and the word limits, or raise InvalidOutput."""
    data = extract_json(text)
    try:
        return LaySummary.validate_with_limits(data, limits)
    except ValidationError as exc:
        raise InvalidOutput(describe_validation(exc)) from exc
