"""The contract between stages: every stage takes and returns these types, never loose dicts.

``LaySummary``'s field descriptions are written for the model: they become the JSON schema it
sees under structured outputs. Word limits live in config (``WordLimits``) and are enforced by
validation when a ``WordLimits`` is passed as validation context, so the same model serves the
strict schema the API sees and the stricter check laydraft applies to what comes back.
"""

from __future__ import annotations

import hashlib
import re
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator

SectionCategory = Literal["background", "objective", "methods", "results", "conclusions", "other"]
SUMMARY_SECTIONS: tuple[str, ...] = ("what_was_found", "why_it_matters", "limitations")
SUMMARY_FIELDS: tuple[str, ...] = ("headline", *SUMMARY_SECTIONS)
SECTION_TITLES: dict[str, str] = {
    "headline": "Headline",
    "what_was_found": "What was found",
    "why_it_matters": "Why it matters",
    "limitations": "Limitations",
}

_WORD = re.compile(r"\b[\w’'-]+\b")


def count_words(text: str) -> int:
    """Words as a reader counts them (hyphenated and apostrophe words count once)."""
    return len(_WORD.findall(text))


def utcnow() -> datetime:
    return datetime.now(UTC)


class AbstractSection(BaseModel):
    """A labelled part of a structured abstract (``BACKGROUND:``, ``Methods.``, ...)."""

    label: str
    category: SectionCategory = "other"
    text: str


class SourcePosition(BaseModel):
    """Where a record came from, for error messages and for resuming a batch."""

    file: str = "-"
    record: int = 1

    def __str__(self) -> str:
        return f"{self.file}, record {self.record}"


class Abstract(BaseModel):
    """A study abstract and the metadata a published page needs."""

    text: str = Field(min_length=1)
    title: str | None = None
    authors: list[str] = Field(
        default_factory=list,
        description="Author names as the source gives them ('Example A', 'Example, Ann', a "
        "group name), in order; the page's citation formats them.",
    )
    journal: str | None = None
    volume: str | None = None
    issue: str | None = None
    pages: str | None = Field(default=None, description="Page range or article number.")
    doi: str | None = None
    pmid: str | None = None
    published: str | None = Field(
        default=None, description="Publication date as given by the source (ISO when known)."
    )
    url: str | None = None
    sections: list[AbstractSection] = Field(default_factory=list)
    source: SourcePosition | None = None
    flags: list[str] = Field(
        default_factory=list,
        description="Notes from ingest a reviewer should see (e.g. text addressing the model).",
    )

    def stable_key(self) -> str:
        """A key that survives re-ingesting the same record: DOI, else PMID, else the text."""
        if self.doi:
            return "doi:" + self.doi.strip().lower()
        if self.pmid:
            return "pmid:" + self.pmid.strip()
        normalised = " ".join(self.text.split()).lower()
        return "text:" + hashlib.sha256(normalised.encode()).hexdigest()[:32]


class WordRange(BaseModel):
    min: int = Field(ge=0)
    max: int = Field(gt=0)


class WordLimits(BaseModel):
    """Word ranges per summary field; loaded from the ``[limits]`` table of the config."""

    headline: WordRange = WordRange(min=5, max=25)
    what_was_found: WordRange = WordRange(min=40, max=200)
    why_it_matters: WordRange = WordRange(min=30, max=160)
    limitations: WordRange = WordRange(min=20, max=140)

    def for_field(self, name: str) -> WordRange:
        rng: WordRange = getattr(self, name)
        return rng


class LaySummary(BaseModel):
    """A plain-language summary of one study, for patients and caregivers."""

    model_config = ConfigDict(extra="forbid", title="LaySummary")

    headline: str = Field(
        description=(
            "One plain sentence that states the main finding, hedged as the study design "
            "requires. No jargon, no abbreviations, no question marks."
        )
    )
    what_was_found: str = Field(
        description=(
            "Who was studied, how many people, what was measured, then the main results in "
            "plain words. Only numbers that appear in the abstract. Use 'linked to' rather than "
            "'causes' unless the study was a randomised trial."
        )
    )
    why_it_matters: str = Field(
        description=(
            "Why patients and caregivers might care, in plain words. Do not tell readers to "
            "start, stop or change any treatment; point them to their care team instead."
        )
    )
    limitations: str = Field(
        description=(
            "The study's main limits explained in plain words (for example what a "
            "retrospective or small study cannot show) and who the results may not apply to."
        )
    )

    @field_validator("headline", "what_was_found", "why_it_matters", "limitations")
    @classmethod
    def _within_word_limits(cls, value: str, info: ValidationInfo) -> str:
        value = value.strip()
        if not value:
            raise ValueError("must not be empty")
        limits = info.context.get("limits") if isinstance(info.context, dict) else None
        if isinstance(limits, WordLimits) and info.field_name:
            rng = limits.for_field(info.field_name)
            words = count_words(value)
            if words < rng.min:
                raise ValueError(f"has {words} words; write at least {rng.min}")
            if words > rng.max:
                raise ValueError(f"has {words} words; keep it to {rng.max} or fewer")
        return value

    @classmethod
    def validate_with_limits(cls, data: Any, limits: WordLimits | None) -> LaySummary:
        """Validate a dict (or JSON string) against the schema and the configured word limits."""
        context = {"limits": limits} if limits else None
        if isinstance(data, str | bytes):
            return cls.model_validate_json(data, context=context)
        return cls.model_validate(data, context=context)

    def sections(self) -> dict[str, str]:
        return {name: getattr(self, name) for name in SUMMARY_FIELDS}


