"""The reviewer checks run over the evaluation set: findings, labels, samples, seeds.

Shared by ``bench/eval_checks.py`` (the figures) and ``bench/label_tool.py`` (labelling).

The *sample order* is the order in which texts are read for labelling: within each source,
texts sorted by a hash of (seed, source, text id), so adding or changing one text does not
reshuffle the others; the three sources interleaved, so any prefix has all three in the same
proportion. A check's *read* texts are those carrying one of its labels: a finding of the
check there without a label is one nobody has read (typically new, after a change to the
check), whichever way the labeller sampled.
"""

from __future__ import annotations

import hashlib
import importlib
import importlib.util
import random
import re
import sys
from collections.abc import Iterable, Iterator
from functools import cache, cached_property
from pathlib import Path
from types import ModuleType

HERE = Path(__file__).resolve().parent
for _path in (HERE.parent, HERE):  # seeds modules import "bench.evalset" or "evalset"
    if str(_path) not in sys.path:
        sys.path.insert(0, str(_path))

import evalset  # noqa: E402
from evalset import Label, Seed, Text  # noqa: E402

# One module by either name, so its cached texts are drafted once and its classes are one.
sys.modules.setdefault("bench.evalset", evalset)
import bench  # noqa: E402  (the namespace package of this folder)

bench.evalset = sys.modules["bench.evalset"]  # type: ignore[attr-defined]

from laydraft.checks import run_checks  # noqa: E402
from laydraft.models import Finding, Severity  # noqa: E402

SAMPLE_SEED = 14
SEEDS_DIR = HERE / "seeds"
SOURCES: tuple[evalset.Source, ...] = ("human", "offline", "offline-raw")

# Findings that are not alarms and are not labelled: the reading grade every summary gets.
NOT_ALARMS = (Severity.info,)

# Checks that do not apply to a source. A human summary is put whole into one section, so its
# other sections are empty by construction: completeness findings on it say nothing about it.
NOT_APPLICABLE: dict[str, frozenset[str]] = {"human": frozenset({"completeness"})}

_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9\"'(])")


def is_alarm(text: Text, finding: Finding) -> bool:
    """True for a finding a reviewer is asked to act on, in a check that applies to the text."""
    return (finding.severity not in NOT_ALARMS
            and finding.check not in NOT_APPLICABLE.get(text.source, frozenset()))


@cache
def texts(data_dir: Path = evalset.DEFAULT_DATA) -> tuple[Text, ...]:
    """Every text of the evaluation set: human summaries, offline drafts, raw-abstract drafts."""
    return (*evalset.human_texts(data_dir), *evalset.offline_texts(data_dir),
            *evalset.offline_raw_texts(data_dir))


class Checked:
    """One text and every finding the current checks report on it (run when first asked)."""

    def __init__(self, text: Text) -> None:
        self.text = text

    @cached_property
    def everything(self) -> list[Finding]:
        return run_checks(self.text.abstract, self.text.summary)

    @property
    def findings(self) -> list[Finding]:
        """The alarms: what precision is measured on."""
        return [f for f in self.everything if is_alarm(self.text, f)]


@cache
def checked(data_dir: Path = evalset.DEFAULT_DATA) -> tuple[Checked, ...]:
    """Every text, its findings computed when first asked for (once per process)."""
    return tuple(Checked(text) for text in texts(data_dir))


def _rank(seed: int, text: Text) -> str:
    return hashlib.sha256(f"{seed}:{text.source}:{text.text_id}".encode()).hexdigest()


def sample_order(items: Iterable[Checked], seed: int = SAMPLE_SEED) -> list[Checked]:
    """Texts in the order they are read for labelling (see the module docstring)."""
    by_source: dict[str, list[Checked]] = {}
    for item in items:
        by_source.setdefault(item.text.source, []).append(item)
    for group in by_source.values():
        group.sort(key=lambda c: _rank(seed, c.text))
    total = sum(len(g) for g in by_source.values())
    # interleave by position within each source's list, scaled to the source's size
    keyed = [((i + 0.5) / len(group), source_index, item)
             for source_index, (source, group) in enumerate(sorted(by_source.items()))
             for i, item in enumerate(group)]
    keyed.sort(key=lambda k: (k[0], k[1]))
    assert len(keyed) == total
    return [item for _, _, item in keyed]


def sentence_around(text: str, start: int | None, end: int | None) -> str:
    """The sentence(s) of ``text`` holding [start, end), for reading a finding in context."""
    if start is None or end is None:
        return " ".join(text.split())[:300]
    bounds = [0] + [m.end() for m in _SENTENCE_END.finditer(text)] + [len(text)]
    left = max(b for b in bounds if b <= start)
    right = min((b for b in bounds if b >= end and b > left), default=len(text))
    return " ".join(text[left:right].split())


def sentence_of(text: Text, finding: Finding) -> str:
    if finding.section is None:
        return ""
    return sentence_around(str(getattr(text.summary, finding.section, "")),
                           finding.start, finding.end)


def labels_by_key(labels: Iterable[Label]) -> dict[tuple[str, str, str, str, str], Label]:
    """The labels by key; a later line with the same key overrides an earlier one."""
    return {label.key(): label for label in labels}


def read_texts(items: Iterable[Checked], labels: Iterable[Label], check: str) -> list[Checked]:
    """The texts read for ``check``: those carrying at least one of its labels."""
    labelled = {(lab.text_id, lab.source) for lab in labels if lab.check == check}
    return [item for item in items if (item.text.text_id, item.text.source) in labelled]


# --- seeds ------------------------------------------------------------------------------------

def seed_modules(directories: Iterable[Path] = (SEEDS_DIR,)) -> Iterator[tuple[str, ModuleType]]:
    """Every seeds module (``<dir>/<name>.py`` with a ``seeds`` function), by name; a name found
    in an earlier directory hides the same name in later ones. Modules of ``bench/seeds`` are
    imported as the package ``bench.seeds`` (so they can share helpers); others by their path."""
    seen: set[str] = set()
    for directory in directories:
        directory = Path(directory).resolve()
        for path in sorted(directory.glob("*.py")):
            if path.stem.startswith("_") or path.stem in seen:
                continue
            if directory == SEEDS_DIR.resolve():
                module = importlib.import_module(f"bench.seeds.{path.stem}")
            else:
                spec = importlib.util.spec_from_file_location(f"seeds_from_{path.stem}", path)
                if spec is None or spec.loader is None:
                    continue
                module = importlib.util.module_from_spec(spec)
                spec.loader.exec_module(module)
            if callable(getattr(module, "seeds", None)):
                seen.add(path.stem)
                yield path.stem, module


def seeded(data_dir: Path, directories: Iterable[Path] = (SEEDS_DIR,),
           seed: int = SAMPLE_SEED) -> Iterator[tuple[str, Seed, bool]]:
    """(module name, seed, passed) for every seed of every module; each module gets its own
    generator seeded by ``seed`` and its name, so modules do not disturb each other."""
    for name, module in seed_modules(directories):
        rng = random.Random(f"{seed}:{name}")
        for item in module.seeds(data_dir, rng):
            findings = run_checks(item.abstract, item.summary)
            yield name, item, item.passed(findings)
