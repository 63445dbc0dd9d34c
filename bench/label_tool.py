"""List the findings of a check nobody has labelled yet, and add labels to bench/labels/.

    python bench/label_tool.py list CHECK [--n N] [--source S] [--out FILE]
    python bench/label_tool.py add CHECK FILE
    python bench/label_tool.py ask CHECK [--n N] [--source S]
    python bench/label_tool.py stats

``list`` walks the texts in the sample order (``evaluation.sample_order``: a fixed seed, the
three sources interleaved) and prints the next N unlabelled alarms of CHECK, one JSON object
a line: the label's fields with ``"label": null``, plus the finding's code, message and severity
to read by. Fill in ``label`` ("sensible" or "spurious", by ``bench/labels/GUIDE.md``), and
``kind`` and ``note`` where they apply, then ``add`` appends the filled lines to
``bench/labels/CHECK.jsonl`` (lines still ``null`` are left out; a key labelled again replaces
the earlier label, the later line winning). ``ask`` does the same one finding at a time,
asking on the terminal. Label every finding of the check in a text you read: the evaluation
counts a finding without a label in a text with labels as unread, and reports it.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))

import evalset  # noqa: E402
import evaluation  # noqa: E402
from pydantic import ValidationError  # noqa: E402


def unlabelled(check: str, data_dir: Path, labels_dir: Path,
               source: str | None = None) -> Iterator[dict[str, Any]]:
    """The unlabelled alarms of ``check`` in the sample order, as label rows to fill in."""
    known = evaluation.labels_by_key(evalset.load_labels(labels_dir))
    seen: set[tuple[str, str, str, str, str]] = set()
    for item in evaluation.sample_order(evaluation.checked(data_dir)):
        if source and item.text.source != source:
            continue
        for finding in item.findings:
            key = evalset.label_key(item.text, finding)
            if finding.check != check or key in known or key in seen:
                continue
            seen.add(key)
            yield {
                "text_id": item.text.text_id, "source": item.text.source, "check": check,
                "section": finding.section or "",
                "span": evalset.span_of(item.text.summary, finding),
                "sentence": evaluation.sentence_of(item.text, finding),
                "label": None, "kind": "", "note": "",
                "code": finding.code, "severity": finding.severity.value,
                "message": finding.message,
            }


def _labels_file(labels_dir: Path, check: str) -> Path:
    return labels_dir / f"{check}.jsonl"


def append(labels_dir: Path, check: str, rows: list[dict[str, Any]]) -> int:
    """Validate and append the filled rows; returns how many were written."""
    labels = []
    for row in rows:
        if row.get("label") is None:
            continue
        if row.get("check") != check:
            raise SystemExit(f"a row of check {row.get('check')!r} given for {check!r}")
        try:
            labels.append(evalset.Label.model_validate(row))
        except ValidationError as error:
            raise SystemExit(f"not a label: {row}\n{error}") from None
    labels_dir.mkdir(parents=True, exist_ok=True)
    with _labels_file(labels_dir, check).open("a", encoding="utf-8") as handle:
        for label in labels:
            handle.write(label.model_dump_json() + "\n")
    return len(labels)


def ask(rows: Iterator[dict[str, Any]], n: int) -> Iterator[dict[str, Any]]:
    """Ask on the terminal about each row: s(ensible), p (spurious), k (skip), q (quit)."""
    for i, row in enumerate(rows):
        if i >= n:
            return
        print(f"\n[{row['source']} {row['text_id']} {row['section']}] {row['code']} "
              f"({row['severity']}): {row['message']}")
        print(f"  span: {row['span']!r}\n  sentence: {row['sentence']}")
        answer = input("s/p/k/q? ").strip().lower()
        if answer.startswith("q"):
            return
        if answer[:1] not in ("s", "p"):
            continue
        row["label"] = "sensible" if answer.startswith("s") else "spurious"
        row["kind"] = input("kind (enter for none)? ").strip()
        row["note"] = input("note (enter for none)? ").strip()
        yield row


def stats(labels_dir: Path) -> Iterator[str]:
    counts: Counter[tuple[str, str]] = Counter(
        (lab.check, lab.label) for lab in evaluation.labels_by_key(
            evalset.load_labels(labels_dir)).values())
    for check in sorted({c for c, _ in counts}):
        yield (f"{check:13} sensible {counts[check, 'sensible']:4}  "
               f"spurious {counts[check, 'spurious']:4}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--data", type=Path, default=evalset.DEFAULT_DATA)
    parser.add_argument("--labels", type=Path, default=evalset.LABELS_DIR,
                        help="folder of the labels (default bench/labels)")
    sub = parser.add_subparsers(dest="command", required=True)
    for name in ("list", "ask"):
        cmd = sub.add_parser(name)
        cmd.add_argument("check")
        cmd.add_argument("--n", type=int, default=20)
        cmd.add_argument("--source", choices=evaluation.SOURCES)
        if name == "list":
            cmd.add_argument("--out", type=Path)
    add = sub.add_parser("add")
    add.add_argument("check")
    add.add_argument("file", type=Path)
    sub.add_parser("stats")
    args = parser.parse_args(argv)

    if args.command == "stats":
        for line in stats(args.labels):
            print(line)
        return 0
    if args.command == "add":
        with args.file.open(encoding="utf-8") as handle:
            filled = [json.loads(line) for line in handle if line.strip()]
        print(f"{append(args.labels, args.check, filled)} labels added", file=sys.stderr)
        return 0
    rows = unlabelled(args.check, args.data, args.labels, args.source)
    if args.command == "ask":
        written = append(args.labels, args.check, list(ask(rows, args.n)))
        print(f"{written} labels added", file=sys.stderr)
        return 0
    out = args.out.open("w", encoding="utf-8") if args.out else sys.stdout
    try:
        for i, row in enumerate(rows):
            if i >= args.n:
                break
            out.write(json.dumps(row, ensure_ascii=False) + "\n")
    finally:
        if args.out:
            out.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
