"""CPU per record of `laydraft batch` on the model path, with every limit and the latency removed.

It starts bench/fake_server.py on 127.0.0.1 with no rate limit to speak of and no latency, then
runs the real CLI (`laydraft batch LIST --json`, default settings) on a synthetic list of N
records and on a list of one record, in fresh queues, and prints the laydraft process's CPU
(user + system, from ``resource.getrusage(RUSAGE_CHILDREN)``, so the server's CPU is not
counted): the whole command's per record, and the marginal cost per record (the N-record run
less the one-record run: start-up, imports and shutdown taken out). CPU time, not wall time,
so a machine shared with other work moves the figures less.

    .venv/bin/python bench/batch_cpu.py                     # 500 records, 3 repeats
    .venv/bin/python bench/batch_cpu.py --records 200 --repeat 1
    .venv/bin/python bench/batch_cpu.py --profile           # plus a cProfile top list

``--profile`` runs the N-record command once more under cProfile, every thread profiled with
its own CPU clock (``time.thread_time``: the worker threads do the checks and the queue writes,
and a wall clock would count their waits for the GIL and the disk), and prints the top
functions by own time and by cumulative time.
"""

from __future__ import annotations

import argparse
import json
import os
import pstats
import resource
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from batch_throughput import free_port, load, wait_for  # noqa: E402
from synthetic import write_jsonl  # noqa: E402

# Runs a module with a cProfile.Profile in every thread, merged into one file at the end.
PROFILED = """
import cProfile, runpy, sys, threading, time
out, sys.argv = sys.argv[1], sys.argv[2:]
profiles = []
thread_run = threading.Thread.run
def run(self):
    profile = cProfile.Profile(time.thread_time)
    profiles.append(profile)
    profile.enable()
    try:
        thread_run(self)
    finally:
        profile.disable()
threading.Thread.run = run
main = cProfile.Profile(time.thread_time)
profiles.append(main)
main.enable()
try:
    runpy.run_module("laydraft", run_name="__main__")
except SystemExit:
    pass
finally:
    main.disable()
    import pstats
    stats = pstats.Stats(profiles[0])
    for profile in profiles[1:]:
        profile.create_stats()
        if profile.stats:
            stats.add(profile)
    stats.dump_stats(out)
"""


def cpu_of(command: list[str], env: dict[str, str]) -> tuple[float, dict[str, object]]:
    """CPU seconds (user + system) the command's process used, and its JSON output."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise SystemExit(f"laydraft failed ({done.returncode}): {done.stderr[-2000:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return cpu, json.loads(done.stdout)


def batch_env(port: int, tmp: Path, name: str) -> dict[str, str]:
    (tmp / "none.toml").write_text("")
    return {**os.environ, "OPENAI_API_KEY": "sk-bench-not-a-key",
            "OPENAI_BASE_URL": f"http://127.0.0.1:{port}/v1",
            "LAYDRAFT_DATABASE": str(tmp / f"{name}.db"),
            "LAYDRAFT_CONFIG": str(tmp / "none.toml"), "XDG_DATA_HOME": str(tmp / name)}


def one_run(port: int, tmp: Path, records: int, name: str,
            prefix: list[str] | None = None) -> float:
    listing = write_jsonl(tmp / f"{name}.jsonl", records)
    command = [sys.executable, *(prefix or ["-m", "laydraft"]), "batch", str(listing), "--json"]
    cpu, summary = cpu_of(command, batch_env(port, tmp, name))
    if summary["drafted"] != records:
        raise SystemExit(f"{name}: drafted {summary['drafted']} of {records}: {summary}")
    return cpu


def measure(port: int, tmp: Path, records: int, repeat: int) -> None:
    print(f"laydraft batch, {records} records, fake server without limits or latency "
          f"(load average before: {load()})")
    wholes, bases = [], []
    for i in range(repeat):
        wholes.append(one_run(port, tmp, records, f"n{i}"))
        bases.append(one_run(port, tmp, 1, f"one{i}"))
        print(f"  run {i + 1}: {wholes[-1]:.2f} s CPU for {records} records = "
              f"{wholes[-1] / records * 1000:.1f} ms/record with start-up; one record "
              f"{bases[-1]:.2f} s; marginal "
              f"{(wholes[-1] - bases[-1]) / (records - 1) * 1000:.1f} ms/record")
    # The least of each: other work on the machine only ever adds CPU time (cache misses).
    print(f"  best: {min(wholes) / records * 1000:.1f} ms/record with start-up, marginal "
          f"{(min(wholes) - min(bases)) / (records - 1) * 1000:.1f} ms/record")
    print(f"(load average after: {load()})")


def profile(port: int, tmp: Path, records: int, top: int) -> None:
    out = tmp / "batch.prof"
    one_run(port, tmp, records, "profiled", ["-c", PROFILED, str(out), "laydraft"])
    stats = pstats.Stats(str(out))
    for order in ("tottime", "cumulative"):
        print(f"\n-- cProfile, all threads, by {order} ({records} records) --")
        stats.sort_stats(order).print_stats(top)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=500)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--profile", action="store_true", help="also print a cProfile top list")
    parser.add_argument("--top", type=int, default=30, help="rows of the top list")
    opts = parser.parse_args()
    port = free_port()
    server = subprocess.Popen([sys.executable, str(HERE / "fake_server.py"), "--port", str(port),
                               "--rpm", "100000000", "--tpm", "100000000000",
                               "--latency", "0", "--faults", "0"])
    try:
        wait_for(port)
        with tempfile.TemporaryDirectory() as tmp:
            measure(port, Path(tmp), max(2, opts.records), opts.repeat)
            if opts.profile:
                profile(port, Path(tmp), opts.records, opts.top)
    finally:
        server.terminate()
        server.wait()


if __name__ == "__main__":
    main()
