"""`laydraft stats` and `laydraft export --training` through the real command line.

A queue built by separate processes (draft with two prompt variants, claim, edit in a file,
approve, reject) and then compared and exported, as a newsroom would.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from laydraft.resources import default_prompts_dir, example_abstract_path
from test_cli_review_e2e import HEADING, assert_one_line_error, ok, run

SECRET = "sk-test-never-exported-0123456789"
NEW_LIMITATIONS = ("People in the study reported their own sleep, and memory can be "
                   "unreliable; results might differ elsewhere.")


@pytest.fixture
def env(store_url: str, tmp_path: Path) -> dict[str, str]:
    if not store_url.startswith("sqlite"):
        pytest.skip("the shared-queue accounts are covered by test_cli_review_e2e")
    other = tmp_path / "prompts-b"
    shutil.copytree(default_prompts_dir(), other)
    (other / "system.j2").write_text((other / "system.j2").read_text() + "\nBe brief.\n")
    config = tmp_path / "config.toml"
    config.write_text(f'[prompt_variants]\na = ""\nb = "{other}"\n')
    values = dict(os.environ)
    values.update(LAYDRAFT_DATABASE=store_url, LAYDRAFT_REVIEWER="alice",
                  LAYDRAFT_DRAFTER="offline", LAYDRAFT_CONFIG=str(config), NO_COLOR="1",
                  OPENAI_API_KEY=SECRET)
    return values


def _abstracts(folder: Path, count: int) -> list[Path]:
    text = example_abstract_path().read_text()
    paths = []
    for n in range(count):
        path = folder / f"abstract-{n}.txt"
        path.write_text(text.rstrip() + f" (Cohort {n}.)\n")
        paths.append(path)
    return paths


def test_stats_and_training_export_from_a_reviewed_queue(env: dict[str, str],
                                                         tmp_path: Path) -> None:
    for path in _abstracts(tmp_path, 3):
        ok(env, "draft", str(path))
    # 1: alice edits the limitations, bob approves; 2: bob approves as drafted; 3: rejected.
    ok(env, "review", "claim", "1")
    edited = ok(env, "review", "show", "1", "--markdown")
    start = edited.index(HEADING) + len(HEADING)
    (tmp_path / "one.md").write_text(edited[:start] + NEW_LIMITATIONS + "\n")
    ok(env, "review", "edit", "1", "--from-file", str(tmp_path / "one.md"))
    ok(env, "review", "release", "1")
    for draft_id, action in (("1", "approve"), ("2", "approve"), ("3", "reject")):
        ok(env, "review", "claim", draft_id, "--as", "bob")
        ok(env, "review", action, draft_id, "--as", "bob")

    report = json.loads(ok(env, "stats", "--by", "variant", "--json"))
    assert report["by"] == "variant" and report["drafts"] == 3
    assert sum(g["n"] for g in report["groups"]) == 3
    assert {g["key"] for g in report["groups"]} <= {"a", "b"}
    assert all(not g["comparable"] and g["note"] == "too few to compare"
               for g in report["groups"])
    by_reviewer = json.loads(ok(env, "stats", "--by", "reviewer", "--json", "--min-group", "3"))
    (bob,) = by_reviewer["groups"]
    assert bob["key"] == "bob" and bob["comparable"] and (bob["approved"], bob["rejected"]) == (2, 1)
    assert bob["figures"]["rounds"]["median"] == 1
    assert bob["figures"]["edit_distance"]["high"] > 0 and bob["figures"]["edit_distance"]["low"] == 0
    table = ok(env, "stats", "--by", "reviewer")
    assert table.splitlines()[0].split()[:3] == ["reviewer", "n", "approved"]
    assert "bob" in table and "too few to compare (fewer than 6): bob" in table
    assert "no decided drafts since" in ok(env, "stats", "--since", "2999-01-01")
    assert "3 decided drafts" in ok(env, "stats", "--since", "1d")
    assert_one_line_error(run(env, "stats", "--since", "last tuesday"), "--since")

    lines = ok(env, "export", "--training").splitlines()
    examples = [json.loads(line) for line in lines]
    assert [e["draft_id"] for e in examples] == [1, 2]  # the rejected draft is left out
    first = examples[0]
    assert first["approved"]["limitations"] == NEW_LIMITATIONS
    assert first["drafted"]["limitations"] != NEW_LIMITATIONS
    assert first["approved_version"] == 2 and first["prompt_variant"] in {"a", "b"}
    assert first["abstract"].endswith("(Cohort 0.)") and first["drafter"] == "offline"
    out = tmp_path / "learning"
    written = Path(ok(env, "export", "--training", "--training-format", "chat", "--out",
                          str(out)).strip())
    assert written == out / "training-chat.jsonl"
    chats = [json.loads(line) for line in written.read_text().splitlines()]
    assert [[m["role"] for m in c["messages"]] for c in chats] == [
        ["system", "user", "assistant"]] * 2
    assert json.loads(chats[0]["messages"][2]["content"])["limitations"] == NEW_LIMITATIONS
    assert "(Cohort 0.)" in chats[0]["messages"][1]["content"]
    assert SECRET not in "\n".join(lines) and SECRET not in written.read_text()
    assert_one_line_error(run(env, "export", "--training", "--format", "md"), "--training")
    # Exporting learning data publishes nothing.
    assert json.loads(ok(env, "queue", "show", "1", "--json"))["status"] == "approved"


def test_the_variant_is_chosen_by_record_and_kept_in_provenance(env: dict[str, str],
                                                                tmp_path: Path) -> None:
    (path,) = _abstracts(tmp_path, 1)
    first = json.loads(ok(env, "draft", str(path), "--json", "--no-queue"))
    again = json.loads(ok(env, "draft", str(path), "--json", "--no-queue"))
    assert first["provenance"]["variant"] == again["provenance"]["variant"] in {"a", "b"}
    assert first["provenance"]["prompt_fingerprint"] == again["provenance"]["prompt_fingerprint"]
    no_variants = dict(env)
    no_variants.pop("LAYDRAFT_CONFIG")
    plain = json.loads(ok(no_variants, "draft", str(path), "--json", "--no-queue"))
    assert plain["provenance"]["variant"] is None
