"""The web app at newsroom scale: page times with a large queue and many signed-in users.

It fills a queue (SQLite by default, or the PostgreSQL server ``--database`` names) with
``--drafts`` copies of the example's offline draft under different titles, a third of them
claimed by reviewers, makes ``--users`` accounts, starts ``--servers`` real ``laydraft serve``
processes on that database, signs every user in, and has them browse at once for
``--seconds``: the queue's first page, a later page, a search, a status tab, a draft and its
history, each after a reading pause (``--think``, 2 s on average; 0 for a stress test of
capacity). It prints p50 / p95 / max per page and overall, against the issue's 300 ms p95.

    .venv/bin/python bench/web_load.py                                   # 10,000 drafts, 50 users
    .venv/bin/python bench/web_load.py --drafts 2000 --users 20 --seconds 10
    .venv/bin/python bench/web_load.py --database 'postgresql+psycopg://postgres@/bench?host=/tmp' \\
        --servers 3

The users run as threads of this process, on the same machine as the servers: on 2 cores they
take CPU from the servers, so the figures are an upper bound of what a browser would see. The
machine's load average is printed with them. Sign-in throttling is turned off for the run (all
users come from 127.0.0.1, which the per-address limit would otherwise stop).
"""

from __future__ import annotations

import argparse
import http.cookiejar
import json
import os
import random
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import defaultdict
from contextlib import ExitStack
from datetime import UTC, datetime, timedelta
from pathlib import Path

import sqlalchemy as sa

from laydraft.config import load_settings
from laydraft.core import DraftingCore
from laydraft.db import Store
from laydraft.db.tables import drafts
from laydraft.ingest import parse_text
from laydraft.models import DraftStatus, Role
from laydraft.resources import example_abstract_path
from laydraft.users import create_user

PASSWORD = "bench password for web load"
TARGET_P95 = 0.300
_TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