class Severity(StrEnum):
    error = "error"
    warning = "warning"
    info = "info"


class Finding(BaseModel):
    """Something a reviewer should look at, located in one field of the summary."""

    check: str
    code: str = Field(
        default="",
        description="Stable kind of finding within its check, such as 'numbers.untraceable': "
        "what dismissals, statistics and the docs refer to; messages may change, codes do not.",
    )
    severity: Severity
    section: str | None = Field(
        default=None, description="Summary field the finding points into, or None for the whole."
    )
    start: int | None = None
    end: int | None = None
    message: str
    suggestion: str | None = None


class Usage(BaseModel):
    """Tokens billed for one or more API calls."""

    prompt_tokens: int = 0
    cached_tokens: int = 0
    completion_tokens: int = 0

    def __add__(self, other: Usage) -> Usage:
        return Usage(
            prompt_tokens=self.prompt_tokens + other.prompt_tokens,
            cached_tokens=self.cached_tokens + other.cached_tokens,
            completion_tokens=self.completion_tokens + other.completion_tokens,
        )


class Attempt(BaseModel):
    """One HTTP call made for a draft: what happened and what it cost. Never the key."""

    number: int
    outcome: str = Field(description="'ok', or the error/failure kind (rate_limited, ...).")
    http_status: int | None = None
    error_code: str | None = None
    request_id: str | None = None
    latency_ms: int = 0
    usage: Usage = Usage()
    cost_usd: float = 0.0
    detail: str | None = None


class Provenance(BaseModel):
    """Who or what wrote a version: drafter, model, prompt version, tokens, cost, time."""

    drafter: str
    model: str | None = None
    prompt_fingerprint: str
    usage: Usage = Usage()
    cost_usd: float | None = None
    cached: bool = False
    attempts: list[Attempt] = Field(default_factory=list)
    # The answer journal's keys of the model answers this version was built from; settled
    # (dropped from the journal) once the version is stored.
    answer_keys: list[str] = Field(default_factory=list)
    created_at: datetime = Field(default_factory=utcnow)
    # The prompt variant (``prompt_variants``) and the audience a first draft was written for,
    # so ``laydraft stats`` can compare them; None for versions made before they were recorded.
    variant: str | None = None
    audience: str | None = None

    @property
    def tokens_in(self) -> int:
        return self.usage.prompt_tokens

    @property
    def tokens_out(self) -> int:
        return self.usage.completion_tokens


class DraftStatus(StrEnum):
    pending_review = "pending_review"
    in_review = "in_review"
    changes_requested = "changes_requested"
    approved = "approved"
    rejected = "rejected"
    published = "published"
    withdrawn = "withdrawn"


class Draft(BaseModel):
    """A drafted lay summary of one abstract, as queued for review.

    ``id`` is None until the store assigns one. ``version`` is the number of the version whose
    summary this is; version 1 is always the drafter's original.
    """

    id: int | None = None
    abstract: Abstract
    summary: LaySummary
    provenance: Provenance
    findings: list[Finding] = Field(default_factory=list)
    checks_version: int | None = Field(
        default=None, description="The checks' version (``checks.CHECKS_VERSION``) that "
        "computed ``findings``; None for findings stored before versions were recorded.")
    status: DraftStatus = DraftStatus.pending_review
    version: int = 1
    reviewer: str | None = None
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)


class QueueItem(BaseModel):
    """One row of the review queue, as `laydraft queue list` shows it."""

    id: int
    title: str | None
    status: DraftStatus
    version: int
    reviewer: str | None
    drafter: str
    model: str | None
    errors: int = Field(0, description="Error findings not dismissed (what approval answers for).")
    warnings: int = Field(0, description="Warning findings not dismissed.")
    dismissed_errors: int = Field(0, description="Error findings dismissed or overridden.")
    dismissed_warnings: int = Field(0, description="Warning findings dismissed.")
    created_at: datetime
    updated_at: datetime


