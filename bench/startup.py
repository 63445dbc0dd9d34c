"""Start-up time and process memory of `laydraft batch`, and the offline pipeline's rate.

Three figures, each over ``--repeat`` runs of the real CLI in a fresh process and a fresh
queue, printed as median and range (the machine is shared: the spread is part of the figure):

1. **first request**: seconds from just before the process is started to the first HTTP
   request reaching a tiny listener run by this bench (a one-record list, `laydraft batch`
   with default settings). Fork and exec are included: it is what a user waits.
2. **model path, N records**: `laydraft batch LIST --json` on an N-record synthetic list
   against bench/fake_server.py with no limits and no latency: wall time of the whole
   command, records/s, and the process's peak RSS (``ru_maxrss`` of that one child, from
   ``os.wait4``, so the server and the other runs are not counted), and its CPU time.
3. **offline pipeline, N records**: the same list with no API key (the offline drafter):
   records/s of the whole command and its peak RSS.

    .venv/bin/python bench/startup.py                         # 10,000 records, 3 repeats
    .venv/bin/python bench/startup.py --records 2000 --repeat 5
    .venv/bin/python bench/startup.py --skip-model             # first request + offline only

Heavy imports: ``.venv/bin/python -X importtime -m laydraft batch LIST 2> imports.txt``.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from batch_throughput import free_port, load, wait_for  # noqa: E402
from fake_server import completion, lay_summary  # noqa: E402
from synthetic import write_jsonl  # noqa: E402


class FirstRequest(BaseHTTPRequestHandler):
    """Notes when the first request arrives and answers chat completions with a valid draft."""

    arrivals: list[float] = []

    def do_POST(self) -> None:  # noqa: N802 - http.server's naming
        self.arrivals.append(time.monotonic())
        body = json.loads(self.rfile.read(int(self.headers.get("content-length") or 0)) or b"{}")
        messages = body.get("messages") or [{}]
        content = json.dumps(lay_summary(str(messages[-1].get("content") or "")))
        self._send(completion(body, content))

    def do_GET(self) -> None:  # noqa: N802
        self.arrivals.append(time.monotonic())
        self._send({"object": "list", "data": []})

    def _send(self, data: dict[str, object]) -> None:
        payload = json.dumps(data).encode()
        self.send_response(200)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass


def env_for(tmp: Path, name: str, port: int | None) -> dict[str, str]:
    """A hermetic environment: own queue and data folder, no user config; a key only if port."""
    (tmp / "none.toml").write_text("")
    env = {k: v for k, v in os.environ.items()
           if k not in ("OPENAI_API_KEY", "OPENAI_BASE_URL") and not k.startswith("LAYDRAFT_")}
    env.update({"LAYDRAFT_DATABASE": str(tmp / f"{name}.db"),
                "LAYDRAFT_CONFIG": str(tmp / "none.toml"), "XDG_DATA_HOME": str(tmp / name)})
    if port is not None:
        env.update({"OPENAI_API_KEY": "sk-bench-not-a-key",
                    "OPENAI_BASE_URL": f"http://127.0.0.1:{port}/v1"})
    return env


def run_child(command: list[str], env: dict[str, str], out: Path) -> tuple[float, float, float]:
    """Wall seconds, peak RSS in MB and CPU seconds of one child (its own rusage, via wait4)."""
    with out.open("w") as sink:
        started = time.monotonic()
        child = subprocess.Popen(command, env=env, stdout=sink, stderr=subprocess.STDOUT)
        _, status, usage = os.wait4(child.pid, 0)
        wall = time.monotonic() - started
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode != 0:
        raise SystemExit(f"{command} failed ({child.returncode}): {out.read_text()[-2000:]}")
    return wall, usage.ru_maxrss / 1024, usage.ru_utime + usage.ru_stime  # maxrss: KB


def laydraft(*args: str) -> list[str]:
    return [sys.executable, "-m", "laydraft", *args]


def first_request(tmp: Path, repeat: int) -> list[float]:
    port = free_port()
    server = ThreadingHTTPServer(("127.0.0.1", port), FirstRequest)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    listing = write_jsonl(tmp / "one.jsonl", 1)
    delays = []
    try:
        for i in range(repeat):
            FirstRequest.arrivals.clear()
            started = time.monotonic()
            run_child(laydraft("batch", str(listing), "--json"), env_for(tmp, f"first{i}", port),
                      tmp / "first.out")
            if not FirstRequest.arrivals:
                raise SystemExit("no request reached the listener")
            delays.append(FirstRequest.arrivals[0] - started)
    finally:
        server.shutdown()
    return delays


def whole_runs(tmp: Path, records: int, repeat: int, port: int | None,
               name: str) -> list[tuple[float, float, float]]:
    listing = write_jsonl(tmp / f"{name}.jsonl", records)
    runs = []
    for i in range(repeat):
        out = tmp / f"{name}{i}.out"
        runs.append(run_child(laydraft("batch", str(listing), "--json"),
                              env_for(tmp, f"{name}{i}", port), out))
        drafted = json.loads(out.read_text())["drafted"]
        if drafted != records:
            raise SystemExit(f"{name}: drafted {drafted} of {records}")
    return runs


def spread(values: list[float], fmt: Callable[[float], str]) -> str:
    return (f"median {fmt(statistics.median(values))} (range {fmt(min(values))} - "
            f"{fmt(max(values))}, n={len(values)})")


def report_runs(title: str, records: int, runs: list[tuple[float, float, float]]) -> None:
    walls, rss, cpu = [w for w, _, _ in runs], [r for _, r, _ in runs], [c for _, _, c in runs]
    print(title)
    print(f"  wall      {spread(walls, lambda v: f'{v:.2f} s')}")
    print(f"  records/s {spread([records / w for w in walls], lambda v: f'{v:.0f}')}")
    print(f"  peak RSS  {spread(rss, lambda v: f'{v:.0f} MB')}")
    print(f"  CPU       {spread([c / records * 1000 for c in cpu], lambda v: f'{v:.1f} ms')}"
          " a record (user + system, start-up included: less moved by a busy machine)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--skip-model", action="store_true", help="no model-path run")
    opts = parser.parse_args()
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} cores, load average {load()}")
    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        delays = first_request(tmp, max(opts.repeat, 5))
        print(f"first request after start (1 record): {spread(delays, lambda v: f'{v:.2f} s')}")
        if not opts.skip_model:
            port = free_port()
            server = subprocess.Popen(
                [sys.executable, str(HERE / "fake_server.py"), "--port", str(port),
                 "--rpm", "100000000", "--tpm", "100000000000", "--latency", "0",
                 "--faults", "0"])
            try:
                wait_for(port)
                runs = whole_runs(tmp, opts.records, opts.repeat, port, "model")
            finally:
                server.terminate()
                server.wait()
            report_runs(f"model path, {opts.records} records, fake server without limits "
                        "or latency:", opts.records, runs)
        runs = whole_runs(tmp, opts.records, opts.repeat, None, "offline")
        report_runs(f"offline pipeline (no API key), {opts.records} records:", opts.records, runs)
    print(f"load average after: {load()}")


if __name__ == "__main__":
    main()
