"""Run the async core from blocking code: the CLI, workflow functions, web threadpool calls."""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

T = TypeVar("T")


def run_sync(coroutine: Coroutine[Any, Any, T]) -> T:
    """Run ``coroutine`` to completion on a fresh event loop and return its result.

    In a thread without a running loop (the CLI, a web worker thread) the loop runs right here.
    Called from inside a running loop, where blocking it would deadlock, the coroutine runs on
    its own loop in a worker thread while this thread waits.
    """
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coroutine)
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="laydraft-sync") as pool:
        return pool.submit(asyncio.run, coroutine).result()
