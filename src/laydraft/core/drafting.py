"""``DraftingCore``: render -> (cache | model | offline) -> validate/repair -> checks -> Draft.

The model drafter is async and does its own validation and repair (``drafting.session``); the
offline drafter, the cache's database calls, template rendering and the checks block, so the
core runs them in worker threads and the event loop only ever waits on the network.

Which drafter: an injected ``model`` (tests pass ``drafting.testing.FakeModel``), else the
OpenAI drafter when the settings use a model, else the offline drafter. The response cache
serves and stores model drafts (never offline ones, never re-drafts, which a reviewer asks for
precisely to get a new answer) when ``settings.cache`` is on and a store is given.

Model answers pass the answer journal (``drafting.journal``) before they are parsed; a Draft's
provenance lists their keys. Whoever stores a draft calls ``settle(draft)`` right after the
write succeeds, so the journal can let go of answers that are safe in the database.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any, TypeVar

from ..cache import ResponseCache, cache_key
from ..config import Settings
from ..drafting import Drafter, DraftOutput, ModelDrafter
from ..drafting.session import DraftSession
from ..models import Abstract, Attempt, Draft, Finding, LaySummary, Provenance, Version
from ..prompts import RenderedPrompt, render_draft_prompt, render_redraft_prompt
from .sync import run_sync

if TYPE_CHECKING:
    from ..db import Store
    from ..drafting.journal import AnswerJournal
    from ..drafting.provider import ModelProvider

T = TypeVar("T")


def check_summary(settings: Settings, abstract: Abstract, summary: LaySummary) -> list[Finding]:
    """Findings for a summary under the configured targets."""
    from ..checks import run_checks  # loads wordfreq and pyphen's dictionary: only when checking

    return run_checks(abstract, summary, target_grade=settings.target_grade,
                      limits=settings.limits, language=settings.language)


def checks_version() -> int:
    """The version of the checks ``check_summary`` runs, stored with the findings."""
    from ..checks import CHECKS_VERSION

    return CHECKS_VERSION


class DraftingCore:
    """One drafter (model or offline), the optional response cache, and the checks."""

    def __init__(self, settings: Settings, *, model: ModelDrafter | None = None,
                 provider: ModelProvider | None = None, cache: ResponseCache | None = None,
                 offline: Drafter | None = None) -> None:
        self.settings = settings
        self._journal: AnswerJournal | None = provider.journal if provider is not None else None
        if model is None and offline is None and settings.use_model():
            from ..drafting.openai_drafter import OpenAIDrafter

            drafter = OpenAIDrafter(settings, provider)
            self._journal = drafter.provider.journal
            model = drafter
        self.model = model
        self.offline: Drafter | None = None
        if model is None:
            if offline is None:
                from ..drafting.offline import OfflineDrafter

                offline = OfflineDrafter(settings)
            self.offline = offline
        self.cache = cache if model is not None and settings.cache else None
        self.sync = SyncDrafting(self)

    @classmethod
    def from_settings(cls, settings: Settings, store: Store | None = None, *,
                      provider: ModelProvider | None = None,
                      model: ModelDrafter | None = None) -> DraftingCore:
        """The core the settings ask for; ``store`` holds the response cache."""
        cache = ResponseCache(store) if store is not None and settings.cache else None
        return cls(settings, model=model, provider=provider, cache=cache)

    @property
    def name(self) -> str:
        """The drafter's name as provenance records it: ``openai`` or ``offline``."""
        if self.model is not None:
            return self.model.name
        assert self.offline is not None
        return self.offline.name

    def queued(self, store: Store, abstract: Abstract) -> int | None:
        """The queued draft of ``abstract`` with this prompt and model, if any (blocking).

        The same rule ``batch`` skips records by (``Store.queued_draft``).
        """
        from ..db import ItemKey
        from ..db.queued import model_label

        fingerprint = render_draft_prompt(self.settings, abstract).fingerprint
        return store.queued_draft(ItemKey(abstract.stable_key(), fingerprint,
                                          model_label(self.name, self.settings.model)))

    async def draft(self, abstract: Abstract) -> Draft:
        """A checked first draft of ``abstract``; not yet stored."""
        prompt = await asyncio.to_thread(render_draft_prompt, self.settings, abstract)
        output = await self.write(abstract, prompt)
        return await self.checked(abstract, output)

    async def redraft(self, abstract: Abstract, summary: LaySummary,
                      instruction: str) -> DraftOutput:
        """A new summary that revises ``summary`` as the reviewer's instruction asks."""
        prompt = await asyncio.to_thread(render_redraft_prompt, self.settings, abstract,
                                         summary, instruction)
        return await self.write(abstract, prompt, cached=False)

    async def write(self, abstract: Abstract, prompt: RenderedPrompt, *,
                    cached: bool = True) -> DraftOutput:
        """The summary for a rendered prompt: from the cache, the model or the offline drafter."""
        if self.model is None:
            assert self.offline is not None
            return await asyncio.to_thread(self.offline.draft, abstract, prompt)
        cache = self.cache if cached else None
        if cache is None:
            return await self.model.draft(abstract, prompt)
        key, hit = await asyncio.to_thread(self._cached, cache, prompt)
        if hit is not None:
            return hit
        output = await self.model.draft(abstract, prompt)
        await asyncio.to_thread(self._save, cache, prompt, output, key)
        return output

    def _cached(self, cache: ResponseCache, prompt: RenderedPrompt
                ) -> tuple[str, DraftOutput | None]:
        """The prompt's cache key (hashing the messages: computed once a draft) and the hit."""
        key = cache_key(self.settings, prompt)
        return key, cache.find(self.settings, prompt, key)

    def _save(self, cache: ResponseCache, prompt: RenderedPrompt, output: DraftOutput,
              key: str) -> None:
        cache.save(self.settings, prompt, output, key)
        # The cache now holds the answer: a later draft finds it there without a call.
        self.settle(output)

    @property
    def journal(self) -> AnswerJournal:
        """The answer journal model answers pass through (the provider's, or the settings')."""
        if self._journal is None:
            from ..drafting.journal import AnswerJournal, journal_path

            self._journal = AnswerJournal(journal_path(self.settings))
        return self._journal

    def settle(self, stored: Draft | DraftOutput | Version | Provenance) -> None:
        """Tell the journal that the answers behind a stored draft (or version) are safe.

        Call it right after the store write succeeds. It blocks on file I/O (run it in a
        worker thread from async code) and never raises: the draft is already stored.
        """
        provenance = stored if isinstance(stored, Provenance) else stored.provenance
        if provenance.answer_keys:
            from ..drafting.journal import settle_quietly

            settle_quietly(self.journal, provenance.answer_keys)

    async def judge(self, abstract: Abstract, completion: Any, attempt: Attempt,
                    fingerprint: str | None = None) -> Draft:
        """A checked Draft from an answer the model gave elsewhere (a Batch API output line).

        The answer is judged by the same session rules as a live draft, except that it cannot
        be retried or repaired: refusals, cut-off, filtered and invalid answers raise
        DraftFailed with those reasons. ``attempt`` records the call and its cost.
        """
        output = await asyncio.to_thread(self._judge, abstract, completion, attempt)
        if fingerprint is not None:
            output.provenance.prompt_fingerprint = fingerprint
        return await self.checked(abstract, output)

    def _judge(self, abstract: Abstract, completion: Any, attempt: Attempt) -> DraftOutput:
        prompt = render_draft_prompt(self.settings, abstract)
        session = DraftSession(self.settings, prompt, follow_ups=False)
        session.attempts.append(attempt)
        summary = session.handle(completion)
        assert summary is not None, "a session without follow-ups never asks for another call"
        return session.output(summary)

    async def checked(self, abstract: Abstract, output: DraftOutput) -> Draft:
        """The Draft with every check's findings."""
        findings = await asyncio.to_thread(check_summary, self.settings, abstract,
                                           output.summary)
        provenance = output.provenance.model_copy(update={  # what `laydraft stats` groups by
            "variant": self.settings.variant_for(abstract.stable_key()),
            "audience": self.settings.audience})
        return Draft(abstract=abstract, summary=output.summary, provenance=provenance,
                     findings=findings, checks_version=checks_version())

    async def aclose(self) -> None:
        """Release the model's connections (the core stays usable: they reopen on demand)."""
        if self.model is not None:
            await self.model.aclose()


class SyncDrafting:
    """The blocking facade: each call runs the async core on its own event loop."""

    def __init__(self, core: DraftingCore) -> None:
        self.core = core

    def _run(self, call: Callable[[], Awaitable[T]]) -> T:
        async def main() -> T:
            try:
                return await call()
            finally:
                await self.core.aclose()  # the loop ends with this call; so do its connections

        return run_sync(main())

    def draft(self, abstract: Abstract) -> Draft:
        return self._run(lambda: self.core.draft(abstract))

    def redraft(self, abstract: Abstract, summary: LaySummary, instruction: str) -> DraftOutput:
        return self._run(lambda: self.core.redraft(abstract, summary, instruction))

    def judge(self, abstract: Abstract, completion: Any, attempt: Attempt,
              fingerprint: str | None = None) -> Draft:
        return self._run(lambda: self.core.judge(abstract, completion, attempt, fingerprint))
