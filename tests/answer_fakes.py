"""A local fake model server for the answer journal tests, usable in a subprocess too.

``CountingModel`` is an httpx2 transport under the real SDK: every chat-completions request
is counted (in memory and, when given, one line per call in a file another process can read)
and answered with the recorded success answer from ``fixtures/http/openai/success.json``.

Run as a program it is the real ``laydraft`` CLI with that model injected (no laydraft code is
patched for the model); ``ANSWER_FAKES_CALLS`` names the call-count file and
``ANSWER_FAKES_STORE`` = ``block`` makes the store's write hang (so a test can kill the process
between the answer and the store) or ``fail`` makes it raise a disk I/O error.
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path
from typing import Any

import httpx2

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
SUCCESS = json.loads((FIXTURES / "http" / "openai" / "success.json").read_text())
ANSWER: dict[str, Any] = SUCCESS["interactions"][0]["response"]
TITLE = "Sleep quality and relapse activity in MS"


def titled_example_file(folder: Path) -> Path:
    """The example abstract with its title on the first line (as the recording was made)."""
    text = (FIXTURES / "abstracts" / "example.txt").read_text().strip()
    path = folder / "abstract.txt"
    path.write_text(f"{TITLE}\n\n{text}\n")
    return path


class CountingModel(httpx2.AsyncBaseTransport):
    """Answers every chat-completions request with the recorded answer; counts the calls."""

    def __init__(self, calls_file: str | None = None) -> None:
        self.calls = 0
        self.calls_file = calls_file

    async def handle_async_request(self, request: httpx2.Request) -> httpx2.Response:
        await request.aread()
        self.calls += 1
        if self.calls_file:
            with open(self.calls_file, "a") as handle:
                handle.write(f"{request.method} {request.url.path}\n")
        headers = {k: v for k, v in ANSWER["headers"].items() if k != "content-length"}
        return httpx2.Response(ANSWER["status"], headers=headers,
                               content=json.dumps(ANSWER["body"]).encode(), request=request)


def calls_in(path: Path) -> int:
    return len(path.read_text().splitlines()) if path.exists() else 0


def main(args: list[str]) -> None:
    from laydraft.cli import cli
    from laydraft.cli.app import Context
    from laydraft.db import Store
    from laydraft.drafting.provider import ModelProvider

    model = CountingModel(os.environ.get("ANSWER_FAKES_CALLS"))
    hook = os.environ.get("ANSWER_FAKES_STORE")
    if hook:
        original = Store.add

        def add(self: Store, *a: Any, **k: Any) -> Any:
            if hook == "block":
                time.sleep(600)  # the test kills the process here
            return original(self, *a, **k)

        def insert_version(self: Store, *a: Any, **k: Any) -> Any:
            # Inside the store's write transaction, as a failing disk would be.
            import sqlite3

            from sqlalchemy.exc import OperationalError

            raise OperationalError("INSERT INTO versions", {},
                                   sqlite3.OperationalError("disk I/O error"))

        Store.add = add  # type: ignore[method-assign]
        if hook == "fail":
            Store._insert_version = insert_version  # type: ignore[method-assign]
    cli.main(args, prog_name="laydraft", obj=Context(
        provider=lambda settings, **_: ModelProvider(settings, transport=model)))


if __name__ == "__main__":
    main(sys.argv[1:])