def fill(store: Store, drafts_wanted: int) -> float:
    """Queue copies of one offline draft until the store holds ``drafts_wanted``; seconds."""
    have = store.count()
    if have >= drafts_wanted:
        return 0.0
    started = time.perf_counter()
    settings = load_settings(overrides={"drafter": "offline"})
    drafted = DraftingCore(settings).sync.draft(parse_text(example_abstract_path().read_text()))
    first = datetime.now(UTC) - timedelta(days=drafts_wanted // 20 + 1)
    for n in range(have + 1, drafts_wanted + 1):
        abstract = drafted.abstract.model_copy(update={"title": f"Study {n} of sleep and MS"})
        added = store.add(drafted.model_copy(update={"abstract": abstract}), created_by="bench")
        claimed = n % 3 == 0
        with store.transaction(write=True) as conn:
            conn.execute(sa.update(drafts).where(drafts.c.id == added.id).values(
                created_at=first + timedelta(minutes=n * 3),
                status=(DraftStatus.in_review if claimed else DraftStatus.pending_review).value,
                reviewer=f"reviewer{n % 7}" if claimed else None))
        if n % 1000 == 0:
            print(f"  queued {n} drafts", file=sys.stderr)
    return time.perf_counter() - started


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def start_server(env: dict[str, str], port: int) -> subprocess.Popen[bytes]:
    process = subprocess.Popen(
        [sys.executable, "-m", "laydraft", "serve", "--port", str(port)], env=env,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return process
        except OSError:
            time.sleep(0.1)
    process.kill()
    raise SystemExit(f"web_load: the server on port {port} did not start")


def stop(server: subprocess.Popen[bytes]) -> None:
    """Ask a server to finish (it may still be answering), then make it."""
    server.terminate()
    try:
        server.wait(10)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()


class User:
    """One signed-in browser: its own cookies, and the times of what it asked for."""

    def __init__(self, base: str, name: str) -> None:
        self.base = base
        self.name = name
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
        self.times: list[tuple[str, float, int]] = []

    def get(self, path: str) -> tuple[int, str]:
        try:
            with self.opener.open(self.base + path, timeout=60) as response:
                return int(response.status), response.read().decode()
        except urllib.error.HTTPError as error:
            return int(error.code), error.read().decode()

    def sign_in(self) -> None:
        for _attempt in range(60):
            _status, page = self.get("/signin")
            token = _TOKEN.search(page)
            if token is None:
                raise SystemExit("web_load: the sign-in page has no form token")
            form = urllib.parse.urlencode({"name": self.name, "password": PASSWORD,
                                           "csrf_token": token.group(1), "next": "/queue"})
            try:
                with self.opener.open(self.base + "/signin", data=form.encode(),
                                      timeout=60) as response:
                    if "Sign out" in response.read().decode():
                        return
            except urllib.error.HTTPError as error:
                if error.code not in (429, 503):  # busy hashing passwords: try again
                    raise SystemExit(f"web_load: {self.name} could not sign in ({error.code})") from None
            time.sleep(0.5)
        raise SystemExit(f"web_load: {self.name} could not sign in")

    def browse(self, until: float, total: int, rng: random.Random, think: float) -> None:
        pages = max(1, total // 50)
        while time.monotonic() < until:
            if think:  # a person reads a page (at first, the queue) before the next click
                time.sleep(min(rng.expovariate(1 / think), max(0.0, until - time.monotonic())))
                if time.monotonic() >= until:
                    break
            draft_id = rng.randint(1, total)
            kind, path = rng.choices([
                ("queue", "/queue"),
                ("queue page", f"/queue?page={rng.randint(2, pages)}"),
                ("queue search", f"/queue?q=study+{rng.randint(1, total)}"),
                ("queue status", "/queue?status=in_review"),
                ("draft", f"/drafts/{draft_id}"),
                ("history", f"/drafts/{draft_id}/history"),
            ], weights=[30, 15, 10, 10, 30, 5])[0]
            started = time.perf_counter()
            status, _body = self.get(path)
            self.times.append((kind, time.perf_counter() - started, status))


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--drafts", type=int, default=10_000)
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--servers", type=int, default=1, help="laydraft serve processes")
    parser.add_argument("--think", type=float, default=2.0,
                        help="mean seconds a user reads a page before the next click "
                             "(exponential); 0 makes every user click without pause, a stress "
                             "test of the servers' capacity")
    parser.add_argument("--database", default="", help="a database URL (default: a new "
                        "SQLite file); a PostgreSQL database is filled up to --drafts")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args()

    with ExitStack() as stack:
        folder = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="web-load-")))
        url = args.database or f"sqlite:///{folder / 'queue.db'}"
        with Store(url) as store:
            filled = fill(store, args.drafts)
            total = store.count()
            for n in range(args.users):
                if store.get_user(f"user{n}") is None:
                    create_user(store, f"user{n}", PASSWORD, role=Role.reviewer)
        env = {**os.environ, "LAYDRAFT_DATABASE": url, "HOME": str(folder),
               "LAYDRAFT_WEB_SECRET": "web-load-" + "s" * 40, "LAYDRAFT_DRAFTER": "offline",
               "LAYDRAFT_SIGNIN_ADDRESS_LIMIT": "0", "LAYDRAFT_SIGNIN_ACCOUNT_LIMIT": "0"}
        ports = [free_port() for _ in range(args.servers)]
        for port in ports:
            stack.callback(stop, start_server(env, port))
        users = [User(f"http://127.0.0.1:{ports[n % len(ports)]}", f"user{n}")
                 for n in range(args.users)]
        signing = [threading.Thread(target=u.sign_in) for u in users]
        for thread in signing:
            thread.start()
        for thread in signing:
            thread.join()
        until = time.monotonic() + args.seconds
        browsing = [threading.Thread(target=u.browse,
                                     args=(until, total, random.Random(n), args.think))
                    for n, u in enumerate(users)]
        for thread in browsing:
            thread.start()
        for thread in browsing:
            thread.join()

    by_kind: dict[str, list[float]] = defaultdict(list)
    failed = 0
    for user in users:
        for kind, seconds, status in user.times:
            by_kind[kind].append(seconds)
            by_kind["all pages"].append(seconds)
            failed += status >= 500
    figures = {
        "database": "postgresql" if url.startswith("postgresql") else "sqlite",
        "drafts": total, "users": args.users, "servers": args.servers,
        "seconds": args.seconds, "think_seconds": args.think, "fill_seconds": round(filled, 1),
        "requests": len(by_kind["all pages"]), "server_errors": failed,
        "requests_per_second": round(len(by_kind["all pages"]) / args.seconds, 1),
        "load_average": os.getloadavg()[0],
        "pages": {kind: {"n": len(times), "p50_ms": round(statistics.median(times) * 1000),
                         "p95_ms": round(percentile(times, 0.95) * 1000),
                         "max_ms": round(max(times) * 1000)}
                  for kind, times in sorted(by_kind.items())},
    }
    if args.json:
        print(json.dumps(figures, indent=2))
        return
    print(f"{figures['drafts']} drafts ({figures['database']}), {args.users} signed-in users, "
          f"{args.servers} server process(es), {args.seconds:g} s, {args.think:g} s mean "
          f"reading time; load average "
          f"{figures['load_average']:.1f}")
    print(f"{figures['requests']} requests, {figures['requests_per_second']}/s, "
          f"{failed} server errors")
    print(f"{'page':<14} {'n':>6} {'p50 ms':>7} {'p95 ms':>7} {'max ms':>7}")
    for kind, row in figures["pages"].items():
        mark = "" if row["p95_ms"] <= TARGET_P95 * 1000 else "  over 300 ms"
        print(f"{kind:<14} {row['n']:>6} {row['p50_ms']:>7} {row['p95_ms']:>7} "
              f"{row['max_ms']:>7}{mark}")


if __name__ == "__main__":
    main()
