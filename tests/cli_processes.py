"""The real CLI as a child process, for tests that signal or kill it mid-run."""

from __future__ import annotations

import os
import subprocess
import sys

RUN_CLI = "from laydraft.cli import main; main()"
# The real CLI with every draft slowed down, so a kill lands mid-run; no hook in laydraft itself.
RUN_SLOW_CLI = """
import asyncio
from laydraft.batch.runner import BatchRunner
original = BatchRunner._draft
async def slow(self, abstract):
    await asyncio.sleep(0.05)
    return await original(self, abstract)
BatchRunner._draft = slow
""" + RUN_CLI


def laydraft_process(*args: str, code: str = RUN_CLI) -> subprocess.Popen[str]:
    """``laydraft ARGS`` started in a child process with the test's environment."""
    return subprocess.Popen([sys.executable, "-c", code, *args], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=dict(os.environ))
