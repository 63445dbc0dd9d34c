"""The review page links to the study only through ``safe_url`` (issue 12)."""

from __future__ import annotations

import pytest
from starlette.testclient import TestClient

from laydraft.checks import run_checks
from laydraft.config import Settings
from laydraft.db import Store
from laydraft.drafting.offline import OfflineDrafter
from laydraft.ingest import parse_text
from laydraft.models import Draft, Provenance

from .conftest import example_text


@pytest.mark.parametrize(("url", "shown"), [
    ("https://example.org/study/1", True),
    ("javascript:alert(1)", False),
    ("data:text/html,<script>alert(1)</script>", False),
])
def test_the_study_link_is_shown_only_when_http(client: TestClient, signed_in: str,
                                                store: Store, settings: Settings, url: str,
                                                shown: bool) -> None:
    # Stored as given, as a draft saved before ingest dropped such links would be.
    abstract = parse_text(example_text()).model_copy(update={"url": url})
    summary = OfflineDrafter(settings).summarise(abstract)
    draft = store.add(Draft(abstract=abstract, summary=summary,
                            findings=run_checks(abstract, summary),
                            provenance=Provenance(drafter="offline", prompt_fingerprint="p-t")))
    page = client.get(f"/drafts/{draft.id}").text
    assert (f'<a href="{url}" rel="noopener noreferrer nofollow">' in page) is shown
    assert 'href="javascript:' not in page and 'href="data:' not in page
    if not shown:
        assert "error</span>" in page and "not an http(s) address" in page
