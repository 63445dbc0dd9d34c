"""The pipeline's own overhead per record, with the offline drafter and no network.

Drafts synthetic reading lists of growing size through the batch runner (ingest, offline
draft, checks, queue write) on one core, and prints records per second, the time per stage
for one record, and peak traced memory for each list size: flat memory means streamed.

    .venv/bin/python bench/offline_pipeline.py [--sizes 250 1000 4000]
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from synthetic import write_jsonl  # noqa: E402

from laydraft.batch.runner import BatchRunner  # noqa: E402
from laydraft.config import load_settings  # noqa: E402
from laydraft.core import DraftingCore, check_summary  # noqa: E402
from laydraft.db import Store  # noqa: E402
from laydraft.drafting.offline import OfflineDrafter  # noqa: E402
from laydraft.ingest import iter_records  # noqa: E402
from laydraft.models import Abstract, Draft  # noqa: E402
from laydraft.prompts import render_draft_prompt  # noqa: E402


def run_batch(listing: Path, db: Path, traced: bool) -> tuple[float, int, int]:
    settings = load_settings(overrides={"database": str(db), "drafter": "offline"})
    runner = BatchRunner(settings, Store(settings.database_url()), DraftingCore(settings))
    if traced:
        tracemalloc.start()
    started = time.perf_counter()
    summary = asyncio.run(runner.run(iter_records(listing, 10**9), str(listing)))
    elapsed = time.perf_counter() - started
    peak = tracemalloc.get_traced_memory()[1] if traced else 0
    if traced:
        tracemalloc.stop()
    return elapsed, summary.drafted, peak


def stages(listing: Path, db: Path, count: int = 200) -> dict[str, float]:
    """Milliseconds per record for each stage, measured one stage at a time."""
    settings = load_settings(overrides={"database": str(db), "drafter": "offline"})
    store, drafter = Store(settings.database_url()), OfflineDrafter(settings)
    timings: dict[str, float] = {}
    t = time.perf_counter()
    abstracts = [r for r, _ in zip(iter_records(listing, 10**9), range(count), strict=False)
                 if isinstance(r, Abstract)]
    timings["ingest"] = time.perf_counter() - t
    t = time.perf_counter()
    prompts = [render_draft_prompt(settings, a) for a in abstracts]
    timings["render prompt"] = time.perf_counter() - t
    t = time.perf_counter()
    outputs = [drafter.draft(a, p) for a, p in zip(abstracts, prompts, strict=True)]
    timings["offline draft"] = time.perf_counter() - t
    t = time.perf_counter()
    findings = [check_summary(settings, a, o.summary) for a, o in zip(abstracts, outputs,
                                                                       strict=True)]
    timings["checks"] = time.perf_counter() - t
    t = time.perf_counter()
    for a, o, f in zip(abstracts, outputs, findings, strict=True):
        store.add(Draft(abstract=a, summary=o.summary, provenance=o.provenance, findings=f))
    timings["queue write"] = time.perf_counter() - t
    return {k: v / len(abstracts) * 1000 for k, v in timings.items()}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[250, 1000, 4000])
    opts = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        listing = write_jsonl(folder / "stage.jsonl", 200)
        for name, ms in stages(listing, folder / "stages.db").items():
            print(f"{name:<16}{ms:7.2f} ms/record")
        print(f"{'records':>8} {'seconds':>8} {'records/s':>10} {'peak traced MiB':>16}")
        for size in opts.sizes:
            listing = write_jsonl(folder / f"list{size}.jsonl", size)
            elapsed, drafted, _ = run_batch(listing, folder / f"rate{size}.db", traced=False)
            _, _, peak = run_batch(write_jsonl(folder / f"mem{size}.jsonl", size),
                                   folder / f"mem{size}.db", traced=True)
            print(f"{drafted:>8} {elapsed:>8.1f} {drafted / elapsed:>10.0f} "
                  f"{peak / 2**20:>16.1f}")


if __name__ == "__main__":
    main()