class VersionKind(StrEnum):
    """How a version came to be: the drafter's original, a person's edit, a re-draft, or an
    admin's correction of a published page (its note is the dated correction readers see)."""

    draft = "draft"
    edit = "edit"
    redraft = "redraft"
    correction = "correction"


class Version(BaseModel):
    """One saved version of a draft's summary, with the findings computed for it."""

    draft_id: int
    version: int
    kind: VersionKind = VersionKind.draft
    author: str
    based_on: int | None = None
    note: str | None = None
    summary: LaySummary
    findings: list[Finding] = Field(default_factory=list)
    checks_version: int | None = Field(
        default=None, description="The checks' version (``checks.CHECKS_VERSION``) that "
        "computed ``findings``; None for findings stored before versions were recorded.")
    provenance: Provenance
    created_at: datetime = Field(default_factory=utcnow)


class Comment(BaseModel):
    """A reviewer's note on a draft, optionally pinned to one section of the summary."""

    id: int | None = None
    draft_id: int
    version: int
    author: str
    section: str | None = None
    text: str = Field(min_length=1)
    created_at: datetime = Field(default_factory=utcnow)


class AuditEvent(BaseModel):
    """One recorded action: who did what to which draft, when, and what it changed."""

    id: int | None = None
    draft_id: int
    actor: str
    action: str
    from_status: DraftStatus | None = None
    to_status: DraftStatus | None = None
    from_version: int | None = None
    to_version: int | None = None
    note: str | None = None
    at: datetime = Field(default_factory=utcnow)


class DraftState(BaseModel):
    """A draft's workflow state without its text: status, claim and current version."""

    id: int
    status: DraftStatus
    current_version: int
    reviewer: str | None = None
    claimed_at: datetime | None = None
    claim_expires: datetime | None = None
    published_at: datetime | None = None
    created_by: str | None = None

    def claim_live(self, now: datetime) -> bool:
        """True while a reviewer holds an unexpired claim."""
        return (self.status is DraftStatus.in_review and self.claim_expires is not None
                and self.claim_expires > now)


def span_text(finding: Finding, summary: LaySummary) -> str:
    """The words a finding points at in ``summary`` ("" for a whole section or draft)."""
    if finding.section is None or finding.start is None or finding.end is None:
        return ""
    text = summary.sections().get(finding.section, "")
    if not 0 <= finding.start < finding.end <= len(text):
        return ""
    return text[finding.start:finding.end]


class Dismissal(BaseModel):
    """A reviewer's written reason why one finding needs no change, stored and audited.

    A dismissal is matched to findings by what they are, not by their place in a list: the
    finding's ``code`` (its check when it has none), its section and the words it points at
    (``span``). So it still holds after a re-check or an edit that leaves those words alone,
    and it lapses when they change. ``approval`` marks the reasons given while approving
    despite an error finding (what used to be called an override): those hold for the version
    approved only. Dismissals stored before codes existed (``code`` empty) match the old
    way: same check, place and message.

    A dismissal can be undone (``revoked_at``, ``revoked_by``, ``revoke_reason``): the row
    stays, so the history keeps who dismissed, who undid it, when and why; a revoked
    dismissal covers nothing.
    """

    id: int | None = None
    draft_id: int
    version: int = Field(description="The version the reviewer was looking at.")
    check: str
    code: str = ""
    section: str | None = None
    span: str = ""
    start: int | None = None
    end: int | None = None
    message: str
    reason: str = Field(min_length=1)
    actor: str
    approval: bool = False
    at: datetime = Field(default_factory=utcnow)
    revoked_at: datetime | None = None
    revoked_by: str | None = None
    revoke_reason: str | None = None

    @property
    def live(self) -> bool:
        """True until someone undoes the dismissal."""
        return self.revoked_at is None

    @classmethod
    def of(cls, finding: Finding, summary: LaySummary, **fields: Any) -> Dismissal:
        """A dismissal of ``finding`` (as it stands in ``summary``) with the given reason etc."""
        return cls(check=finding.check, code=finding.code, section=finding.section,
                   span=span_text(finding, summary), start=finding.start, end=finding.end,
                   message=finding.message, **fields)

    def covers(self, finding: Finding, span: str | None = None) -> bool:
        """True when this dismissal was written for ``finding``, whose words are ``span``.

        Without ``span`` (or for a dismissal stored before codes), the finding must be the
        same check at the same place with the same message.
        """
        if self.code and span is not None:
            return (self.code, self.section, self.span) == (finding.code, finding.section, span)
        return (self.check, self.section, self.start, self.end, self.message) == (
            finding.check, finding.section, finding.start, finding.end, finding.message)


