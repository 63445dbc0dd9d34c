"""Throughput at the rate limit: `laydraft batch` with default settings against the ideal.

For each scenario it starts bench/fake_server.py on 127.0.0.1 (requests- and tokens-per-minute
limits, latency, the API's ``x-ratelimit-*`` headers and 429s), then:

- drafts a synthetic list with the real CLI and DEFAULT settings (no --concurrency, no --rpm:
  the limits are learned from the headers), timing the whole command, start-up included;
- compares that wall time with the LIMIT-BOUND ideal: the larger of records / request rate and
  tokens / token rate, the tokens being what the server booked for the answered requests
  (prompt plus max_tokens, as the API books them);
- counts 429s, failed, lost and duplicated records, and re-runs the finished list (0 calls);
- drafts a second list of as many new records with the same queue, as a team's next batch
  would: it starts at the limits the first run heard (no request probes alone);
- runs a plain peer against the same server in the same run: AsyncOpenAI (its default two
  retries) with a semaphore, the same prompts, timed the same way.

    .venv/bin/python bench/batch_throughput.py                      # the issue's four scenarios
    .venv/bin/python bench/batch_throughput.py --scenario rpm1200-0.4s --scale 0.25
    .venv/bin/python bench/batch_throughput.py --records 300 --rpm 1200 --latency 0.4

The machine's load average is printed with each result: on a shared machine it moves the
figures.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from synthetic import write_jsonl  # noqa: E402


@dataclass
class Scenario:
    name: str
    records: int
    rpm: int
    tpm: int
    latency: float


# The cases. Token-bound: about 1,200 tokens booked per request (prompt + max_tokens),
# so 200k TPM allows about 170 requests a minute, well under the 10,000 RPM.
SCENARIOS = {s.name: s for s in (
    Scenario("rpm1200-0.4s", 600, 1200, 100_000_000, 0.4),
    Scenario("rpm1200-2.0s", 600, 1200, 100_000_000, 2.0),
    Scenario("rpm6000-0.4s", 3000, 6000, 100_000_000, 0.4),
    Scenario("tokens-200k", 200, 10_000, 200_000, 0.4),
)}

PEER = """
import asyncio, json, sys, time
import openai
from laydraft.config import load_settings
from laydraft.drafting.structured import request_body
from laydraft.ingest import iter_records
from laydraft.prompts import render_draft_prompt
from laydraft.tokens import max_answer_tokens

async def main(path, limit):
    settings = load_settings()
    client = openai.AsyncOpenAI()  # the SDK's defaults: two retries, its own backoff
    gate = asyncio.Semaphore(limit)
    records = [r for r in iter_records(path, 10**9) if hasattr(r, "stable_key")]
    answered, failed = set(), 0
    async def one(abstract):
        nonlocal failed
        body = request_body(settings, render_draft_prompt(settings, abstract).as_openai(),
                            max_answer_tokens(settings))
        async with gate:
            try:
                await client.chat.completions.create(**body)
                answered.add(abstract.stable_key())
            except openai.APIError:
                failed += 1
    await asyncio.gather(*(one(a) for a in records))
    print(json.dumps({"answered": len(answered), "failed": failed}))

asyncio.run(main(sys.argv[1], int(sys.argv[2])))
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def stats(port: int) -> dict[str, int]:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/stats") as answer:
        return dict(json.loads(answer.read()))


def reset(port: int) -> None:
    request = urllib.request.Request(f"http://127.0.0.1:{port}/stats/reset", method="POST")
    urllib.request.urlopen(request).close()


def wait_for(port: int) -> None:
    for _ in range(200):
        try:
            stats(port)
            return
        except OSError:
            time.sleep(0.1)
    raise SystemExit("the fake server did not start")


def timed(command: list[str], env: dict[str, str]) -> tuple[str, float]:
    started = time.monotonic()
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    elapsed = time.monotonic() - started
    if done.returncode not in (0, 1):
        raise SystemExit(f"{command[2:4]} failed ({done.returncode}): {done.stderr[-2000:]}")
    return done.stdout, elapsed


def laydraft(args: list[str], env: dict[str, str]) -> tuple[dict[str, Any], float]:
    out, elapsed = timed([sys.executable, "-m", "laydraft", *args], env)
    return json.loads(out), elapsed


def queue_keys(env: dict[str, str]) -> list[str]:
    code = ("from laydraft.config import load_settings; from laydraft.db import Store;"
            "s = Store(load_settings().database_url());"
            "print('\\n'.join(s.get(i.id).abstract.stable_key() for i in s.list()))")
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                         check=True).stdout
    return [line for line in out.splitlines() if line]


def ideal_seconds(scenario: Scenario, records: int, booked_tokens: int) -> float:
    """The limit-bound ideal: records / request rate, or booked tokens / token rate."""
    return max(records / scenario.rpm * 60, booked_tokens / scenario.tpm * 60)


def load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def run_scenario(scenario: Scenario, opts: argparse.Namespace) -> None:
    port = free_port()
    server = subprocess.Popen([sys.executable, str(HERE / "fake_server.py"), "--port", str(port),
                               "--rpm", str(scenario.rpm), "--tpm", str(scenario.tpm),
                               "--latency", str(scenario.latency), "--faults", str(opts.faults),
                               "--timeout-seconds", "3"])
    try:
        wait_for(port)
        with tempfile.TemporaryDirectory() as tmp:
            measure(scenario, opts, port, Path(tmp))
    finally:
        server.terminate()
        server.wait()


