"""Published pages: content, escaping, site templates, and the approved → published rule."""

# Fixtures imported from test_store.py are redefined as test arguments, as pytest intends.
# ruff: noqa: F811

from __future__ import annotations

import json
from pathlib import Path

import pytest

from laydraft import review
from laydraft.config import load_settings
from laydraft.db import Store
from laydraft.errors import ConfigError, UsageError, WorkflowError
from laydraft.export import export_draft, render_page
from laydraft.models import Draft, DraftStatus
from test_store import queued  # noqa: F401  (shared fixture)


def _approve(store: Store, draft: Draft) -> int:
    assert draft.id is not None
    review.claim(store, draft.id, "alice")
    review.transition(store, draft.id, "approve", "alice")
    return draft.id


def test_markdown_page_has_every_part(queued: Draft, settings) -> None:  # type: ignore[no-untyped-def]
    page = render_page(queued, "md", settings).content
    assert page.startswith(f"# {queued.summary.headline}\n")
    for title in ("## What was found", "## Why it matters", "## Limitations"):
        assert title in page
    assert "[10.1234/example.5678](https://doi.org/10.1234/example.5678)" in page
    assert "Sleep quality and relapses in MS" in page and "Journal of Examples" in page
    assert settings.disclaimer in page
    assert "Preview" not in page


def test_html_is_escaped(queued: Draft, settings) -> None:  # type: ignore[no-untyped-def]
    nasty = queued.model_copy(update={"summary": queued.summary.model_copy(
        update={"headline": "Risk <script>alert(1)</script> & more"})})
    page = render_page(nasty, "html", settings).content
    assert "<script>alert" not in page
    assert "Risk &lt;script&gt;alert(1)&lt;/script&gt; &amp; more" in page
    assert 'href="https://doi.org/10.1234/example.5678"' in page


def test_json_page(queued: Draft, settings) -> None:  # type: ignore[no-untyped-def]
    data = json.loads(render_page(queued, "json", settings).content)
    assert data["headline"] == queued.summary.headline
    assert [s["name"] for s in data["sections"]] == [
        "what_was_found", "why_it_matters", "limitations"]
    assert data["study"]["doi_url"] == "https://doi.org/10.1234/example.5678"


def test_site_templates_override_the_shipped_ones(queued: Draft, tmp_path: Path,
                                                  settings) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "site").mkdir()
    (tmp_path / "site" / "page.md.j2").write_text("SITE {{ headline }}\n")
    custom = settings.model_copy(update={"export_templates_dir": str(tmp_path / "site")})
    assert render_page(queued, "md", custom).content == f"SITE {queued.summary.headline}\n"
    assert "<!DOCTYPE html>" in render_page(queued, "html", custom).content
    (tmp_path / "site" / "page.md.j2").write_text("{{ no_such_thing }}")
    with pytest.raises(ConfigError, match="unknown variable"):
        render_page(queued, "md", custom)
    with pytest.raises(ConfigError, match="is not a folder"):
        render_page(queued, "md", settings.model_copy(
            update={"export_templates_dir": str(tmp_path / "nope")}))


def test_export_publishes_only_approved(store: Store, queued: Draft, settings) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(WorkflowError, match="it is pending_review; only approved"):
        export_draft(store, queued.id or 0, ["md"], settings, "alice")
    preview = export_draft(store, queued.id or 0, ["md"], settings, preview=True)
    assert "Preview" in preview[0].content
    assert store.get(queued.id or 0).status is DraftStatus.pending_review
    draft_id = _approve(store, queued)
    with pytest.raises(UsageError, match="reviewer name"):
        export_draft(store, draft_id, ["md"], settings, "")
    pages = export_draft(store, draft_id, ["md", "html"], settings, "alice")
    assert [p.format for p in pages] == ["md", "html"]
    assert pages[0].filename.startswith(f"{draft_id}-") and pages[0].filename.endswith(".md")
    assert store.get(draft_id).status is DraftStatus.published
    first_date = pages[0].content.split("*Published ")[1][:10]
    again = export_draft(store, draft_id, ["md"], settings, "alice")
    assert f"*Published {first_date}*" in again[0].content
    assert [e.action for e in store.events(draft_id)][-2:] == ["publish", "export"]


def test_templates_ship_inside_the_package() -> None:
    import laydraft
    from laydraft.export import DEFAULT_TEMPLATES_DIR

    assert DEFAULT_TEMPLATES_DIR.parent == Path(laydraft.__file__).parent
    assert {p.name for p in DEFAULT_TEMPLATES_DIR.iterdir()} >= {"page.md.j2", "page.html.j2"}
    assert load_settings().disclaimer


def test_a_failed_write_leaves_the_draft_approved(store: Store, queued: Draft, settings) -> None:  # type: ignore[no-untyped-def]
    draft_id = _approve(store, queued)

    def disk_full(pages: list) -> None:  # type: ignore[type-arg]
        raise OSError(28, "No space left on device")

    with pytest.raises(OSError):
        export_draft(store, draft_id, ["md"], settings, "alice", deliver=disk_full)
    assert store.get(draft_id).status is DraftStatus.approved
    written: list[str] = []
    export_draft(store, draft_id, ["md"], settings, "alice",
                 deliver=lambda pages: written.extend(p.filename for p in pages))
    assert len(written) == 1 and store.get(draft_id).status is DraftStatus.published
