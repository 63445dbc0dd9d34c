"""A scriptable model for tests: scripted answers or errors, no network, no monkeypatching.

    model = FakeModel().enqueue(summary, DraftFailed("...", reason="refused"))
    core = DraftingCore(settings, model=model)

Each call takes the next scripted answer (a LaySummary, a DraftOutput, an exception to raise,
or a function of the abstract and prompt returning one of those); when the script is empty the
``default`` function answers, and without one the call fails the test. Every prompt received
is kept in ``prompts``, so a test can check what the model was asked.

It stands in for the whole model drafter (retries, repairs and the wire are not involved); the
cassette replay in ``tests/replay.py`` covers the wire through the real SDK.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Callable
from typing import Any

from ..models import Abstract, Attempt, LaySummary, Provenance, Usage
from ..prompts import RenderedPrompt
from . import DraftOutput

# A function's result is scripted in turn: a LaySummary, a DraftOutput or an exception.
Scripted = LaySummary | DraftOutput | BaseException | Callable[[Abstract, RenderedPrompt], Any]


class FakeModel:
    """A ``ModelDrafter`` that answers from a script."""

    def __init__(self, *answers: Scripted,
                 default: Callable[[Abstract, RenderedPrompt], Scripted] | None = None,
                 name: str = "openai", model: str = "fake-model",
                 usage: Usage | None = None, cost_usd: float | None = 0.0) -> None:
        self.script: deque[Scripted] = deque(answers)
        self.default = default
        self.name = name
        self.model = model
        self.usage = usage or Usage()
        self.cost_usd = cost_usd
        self.prompts: list[RenderedPrompt] = []
        self.abstracts: list[Abstract] = []
        self.closed = 0

    def enqueue(self, *answers: Scripted) -> FakeModel:
        self.script.extend(answers)
        return self

    async def draft(self, abstract: Abstract, prompt: RenderedPrompt) -> DraftOutput:
        self.prompts.append(prompt)
        self.abstracts.append(abstract)
        await asyncio.sleep(0)  # a real model yields to the loop; so does this one
        if self.script:
            answer = self.script.popleft()
        elif self.default is not None:
            answer = self.default
        else:
            raise AssertionError("FakeModel was called more often than its script allows")
        while callable(answer) and not isinstance(answer, LaySummary | DraftOutput
                                                      | BaseException):
            # A scripted function may do real work (the offline drafter): not on the loop.
            answer = await asyncio.to_thread(answer, abstract, prompt)
        if isinstance(answer, BaseException):
            raise answer
        if isinstance(answer, DraftOutput):
            return answer
        return DraftOutput(summary=answer, provenance=Provenance(
            drafter=self.name, model=self.model, prompt_fingerprint=prompt.fingerprint,
            usage=self.usage, cost_usd=self.cost_usd,
            attempts=[Attempt(number=1, outcome="ok", usage=self.usage,
                              cost_usd=self.cost_usd or 0.0)]))

    async def aclose(self) -> None:
        self.closed += 1
