"""At most N password checks at once in this server process; the rest wait briefly, then fail.

A password check (argon2id) takes memory and a CPU core for tens of milliseconds. Without a
bound, a flood of sign-in attempts runs them all at once: memory grows with the flood and
every other request waits for a worker thread. Here attempts queue on the event loop (holding
no thread and no memory) for a free slot; the check itself runs in a worker thread. An attempt
that finds no slot within ``wait`` seconds is refused as busy (the page answers 503).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import TypeVar

from starlette.concurrency import run_in_threadpool

from ..errors import ErrorCode, UsageError

T = TypeVar("T")


class PasswordGateBusy(UsageError):
    """No slot for a password check came free in time; ``retry_after`` is a suggestion."""

    default_code = ErrorCode.SIGNIN_BUSY

    def __init__(self, retry_after: int) -> None:
        super().__init__("too many sign-ins are being checked at once",
                         retry_after=retry_after)
        self.retry_after = retry_after


class PasswordGate:
    """A semaphore of ``slots`` password checks, made per event loop on first use."""

    def __init__(self, slots: int, wait: float) -> None:
        self.slots = slots
        self.wait = wait
        self._loop: asyncio.AbstractEventLoop | None = None
        self._semaphore: asyncio.Semaphore | None = None

    def _current(self) -> asyncio.Semaphore:
        # A Semaphore belongs to one loop; a test client may run the app on several in turn.
        loop = asyncio.get_running_loop()
        if self._semaphore is None or self._loop is not loop:
            self._loop, self._semaphore = loop, asyncio.Semaphore(self.slots)
        return self._semaphore

    async def run(self, check: Callable[..., T], *args: object, **kwargs: object) -> T:
        """Run ``check`` in a worker thread once a slot is free; PasswordGateBusy if none is."""
        semaphore = self._current()
        if semaphore.locked():
            try:
                await asyncio.wait_for(semaphore.acquire(), timeout=self.wait)
            except TimeoutError:
                raise PasswordGateBusy(retry_after=max(1, round(self.wait))) from None
        else:
            await semaphore.acquire()  # a slot is free: returns at once
        try:
            return await run_in_threadpool(check, *args, **kwargs)
        finally:
            semaphore.release()
