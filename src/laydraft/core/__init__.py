"""The drafting core: one path from an abstract to a checked Draft, whoever asks.

    render prompt -> (response cache | model | offline drafter) -> validate/repair -> checks -> Draft

The CLI, the web app, the batch runner, the Batch API's collect and the reviewer's re-draft all
draft through ``DraftingCore``. It is async; ``core.sync`` is the facade for blocking callers.
"""

from __future__ import annotations

from .drafting import DraftingCore, SyncDrafting, check_summary, checks_version
from .sync import run_sync

__all__ = ["DraftingCore", "SyncDrafting", "check_summary", "checks_version", "run_sync"]
