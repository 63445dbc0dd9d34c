"""The library calls behind every interface: draft an abstract, check it, queue it.

The CLI, the web app and the batch runner all go through these functions, so they behave
the same whichever one a person uses.
"""

from __future__ import annotations

from .checks import run_checks
from .config import Settings
from .drafting import Drafter
from .models import Abstract, Draft, Finding, LaySummary
from .prompts import render_draft_prompt


def check_summary(settings: Settings, abstract: Abstract, summary: LaySummary) -> list[Finding]:
    """Findings for a summary under the configured targets."""
    return run_checks(abstract, summary, target_grade=settings.target_grade,
                      limits=settings.limits)


def draft_abstract(settings: Settings, abstract: Abstract, drafter: Drafter) -> Draft:
    """Render the prompt, draft, and run every check; the draft is not yet stored."""
    prompt = render_draft_prompt(settings, abstract)
    output = drafter.draft(abstract, prompt)
    return Draft(
        abstract=abstract,
        summary=output.summary,
        provenance=output.provenance,
        findings=check_summary(settings, abstract, output.summary),
    )
