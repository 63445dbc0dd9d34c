"""Prompt templates: render the Jinja2 files in ``prompts/`` into chat messages.

Templates use StrictUndefined so a missing variable is an error, not silently empty text.
The fingerprint hashes the rendered instructions (not the abstract) plus the output schema,
so a reviewer can tell which prompt version wrote a draft and the cache can tell when it changed.
"""

from __future__ import annotations

import hashlib
import json
from functools import lru_cache
from pathlib import Path
from typing import Any

import jinja2
from pydantic import BaseModel

from .config import Settings
from .errors import ConfigError
from .models import SUMMARY_FIELDS, Abstract, LaySummary

SYSTEM_TEMPLATE = "system.j2"
USER_TEMPLATE = "user.j2"
REDRAFT_TEMPLATE = "redraft.j2"


class Message(BaseModel):
    role: str
    content: str


class RenderedPrompt(BaseModel):
    """The messages for one draft request and the fingerprint of the prompt version."""

    messages: list[Message]
    fingerprint: str

    def as_openai(self) -> list[dict[str, str]]:
        return [m.model_dump() for m in self.messages]


def environment(prompts_dir: Path) -> jinja2.Environment:
    """One template environment per folder; Jinja2 reloads a template when its file changes."""
    if not prompts_dir.is_dir():
        raise ConfigError(f"prompts_dir {prompts_dir} is not a folder of templates")
    return _environment(prompts_dir.resolve())


@lru_cache(maxsize=8)
def _environment(prompts_dir: Path) -> jinja2.Environment:
    if not prompts_dir.is_dir():
        raise ConfigError(f"prompts_dir {prompts_dir} is not a folder of templates")
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(prompts_dir)),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=False,
        autoescape=False,
    )


def render_template(settings: Settings, name: str, **variables: Any) -> str:
    """Render one template with the settings every template may use."""
    env = environment(settings.prompts_path())
    context = {
        "audience": settings.audience,
        "target_grade": settings.target_grade,
        "limits": settings.limits,
        **variables,
    }
    try:
        return env.get_template(name).render(**context).strip()
    except jinja2.TemplateNotFound as exc:
        raise ConfigError(f"prompt template {name} is missing from {settings.prompts_path()}") from exc
    except jinja2.UndefinedError as exc:
        raise ConfigError(f"prompt template {name} uses an unknown variable: {exc.message}") from exc
    except jinja2.TemplateSyntaxError as exc:
        raise ConfigError(f"prompt template {name} line {exc.lineno}: {exc.message}") from exc


@lru_cache(maxsize=1)
def schema_fingerprint() -> str:
    schema = json.dumps(LaySummary.model_json_schema(), sort_keys=True)
    return hashlib.sha256(schema.encode()).hexdigest()


def fingerprint(static_parts: list[str]) -> str:
    """A short hash of the instructions and the output schema."""
    digest = hashlib.sha256()
    for part in [*static_parts, schema_fingerprint()]:
        digest.update(part.encode())
        digest.update(b"\x00")
    return "p-" + digest.hexdigest()[:12]


def render_request(settings: Settings, template: str, data: dict[str, Any],
                   slots: dict[str, Any]) -> RenderedPrompt:
    """The system instructions, then ``template`` filled with ``data``.

    Instructions come first and the data last, so providers that cache prompt prefixes bill
    the repeated part at the cached rate. The fingerprint covers both templates, rendered with
    ``slots`` standing in for the data, so it names the prompt version, not the abstract.
    """
    system = render_template(settings, SYSTEM_TEMPLATE)
    user = render_template(settings, template, **data)
    skeleton = render_template(settings, template, **slots)
    return RenderedPrompt(
        messages=[Message(role="system", content=system), Message(role="user", content=user)],
        fingerprint=fingerprint([system, skeleton]),
    )


def render_draft_prompt(settings: Settings, abstract: Abstract) -> RenderedPrompt:
    """The request for a first draft of ``abstract`` (in its prompt variant, if any)."""
    settings = settings.for_record(abstract.stable_key())
    return render_request(settings, USER_TEMPLATE, {"abstract": abstract},
                          {"abstract": Abstract(text="{abstract}")})


def render_redraft_prompt(settings: Settings, abstract: Abstract, summary: LaySummary,
                          instruction: str) -> RenderedPrompt:
    """The system prompt plus a request to revise ``summary`` as the reviewer asks.

    The fingerprint covers the templates, not the abstract, summary or instruction.
    """
    settings = settings.for_record(abstract.stable_key())
    slots = LaySummary(**{name: "{" + name + "}" for name in SUMMARY_FIELDS})
    return render_request(
        settings, REDRAFT_TEMPLATE,
        {"abstract": abstract, "summary": summary, "instruction": instruction.strip()},
        {"abstract": Abstract(text="{abstract}"), "summary": slots, "instruction": "{instruction}"},
    )
