"""Throughput at the rate limits: 1,000 synthetic abstracts through `laydraft batch`.

Starts bench/fake_server.py on 127.0.0.1 with RPM, TPM, latency and fault injection, drafts the
list with the real CLI, and prints wall time against the ideal the limits allow, 429s, failed,
lost and duplicated records; then re-runs the finished batch and prints its API calls and time.

    .venv/bin/python bench/batch_throughput.py [--records 1000 --rpm 600 --latency 0.3 ...]
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
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from synthetic import write_jsonl  # noqa: E402


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def stats(port: int) -> dict[str, int]:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/stats") as answer:
        return json.loads(answer.read())


def wait_for(port: int) -> None:
    for _ in range(100):
        try:
            stats(port)
            return
        except OSError:
            time.sleep(0.1)
    raise SystemExit("the fake server did not start")


def laydraft(args: list[str], env: dict[str, str]) -> tuple[dict, float]:
    started = time.monotonic()
    done = subprocess.run([sys.executable, "-m", "laydraft", *args], env=env,
                          capture_output=True, text=True, check=False)
    elapsed = time.monotonic() - started
    if done.returncode != 0:
        raise SystemExit(f"laydraft failed: {done.stderr}")
    return json.loads(done.stdout), elapsed


def queue_keys(env: dict[str, str]) -> list[str]:
    code = ("from laydraft.config import load_settings; from laydraft.db import Store;"
            "s = Store(load_settings().database_url());"
            "print('\\n'.join(s.get(i.id).abstract.stable_key() for i in s.list()))")
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                         check=True).stdout
    return [line for line in out.splitlines() if line]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--records", type=int, default=1000)
    parser.add_argument("--rpm", type=int, default=600)
    parser.add_argument("--tpm", type=int, default=10_000_000)
    parser.add_argument("--latency", type=float, default=0.3)
    parser.add_argument("--faults", type=float, default=0.002, help="rate of each fault kind")
    parser.add_argument("--concurrency", type=int, default=32)
    opts = parser.parse_args()
    port = free_port()
    server = subprocess.Popen([sys.executable, str(HERE / "fake_server.py"), "--port", str(port),
                               "--rpm", str(opts.rpm), "--tpm", str(opts.tpm), "--latency",
                               str(opts.latency), "--faults", str(opts.faults),
                               "--timeout-seconds", "3"])
    try:
        wait_for(port)
        with tempfile.TemporaryDirectory() as tmp:
            run(opts, port, Path(tmp))
    finally:
        server.terminate()
        server.wait()


def run(opts: argparse.Namespace, port: int, tmp: Path) -> None:
    listing = write_jsonl(tmp / "list.jsonl", opts.records)
    env = {**os.environ, "OPENAI_API_KEY": "sk-bench-not-a-key",
           "OPENAI_BASE_URL": f"http://127.0.0.1:{port}/v1", "LAYDRAFT_DATABASE": str(tmp / "q.db"),
           "LAYDRAFT_REQUEST_TIMEOUT": "2", "LAYDRAFT_RETRY_MAX_WAIT": "5",
           "LAYDRAFT_CONFIG": str(tmp / "none.toml")}
    (tmp / "none.toml").write_text("")
    args = ["batch", str(listing), "--json", "--concurrency", str(opts.concurrency)]
    summary, wall = laydraft(args, env)
    server_stats = stats(port)
    tokens = summary["prompt_tokens"] + summary["completion_tokens"]
    ideal = max(opts.records / opts.rpm * 60, tokens / opts.tpm * 60,
                opts.latency * opts.records / opts.concurrency)
    keys = queue_keys(env)
    failed_keys = {f["record_key"] for f in summary["failures"]}
    expected = {f"doi:10.5555/laydraft.bench.{i}" for i in range(opts.records)}
    lost = expected - set(keys) - failed_keys
    print(f"records                {opts.records}  (RPM {opts.rpm}, TPM {opts.tpm:,}, latency "
          f"{opts.latency}s, concurrency {opts.concurrency}, each of 6 faults at {opts.faults:.1%})")
    print(f"wall time              {wall:.1f} s")
    print(f"ideal time             {ideal:.1f} s  (max of records/RPM, tokens/TPM, "
          "latency x records / concurrency)")
    print(f"throughput vs ideal    {ideal / wall:.1%}")
    print(f"API calls              {server_stats.get('requests', 0)}")
    print(f"429 answers            {server_stats.get('rate_limited', 0)} "
          f"({server_stats.get('rate_limited', 0) / max(server_stats.get('requests', 1), 1):.2%})")
    print("faults injected        " + ", ".join(f"{k} {server_stats.get(k, 0)}" for k in (
        "server_error", "unavailable", "timeout", "refusal", "invalid_json", "truncated")))
    print(f"drafted / failed       {summary['drafted']} / {summary['failed']}  "
          f"(reasons: {sorted({f['reason'] for f in summary['failures']})})")
    print(f"lost                   {len(lost)}")
    print(f"duplicated             {len(keys) - len(set(keys))}")
    before = stats(port).get("requests", 0)
    again, rerun_wall = laydraft(args, env)
    print(f"re-run: API calls      {stats(port).get('requests', 0) - before}  "
          f"(skipped {again['skipped']}, drafted {again['drafted']})")
    print(f"re-run: time           {rerun_wall:.1f} s")


if __name__ == "__main__":
    main()
