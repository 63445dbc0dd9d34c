"""Drafters turn an Abstract and a rendered prompt into a LaySummary with provenance.

Two implementations sit behind one small interface:

- ``OfflineDrafter``: deterministic, no network; the embedded default.
- ``OpenAIDrafter``: any OpenAI-compatible chat-completions server, structured outputs.

``make_drafter`` picks one from the settings; nothing else in laydraft needs to know which.
"""

from __future__ import annotations

from typing import Any, Protocol

from pydantic import BaseModel

from ..config import Settings
from ..models import Abstract, LaySummary, Provenance
from ..prompts import RenderedPrompt


class DraftOutput(BaseModel):
    """What a drafter returns: the summary and how it was made."""

    summary: LaySummary
    provenance: Provenance


class Drafter(Protocol):
    """Anything that drafts a summary; raises DraftingError subclasses on failure."""

    name: str

    def draft(self, abstract: Abstract, prompt: RenderedPrompt) -> DraftOutput: ...


def make_drafter(settings: Settings, http_client: Any | None = None) -> Drafter:
    """The model drafter when a key or server is configured, else the offline drafter."""
    if settings.use_model():
        from .openai_drafter import OpenAIDrafter

        return OpenAIDrafter(settings, http_client=http_client)
    from .offline import OfflineDrafter

    return OfflineDrafter(settings)