# An override is the dismissal of an error finding given while approving (``approval=True``).
Override = Dismissal


def match_dismissals(findings: list[Finding], summary: LaySummary, dismissals: list[Dismissal],
                     version: int) -> list[tuple[Finding, Dismissal | None]]:
    """Each finding of ``version`` (whose text is ``summary``) with the dismissal covering it.

    The one rule for what counts as dismissed, shared by approval (``review.open_errors``) and
    the queue's counts (``Store.list``) so the two always agree. A dismissal covers a finding
    with the same code, section and words, whichever version it was written on (so it survives
    re-checks and edits elsewhere); a reason given while approving (``approval``) covers only
    the version approved; an undone (revoked) dismissal covers nothing.
    """
    usable = [d for d in dismissals if d.live and (not d.approval or d.version == version)]
    return [(f, next((d for d in reversed(usable) if d.covers(f, span_text(f, summary))), None))
            for f in findings]


class Role(StrEnum):
    """What a person may do in the review workflow; each role includes the ones before it.

    ``editor`` drafts, edits and comments; ``reviewer`` also claims, approves, rejects and
    requests changes; ``admin`` also manages users, publishes, corrects and withdraws.
    """

    editor = "editor"
    reviewer = "reviewer"
    admin = "admin"

    @property
    def rank(self) -> int:
        return list(Role).index(self)

    def includes(self, other: Role) -> bool:
        """True when this role may do everything ``other`` may."""
        return self.rank >= other.rank


class User(BaseModel):
    """A person who may sign in to the web app; the name is their reviewer name."""

    name: str
    role: Role = Role.editor
    created_at: datetime
    last_signin: datetime | None = None


# -- what reviewers had to do (``laydraft.effort``) ---------------------------------------------


class WordEdits(BaseModel):
    """Words of the drafter's text kept, deleted and inserted on the way to the final text.

    ``kept + deleted`` is the drafter's word count and ``kept + inserted`` the final one; a
    replaced word counts once as deleted and once as inserted.
    """

    drafted: int = 0
    final: int = 0
    kept: int = 0
    inserted: int = 0
    deleted: int = 0

    @property
    def distance(self) -> int:
        """The word-level edit distance (insertions plus deletions)."""
        return self.inserted + self.deleted

    @property
    def kept_share(self) -> float:
        """Share of the drafter's words still in the final text (1.0 when it had none)."""
        return self.kept / self.drafted if self.drafted else 1.0

    @property
    def deleted_share(self) -> float:
        return self.deleted / self.drafted if self.drafted else 0.0

    @property
    def inserted_share(self) -> float:
        """Share of the final text's words a reviewer wrote."""
        return self.inserted / self.final if self.final else 0.0

    @property
    def changed_share(self) -> float:
        """Edit distance over both texts' words: 0 untouched, 1 nothing kept."""
        total = self.drafted + self.final
        return self.distance / total if total else 0.0


class FindingOutcomes(BaseModel):
    """What became of the drafter's findings (of one check, or all) by the decision."""

    drafted: int = 0
    fixed: int = 0  # gone from the final text without a dismissal: the edit fixed them
    dismissed: int = 0  # a reviewer dismissed them with a reason
    overridden: int = 0  # error findings approved with a written reason
    open: int = 0  # still present and neither dismissed nor overridden


class Effort(BaseModel):
    """A reviewer's effort on one decided draft: edits, time, rounds, findings, outcome."""

    draft_id: int
    outcome: str  # approved or rejected
    reviewer: str | None = None
    decided_at: datetime
    queued_at: datetime
    claimed_at: datetime | None = None
    drafter: str
    model: str | None = None
    prompt_fingerprint: str
    variant: str | None = None
    audience: str | None = None
    final_version: int
    rounds: int = Field(ge=1, description="Decisions taken, request_changes included.")
    words: WordEdits
    sections: dict[str, WordEdits] = Field(default_factory=dict)
    findings: FindingOutcomes = FindingOutcomes()
    checks: dict[str, FindingOutcomes] = Field(default_factory=dict)
    computed_at: datetime = Field(default_factory=utcnow)

    @property
    def seconds_to_claim(self) -> float | None:
        """From queued to first claimed."""
        if self.claimed_at is None:
            return None
        return max(0.0, (self.claimed_at - self.queued_at).total_seconds())

    @property
    def seconds_to_decide(self) -> float | None:
        """From first claimed to the decision."""
        if self.claimed_at is None:
            return None
        return max(0.0, (self.decided_at - self.claimed_at).total_seconds())

    @property
    def seconds_total(self) -> float:
        return max(0.0, (self.decided_at - self.queued_at).total_seconds())
