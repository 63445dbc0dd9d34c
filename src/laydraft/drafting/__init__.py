"""Drafters turn an Abstract and a rendered prompt into a LaySummary with provenance.

Two implementations, each behind its own small interface:

- ``OfflineDrafter`` (``Drafter``, sync): deterministic, no network; the embedded default.
- ``OpenAIDrafter`` (``ModelDrafter``, async): any OpenAI-compatible chat-completions server,
  structured outputs, retries and repairs. Its clients come from ``provider.ModelProvider``.

Nobody calls them directly: the drafting core (``laydraft.core``) picks one from the settings,
adds the response cache and the checks, and offers the sync facade. ``testing.FakeModel`` is a
scriptable ``ModelDrafter`` for tests.
"""

from __future__ import annotations

from typing import Protocol

from pydantic import BaseModel

from ..models import Abstract, LaySummary, Provenance
from ..prompts import RenderedPrompt


class DraftOutput(BaseModel):
    """What a drafter returns: the summary and how it was made."""

    summary: LaySummary
    provenance: Provenance


class Drafter(Protocol):
    """A local, blocking drafter (the offline one); the core runs it off the event loop."""

    name: str

    def draft(self, abstract: Abstract, prompt: RenderedPrompt) -> DraftOutput: ...


class ModelDrafter(Protocol):
    """A language model behind the network; raises DraftingError subclasses on failure."""

    name: str

    async def draft(self, abstract: Abstract, prompt: RenderedPrompt) -> DraftOutput: ...

    async def aclose(self) -> None: ...