def measure(scenario: Scenario, opts: argparse.Namespace, port: int, tmp: Path) -> None:
    records = scenario.records
    listing = write_jsonl(tmp / "list.jsonl", records)
    (tmp / "none.toml").write_text("")
    env = {**os.environ, "OPENAI_API_KEY": "sk-bench-not-a-key",
           "OPENAI_BASE_URL": f"http://127.0.0.1:{port}/v1", "LAYDRAFT_DATABASE": str(tmp / "q.db"),
           "LAYDRAFT_CONFIG": str(tmp / "none.toml")}
    print(f"\n== {scenario.name}: {records} records, {scenario.rpm:,} RPM, {scenario.tpm:,} TPM, "
          f"latency {scenario.latency} s   (load average before: {load()})")

    reset(port)
    summary, wall = laydraft(["batch", str(listing), "--json"], env)  # defaults
    server = stats(port)
    ideal = ideal_seconds(scenario, records, server.get("admitted_tokens", 0))
    keys = queue_keys(env)
    failed_keys = {f["record_key"] for f in summary["failures"]}
    expected = {f"doi:10.5555/laydraft.bench.{i}" for i in range(records)}
    lost = expected - set(keys) - failed_keys
    requests = max(server.get("requests", 0), 1)
    print(f"laydraft (defaults)    wall {wall:.1f} s, ideal {ideal:.1f} s -> "
          f"{ideal / wall:.2f} of the limit-bound ideal")
    print(f"  requests             {server.get('requests', 0)}; 429s "
          f"{server.get('rate_limited', 0)} ({server.get('rate_limited', 0) / requests:.2%})")
    print(f"  drafted / failed     {summary['drafted']} / {summary['failed']}; lost {len(lost)}; "
          f"duplicated {len(keys) - len(set(keys))}")
    print(f"  limit in force       {summary.get('rate_limit')}; waited on it "
          f"{summary.get('waited_for_limit', 0):.1f} s")
    reset(port)
    again, rerun_wall = laydraft(["batch", str(listing), "--json"], env)
    print(f"  re-run               {stats(port).get('requests', 0)} calls, {rerun_wall:.1f} s "
          f"(skipped {again['skipped']}, drafted {again['drafted']})")
    if opts.next_list:
        following = write_jsonl(tmp / "next.jsonl", records, start=records)
        reset(port)
        later, later_wall = laydraft(["batch", str(following), "--json"], env)
        print(f"  next list            wall {later_wall:.1f} s -> {ideal / later_wall:.2f} of the "
              f"ideal; limits heard by the run before ({later.get('rate_limit')}); 429s "
              f"{stats(port).get('rate_limited', 0)}; drafted {later['drafted']}, failed "
              f"{later['failed']}")

    for limit in opts.peer:
        reset(port)
        out, peer_wall = timed([sys.executable, "-c", PEER, str(listing), str(limit)], env)
        peer, server = json.loads(out), stats(port)
        requests = max(server.get("requests", 0), 1)
        peer_ideal = ideal_seconds(scenario, records, server.get("admitted_tokens", 0))
        print(f"AsyncOpenAI + sem {limit:<4} wall {peer_wall:.1f} s -> "
              f"{peer_ideal / peer_wall:.2f} of the ideal; answered {peer['answered']}, failed "
              f"{peer['failed']} ({peer['failed'] / records:.0%}); 429s "
              f"{server.get('rate_limited', 0)} ({server.get('rate_limited', 0) / requests:.2%})")
    print(f"(load average after: {load()})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenario", action="append", choices=sorted(SCENARIOS),
                        help="one of the issue's cases (repeatable; default: all four)")
    parser.add_argument("--scale", type=float, default=1.0,
                        help="multiply the scenarios' record counts (a quick run: 0.2)")
    parser.add_argument("--records", type=int, help="a custom scenario: this many records")
    parser.add_argument("--rpm", type=int, default=1200)
    parser.add_argument("--tpm", type=int, default=100_000_000)
    parser.add_argument("--latency", type=float, default=0.4)
    parser.add_argument("--faults", type=float, default=0.0, help="rate of each fault kind")
    parser.add_argument("--peer", type=int, action="append",
                        help="the peer's semaphore (repeatable; default: 8 and 64; 0: no peer)")
    parser.add_argument("--no-next-list", dest="next_list", action="store_false",
                        help="skip drafting a second list of as many new records with the same "
                             "queue (the limits then come from the first run)")
    opts = parser.parse_args()
    opts.peer = [n for n in (opts.peer or [8, 64]) if n > 0]
    if opts.records:
        chosen = [Scenario("custom", opts.records, opts.rpm, opts.tpm, opts.latency)]
    else:
        chosen = [SCENARIOS[name] for name in (opts.scenario or SCENARIOS)]
    for scenario in chosen:
        records = max(1, round(scenario.records * opts.scale))
        run_scenario(Scenario(scenario.name, records, scenario.rpm, scenario.tpm,
                              scenario.latency), opts)


if __name__ == "__main__":
    main()
