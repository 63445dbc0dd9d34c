"""Dismissing a finding with a reason: stored, audited, matched by code, section and words,
and no longer counted against approval; overrides stored before are dismissals now.

Runs on SQLite here and on PostgreSQL in test_postgres.py (which overrides ``store_url``).
"""

# Fixtures imported from test_store.py are redefined as test arguments, as pytest intends.
# ruff: noqa: F811

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import sqlalchemy as sa

from laydraft import review
from laydraft.db import Store
from laydraft.db.engine import make_engine
from laydraft.db.migrations import MIGRATIONS, m090_dismissals, m100_dismissal_undo
from laydraft.db.types import JSONDocument, Timestamp
from laydraft.errors import ErrorCode, UsageError, WorkflowError
from laydraft.models import (
    Dismissal,
    Draft,
    DraftStatus,
    Finding,
    LaySummary,
    Role,
    Severity,
    span_text,
    utcnow,
)
from laydraft.permissions import Actor
from laydraft.users import create_user
from test_store import example_draft


def _at(summary: LaySummary, section: str, words: str, code: str,
        severity: Severity = Severity.error, message: str = "check this") -> Finding:
    """A finding of ``code`` on the first occurrence of ``words`` in ``section``."""
    text = summary.sections()[section]
    start = text.index(words)
    return Finding(check=code.split(".")[0], code=code, severity=severity, section=section,
                   start=start, end=start + len(words), message=message)


@pytest.fixture
def made(settings) -> Draft:  # type: ignore[no-untyped-def]
    return example_draft(settings)


def _words(summary: LaySummary, section: str, index: int) -> str:
    return summary.sections()[section].split()[index].strip(".,;:")


@pytest.fixture
def flagged(store: Store, made: Draft) -> Draft:
    """A queued draft with two error findings and one warning (codes as the checks give)."""
    s = made.summary
    findings = [_at(s, "what_was_found", _words(s, "what_was_found", 1), "numbers.untraceable"),
                _at(s, "limitations", _words(s, "limitations", 1), "claims.causal_observational"),
                _at(s, "why_it_matters", _words(s, "why_it_matters", 1), "jargon.unexplained",
                    Severity.warning)]
    return store.add(made.model_copy(update={"findings": findings}))


def _id(draft: Draft) -> int:
    assert draft.id is not None
    return draft.id


def test_a_dismissal_is_stored_audited_and_no_longer_counts_against_approval(
        store: Store, flagged: Draft) -> None:
    draft_id = _id(flagged)
    review.claim(store, draft_id, "alice")
    made = review.dismiss(store, draft_id, 2, "  the design is a randomised trial  ", "alice")
    second = flagged.findings[1]
    assert (made.code, made.section, made.version, made.reason, made.actor, made.approval) == (
        "claims.causal_observational", "limitations", 1, "the design is a randomised trial",
        "alice", False)
    assert made.span == span_text(second, flagged.summary) and made.span
    assert store.dismissals(draft_id) == [made]
    assert store.overrides(draft_id) == []
    event = store.events(draft_id)[-1]
    assert (event.action, event.actor, event.to_status) == ("dismiss", "alice",
                                                            DraftStatus.in_review)
    assert "[claims.causal_observational]" in (event.note or "")
    assert "the design is a randomised trial" in (event.note or "")
    review.release(store, draft_id, "alice")
    review.claim(store, draft_id, "bob")
    # only the finding not dismissed needs a reason, and it is number 1 now
    with pytest.raises(WorkflowError) as caught:
        review.transition(store, draft_id, "approve", "bob")
    assert caught.value.code is ErrorCode.UNRESOLVED_ERRORS
    assert [f["check"] for f in caught.value.context["findings"]] == ["numbers"]
    assert "1 error finding that need" in str(caught.value)
    with pytest.raises(UsageError, match="no error finding 2 to override"):
        review.transition(store, draft_id, "approve", "bob", overrides={1: "a", 2: "b"})
    review.transition(store, draft_id, "approve", "bob", overrides={1: "in table 2"})
    (override,) = store.overrides(draft_id)
    assert (override.code, override.approval, override.reason) == (
        "numbers.untraceable", True, "in table 2")
    assert len(store.dismissals(draft_id)) == 2
    history = review.history(store, draft_id)
    assert history.overrides == [override] and len(history.dismissals) == 2


def test_dismissing_every_error_lets_a_draft_be_approved_without_overrides(
        store: Store, flagged: Draft) -> None:
    draft_id = _id(flagged)
    review.claim(store, draft_id, "alice")
    review.dismiss(store, draft_id, 1, "in table 2 of the paper", "alice")
    review.dismiss(store, draft_id, "claims.causal_observational", "a trial", "alice")
    review.release(store, draft_id, "alice")
    review.claim(store, draft_id, "bob")
    assert review.open_errors(store.get(draft_id), store.dismissals(draft_id)) == []
    after = review.transition(store, draft_id, "approve", "bob")
    assert after.status is DraftStatus.approved
    assert store.overrides(draft_id) == []


def test_who_may_dismiss_and_what_is_refused(store: Store, flagged: Draft) -> None:
    draft_id = _id(flagged)
    with pytest.raises(WorkflowError) as caught:
        review.dismiss(store, draft_id, 1, "fine", "alice")
    assert caught.value.code is ErrorCode.NOT_CLAIMED
    review.claim(store, draft_id, "alice")
    with pytest.raises(WorkflowError, match="alice holds the claim"):
        review.dismiss(store, draft_id, 1, "fine", Actor("bob", Role.reviewer))
    with pytest.raises(WorkflowError) as caught:
        review.dismiss(store, draft_id, 1, "fine", Actor("alice", Role.editor))
    assert caught.value.code is ErrorCode.NOT_PERMITTED
    with pytest.raises(UsageError) as caught:
        review.dismiss(store, draft_id, 1, "   ", "alice")
    assert caught.value.code is ErrorCode.EMPTY_TEXT
    for missing in (0, 4, "no.such_code"):
        with pytest.raises(UsageError) as caught:
            review.dismiss(store, draft_id, missing, "fine", "alice")
        assert caught.value.code is ErrorCode.NO_SUCH_FINDING
        assert "it has 3" in str(caught.value)
    with pytest.raises(UsageError, match="changed: finding 1 is now numbers.untraceable"):
        review.dismiss(store, draft_id, 1, "fine", "alice", expected_code="jargon.unexplained")
    review.dismiss(store, draft_id, "3", "explained two lines down", "alice")
    with pytest.raises(UsageError) as caught:
        review.dismiss(store, draft_id, "jargon.unexplained", "again", "alice")
    assert caught.value.code is ErrorCode.ALREADY_DISMISSED
    assert "dismissed already by alice: explained two lines down" in str(caught.value)
    assert len(store.dismissals(draft_id)) == 1
    assert [e.action for e in store.events(draft_id)].count("dismiss") == 1


def test_a_code_shared_by_several_findings_must_be_named_by_number(
        store: Store, made: Draft) -> None:
    s = made.summary
    findings = [_at(s, "what_was_found", _words(s, "what_was_found", i), "numbers.untraceable")
                for i in (1, 3)]
    draft_id = _id(store.add(made.model_copy(update={"findings": findings})))
    review.claim(store, draft_id, "alice")
    with pytest.raises(UsageError, match=r"has 2 findings with code numbers.untraceable; "
                       r"name one by its number \(1, 2\)"):
        review.dismiss(store, draft_id, "numbers.untraceable", "fine", "alice")


def test_a_dismissal_matches_by_code_section_and_words_not_by_place(made: Draft) -> None:
    s = made.summary
    words = _words(s, "what_was_found", 1)
    finding = _at(s, "what_was_found", words, "numbers.untraceable")
    dismissal = Dismissal.of(finding, s, draft_id=1, version=1, reason="ok", actor="alice")
    other = _at(s, "limitations", _words(s, "limitations", 1), "claims.causal_observational")
    # the same words, later in an edited section and listed elsewhere: still dismissed
    edited = s.model_copy(update={"what_was_found": "A new first sentence. "
                                  + s.what_was_found})
    moved = _at(edited, "what_was_found", words, "numbers.untraceable",
                message="a reworded message")
    marks = review.dismissed([other, moved], edited, [dismissal], version=2)
    assert marks == [(other, None), (moved, dismissal)]
    # other words, another section or another code: not dismissed
    changed = _at(s, "what_was_found", _words(s, "what_was_found", 3), "numbers.untraceable")
    elsewhere = finding.model_copy(update={"section": "why_it_matters"})
    recoded = finding.model_copy(update={"code": "numbers.invented"})
    assert [d for _, d in review.dismissed([changed, elsewhere, recoded], s, [dismissal], 1)
            ] == [None, None, None]
    # a reason given while approving holds for the version approved only
    override = dismissal.model_copy(update={"approval": True})
    assert review.dismissed([finding], s, [override], 1)[0][1] == override
    assert review.dismissed([finding], s, [override], 2)[0][1] is None


def test_a_dismissal_without_a_code_matches_the_old_way(made: Draft) -> None:
    s = made.summary
    finding = _at(s, "what_was_found", _words(s, "what_was_found", 1), "")
    finding = finding.model_copy(update={"check": "numbers"})
    old = Dismissal(draft_id=1, version=1, check="numbers", section=finding.section,
                    start=finding.start, end=finding.end, message=finding.message,
                    reason="ok", actor="alice", approval=True)
    assert old.covers(finding, span_text(finding, s))
    assert not old.covers(finding.model_copy(update={"message": "other"}))
    assert review.overridden([finding], [old], 1) == [(finding, old)]


def test_overrides_from_before_dismissals_are_kept_and_read_as_dismissals(
        store_url: str, settings) -> None:  # type: ignore[no-untyped-def]
    """An upgraded queue keeps every override, as a dismissal given while approving."""
    old = Store.__new__(Store)
    old.url, old.engine = store_url, make_engine(store_url)
    old.migrate(MIGRATIONS[:MIGRATIONS.index(m090_dismissals)])
    made = example_draft(settings)
    words = _words(made.summary, "what_was_found", 1)
    finding = _at(made.summary, "what_was_found", words, "")
    finding = finding.model_copy(update={"check": "numbers", "message": "not in the abstract"})
    frozen = sa.MetaData()
    drafts = sa.Table("drafts", frozen, sa.Column("id", sa.Integer, primary_key=True),
                      sa.Column("record_key", sa.String), sa.Column("title", sa.Text),
                      sa.Column("status", sa.String), sa.Column("current_version", sa.Integer),
                      sa.Column("abstract_json", JSONDocument()),
                      sa.Column("created_at", Timestamp()), sa.Column("updated_at", Timestamp()))
    versions = sa.Table("versions", frozen, sa.Column("id", sa.Integer, primary_key=True),
                        sa.Column("draft_id", sa.Integer), sa.Column("version", sa.Integer),
                        sa.Column("author", sa.String), sa.Column("kind", sa.String),
                        sa.Column("summary_json", JSONDocument()),
                        sa.Column("findings_json", JSONDocument()),
                        sa.Column("provenance_json", JSONDocument()),
                        sa.Column("created_at", Timestamp()))
    overrides = sa.Table("overrides", frozen, sa.Column("id", sa.Integer, primary_key=True),
                         sa.Column("draft_id", sa.Integer), sa.Column("version", sa.Integer),
                         sa.Column("check", sa.String), sa.Column("section", sa.String),
                         sa.Column("start", sa.Integer), sa.Column("end", sa.Integer),
                         sa.Column("message", sa.Text), sa.Column("reason", sa.Text),
                         sa.Column("actor", sa.String), sa.Column("at", Timestamp()))
    now = utcnow()
    with old.engine.begin() as conn:
        conn.execute(drafts.insert().values(
            id=1, record_key="k", title="t", status="approved", current_version=1,
            abstract_json=made.abstract.model_dump(mode="json"), created_at=now,
            updated_at=now))
        conn.execute(versions.insert().values(
            draft_id=1, version=1, author="offline", kind="draft",
            summary_json=made.summary.model_dump(mode="json"),
            findings_json=[finding.model_dump(mode="json", exclude={"code"})],
            provenance_json=made.provenance.model_dump(mode="json"), created_at=now))
        conn.execute(overrides.insert().values(
            draft_id=1, version=1, check="numbers", section="what_was_found",
            start=finding.start, end=finding.end, message=finding.message,
            reason="in table 2", actor="bob", at=now))
    old.engine.dispose()
    with Store(store_url) as upgraded:
        assert "090_dismissals" in upgraded.applied_migrations()
        assert "overrides" not in sa.inspect(upgraded.engine).get_table_names()
        (kept,) = upgraded.dismissals(1)
        assert (kept.code, kept.check, kept.span, kept.reason, kept.actor, kept.approval) == (
            "", "numbers", words, "in table 2", "bob", True)
        assert upgraded.overrides(1) == [kept]
        draft = upgraded.get(1)
        assert draft.checks_version is None
        assert review.overridden(draft.findings, upgraded.overrides(1), 1)[0][1] == kept


# -- undoing a dismissal ---------------------------------------------------------------------

def test_undoing_a_dismissal_keeps_it_in_the_history_and_the_finding_counts_again(
        store: Store, flagged: Draft) -> None:
    draft_id = _id(flagged)
    review.claim(store, draft_id, "alice")
    made = review.dismiss(store, draft_id, 2, "the design is a randomised trial", "alice")
    assert made.id is not None and made.live
    assert [f.code for f in review.open_errors(store.get(draft_id), store.dismissals(draft_id))
            ] == ["numbers.untraceable"]
    undone = review.undismiss(store, draft_id, "2", "alice", "  it is a cohort study after all ")
    assert (undone.id, undone.reason, undone.revoked_by, undone.revoke_reason) == (
        made.id, "the design is a randomised trial", "alice", "it is a cohort study after all")
    assert undone.revoked_at is not None and not undone.live
    (kept,) = store.dismissals(draft_id)  # the row stays, marked undone
    assert kept == undone
    event = store.events(draft_id)[-1]
    assert (event.action, event.actor, event.to_status) == ("undismiss", "alice",
                                                            DraftStatus.in_review)
    assert "[claims.causal_observational]" in (event.note or "")
    assert "undone: it is a cohort study after all" in (event.note or "")
    assert [e.action for e in store.events(draft_id)].count("dismiss") == 1
    # both error findings need a reason again
    assert len(review.open_errors(store.get(draft_id), store.dismissals(draft_id))) == 2
    review.release(store, draft_id, "alice")
    review.claim(store, draft_id, "bob")
    with pytest.raises(WorkflowError) as caught:
        review.transition(store, draft_id, "approve", "bob")
    assert [f["check"] for f in caught.value.context["findings"]] == ["numbers", "claims"]
    # dismissing it again is a new act, next to the undone one
    again = review.dismiss(store, draft_id, 2, "checked the full paper: a trial", "bob")
    assert store.dismissals(draft_id) == [undone, again] and again.live
    history = review.history(store, draft_id)
    assert history.dismissals == [undone, again]
    review.transition(store, draft_id, "approve", "bob", overrides={1: "in table 2"})


def test_who_may_undo_a_dismissal_and_what_is_refused(store: Store, flagged: Draft) -> None:
    draft_id = _id(flagged)
    review.claim(store, draft_id, "alice")
    review.dismiss(store, draft_id, 3, "explained two lines down", "alice")
    with pytest.raises(UsageError) as caught:
        review.undismiss(store, draft_id, 1, "alice")
    assert caught.value.code is ErrorCode.NOT_DISMISSED
    assert str(caught.value) == f"finding 1 of draft {draft_id} is not dismissed; nothing to undo"
    with pytest.raises(UsageError) as caught:
        review.undismiss(store, draft_id, 9, "alice")
    assert caught.value.code is ErrorCode.NO_SUCH_FINDING
    with pytest.raises(UsageError, match="changed: finding 3 is now jargon.unexplained"):
        review.undismiss(store, draft_id, 3, "alice", expected_code="numbers.untraceable")
    with pytest.raises(WorkflowError, match="alice holds the claim"):
        review.undismiss(store, draft_id, 3, Actor("bob", Role.reviewer))
    with pytest.raises(WorkflowError) as caught:
        review.undismiss(store, draft_id, 3, Actor("alice", Role.editor))
    assert caught.value.code is ErrorCode.NOT_PERMITTED
    review.release(store, draft_id, "alice")
    with pytest.raises(WorkflowError) as caught:
        review.undismiss(store, draft_id, 3, "alice")
    assert caught.value.code is ErrorCode.NOT_CLAIMED
    assert all(d.live for d in store.dismissals(draft_id))  # nothing refused changed anything
    assert "undismiss" not in [e.action for e in store.events(draft_id)]
    review.claim(store, draft_id, "bob")  # another reviewer holding the claim may undo it
    review.undismiss(store, draft_id, "jargon.unexplained", Actor("bob", Role.reviewer))
    with pytest.raises(UsageError) as caught:  # undone already: nothing left to undo
        review.undismiss(store, draft_id, 3, "bob")
    assert caught.value.code is ErrorCode.NOT_DISMISSED
    assert [e.action for e in store.events(draft_id)].count("undismiss") == 1


def test_a_reason_given_while_approving_is_not_undone_as_a_dismissal(
        store: Store, flagged: Draft) -> None:
    """An override belongs to the approval it was given with; undismiss leaves it alone."""
    draft_id = _id(flagged)
    review.claim(store, draft_id, "alice")
    override = Dismissal.of(flagged.findings[0], flagged.summary, draft_id=draft_id, version=1,
                            reason="in table 2", actor="bob", approval=True)
    with store.transaction(write=True) as conn:
        store.add_dismissal(conn, override)
    with pytest.raises(UsageError) as caught:
        review.undismiss(store, draft_id, 1, "alice")
    assert caught.value.code is ErrorCode.NOT_DISMISSED
    (kept,) = store.dismissals(draft_id)
    assert kept.live and kept.approval


# -- the queue's counts ----------------------------------------------------------------------

def _row(store: Store, draft_id: int) -> tuple[int, int, int, int]:
    (item,) = [i for i in store.list() if i.id == draft_id]
    return item.errors, item.dismissed_errors, item.warnings, item.dismissed_warnings


def test_the_queue_counts_only_findings_not_dismissed_and_agrees_with_approval(
        store: Store, flagged: Draft, made: Draft) -> None:
    draft_id = _id(flagged)
    other = _id(store.add(flagged.model_copy(update={"id": None})))  # same findings, no dismissals
    assert _row(store, draft_id) == (2, 0, 1, 0)

    def agree() -> None:
        draft = store.get(draft_id)
        assert _row(store, draft_id)[0] == len(review.open_errors(draft, store.dismissals(draft_id)))

    agree()
    review.claim(store, draft_id, "alice")
    review.dismiss(store, draft_id, 1, "in table 2", "alice")
    review.dismiss(store, draft_id, 3, "explained two lines down", "alice")
    assert _row(store, draft_id) == (1, 1, 0, 1)
    agree()
    assert _row(store, other) == (2, 0, 1, 0)  # another draft's dismissals count for nothing
    filtered = store.list(status="in_review", limit=1)
    assert [(i.id, i.errors, i.dismissed_errors) for i in filtered] == [(draft_id, 1, 1)]
    review.undismiss(store, draft_id, 1, "alice")
    assert _row(store, draft_id) == (2, 0, 0, 1)
    agree()
    review.release(store, draft_id, "alice")
    review.claim(store, draft_id, "bob")
    review.transition(store, draft_id, "approve", "bob", overrides={1: "in table 2", 2: "trial"})
    assert _row(store, draft_id) == (0, 2, 0, 1)  # overridden errors count as answered
    agree()
    # a dismissal lapses when its words change: the edited version counts the finding again
    s = made.summary
    words = _words(s, "limitations", 1)
    moved = _at(s, "limitations", words, "claims.causal_observational")
    third = _id(store.add(made.model_copy(update={"findings": [moved]})))
    review.claim(store, third, "alice")
    review.dismiss(store, third, 1, "a trial", "alice")
    assert _row(store, third) == (0, 1, 0, 0)
    with store.transaction(write=True) as conn:
        store.replace_findings(conn, third, 1, [moved.model_copy(update={"start": 0, "end": 1})],
                               0)
    assert _row(store, third) == (1, 0, 0, 0)


def test_a_queue_from_before_undo_upgrades_and_its_dismissals_still_hold(
        store_url: str, settings) -> None:  # type: ignore[no-untyped-def]
    old = Store.__new__(Store)
    old.url, old.engine = store_url, make_engine(store_url)
    # Every step but the one under test: today's Store.add writes the drafts table as it is
    # now, and the steps after 100 touch other tables or columns than the dismissals'.
    old.migrate([step for step in MIGRATIONS if step is not m100_dismissal_undo])
    made = example_draft(settings)
    finding = _at(made.summary, "limitations", _words(made.summary, "limitations", 1),
                  "claims.causal_observational")
    draft_id = _id(old.add(made.model_copy(update={"findings": [finding]})))
    with old.engine.begin() as conn:
        conn.execute(sa.text(
            'INSERT INTO dismissals (draft_id, version, "check", code, section, span, start, '
            '"end", message, reason, actor, approval, at) VALUES (:d, 1, \'claims\', :code, '
            ':section, :span, :start, :end, :message, \'a trial\', \'alice\', :approval, :at)'
        ).bindparams(sa.bindparam("approval", type_=sa.Boolean()),
                     sa.bindparam("at", type_=Timestamp())),
            {"d": draft_id, "code": finding.code, "section": finding.section,
             "span": span_text(finding, made.summary), "start": finding.start,
             "end": finding.end, "message": finding.message, "approval": False,
             "at": utcnow()})
    old.engine.dispose()
    with Store(store_url) as upgraded:
        assert "100_dismissal_undo" in upgraded.applied_migrations()
        (kept,) = upgraded.dismissals(draft_id)
        assert kept.live and (kept.reason, kept.revoked_by, kept.revoke_reason) == (
            "a trial", None, None)
        assert _row(upgraded, draft_id) == (0, 1, 0, 0)
        review.claim(upgraded, draft_id, "alice")
        undone = review.undismiss(upgraded, draft_id, 1, "alice", "not a trial")
        assert upgraded.dismissals(draft_id) == [undone]
        assert undone.revoked_at is not None and undone.revoked_at.tzinfo is not None
        assert _row(upgraded, draft_id) == (1, 0, 0, 0)


# -- the command line ------------------------------------------------------------------------

def test_dismissing_from_the_command_line(tmp_path: Path) -> None:
    from test_cli_workflow_e2e import add_error, ok, refused

    env = {"LAYDRAFT_DATABASE": f"sqlite:///{tmp_path / 'cli.db'}", "LAYDRAFT_REVIEWER": "alice",
           "LAYDRAFT_DRAFTER": "offline", "NO_COLOR": "1"}
    ok(env, "draft", "--example")
    ok(env, "review", "next")
    add_error(env, tmp_path)
    found = re.search(r"#(\d+) ✗ error \[numbers\][^\n]*9,999", ok(env, "review", "show", "1"))
    assert found, "review show numbers the findings"
    number = found.group(1)
    reason = "The full paper reports 9,999 in table 2"
    done = ok(env, "review", "dismiss", "1", f"#{number}", "-m", reason)
    assert done.startswith("Dismissed on draft 1: [numbers") and reason in done
    shown = ok(env, "review", "show", "1")
    assert re.search(rf"#{number} – error \[numbers\][^\n]*9,999[^\n]* — dismissed by alice "
                     rf"\(\d{{4}}-\d\d-\d\d\): {reason}", shown), shown
    assert "dismissed by alice" in ok(env, "queue", "show", "1")
    again = refused(env, "review", "dismiss", "1", number, "-m", "twice")
    assert f"dismissed already by alice: {reason}" in again
    missing = refused(env, "review", "dismiss", "1", "99", "-m", "x")
    assert "has no finding 99" in missing and "`laydraft review show 1`" in missing
    data = json.loads(ok(env, "review", "show", "1", "--json"))
    assert data["dismissals"][0]["reason"] == reason
    assert data["dismissed"][int(number) - 1]["reason"] == reason
    ok(env, "review", "release", "1")
    bob = {**env, "LAYDRAFT_REVIEWER": "bob"}
    ok(bob, "review", "claim", "1")
    approved = ok(bob, "review", "approve", "1")  # the dismissed error needs no override
    assert "Draft 1 approved by bob (version 2)" in approved
    history = ok(env, "review", "history", "1")
    assert "Dismissed findings:" in history and "alice dismissed [numbers" in history
    assert "Overrides" not in history


def test_an_editor_on_a_shared_queue_may_not_dismiss(tmp_path: Path) -> None:
    from test_cli_workflow_e2e import ok, refused

    url = f"sqlite:///{tmp_path / 'shared.db'}"
    env = {"LAYDRAFT_DATABASE": url, "LAYDRAFT_SHARED_QUEUE": "true", "LAYDRAFT_DRAFTER": "offline",
           "LAYDRAFT_REVIEWER": "ed", "NO_COLOR": "1"}
    with Store(url) as store:
        create_user(store, "ed", "correct horse battery")  # an editor
    ok(env, "draft", "--example")
    line = refused(env, "review", "dismiss", "1", "1", "-m", "fine")
    assert "ed (editor) may not dismiss draft 1: that needs the reviewer role" in line


def test_undoing_a_dismissal_from_the_command_line_and_the_queue_counts(tmp_path: Path) -> None:
    from test_cli_workflow_e2e import add_error, ok, refused

    env = {"LAYDRAFT_DATABASE": f"sqlite:///{tmp_path / 'cli.db'}", "LAYDRAFT_REVIEWER": "alice",
           "LAYDRAFT_DRAFTER": "offline", "NO_COLOR": "1"}
    ok(env, "draft", "--example")
    ok(env, "review", "next")
    add_error(env, tmp_path)
    number = re.search(r"#(\d+) ✗ error \[numbers\]", ok(env, "review", "show", "1")).group(1)  # type: ignore[union-attr]
    before = json.loads(ok(env, "queue", "list", "--json"))[0]
    assert before["errors"] >= 1 and before["dismissed_errors"] == 0
    assert "dismissed" not in ok(env, "queue", "list")
    ok(env, "review", "dismiss", "1", number, "-m", "in table 2 of the paper")
    after = json.loads(ok(env, "queue", "list", "--json"))[0]
    assert (after["errors"], after["dismissed_errors"]) == (before["errors"] - 1, 1)
    table = ok(env, "queue", "list")
    assert re.search(rf"\s{after['errors']}✗ {after['warnings']}! \(1 dismissed\) ", table), table
    done = ok(env, "review", "undismiss", "1", f"#{number}", "-m", "table 2 says otherwise")
    assert done.startswith("Dismissal undone on draft 1: [numbers")
    assert done.rstrip().endswith("— undone: table 2 says otherwise")
    assert json.loads(ok(env, "queue", "list", "--json"))[0]["errors"] == before["errors"]
    assert "dismissed by alice" not in ok(env, "review", "show", "1")
    again = refused(env, "review", "undismiss", "1", number)
    assert again == (f"laydraft: error: finding {number} of draft 1 is not dismissed; nothing "
                     "to undo (dismissed findings are marked in `laydraft review show 1`)")
    history = ok(env, "review", "history", "1")
    assert re.search(r"alice dismissed \[numbers[^\n]* \| undone \d{4}-\d\d-\d\d \d\d:\d\d by "
                     r"alice: table 2 says otherwise", history), history
    assert " alice undismiss " in history
    data = json.loads(ok(env, "review", "history", "1", "--json"))
    (row,) = data["dismissals"]
    assert (row["revoked_by"], row["revoke_reason"]) == ("alice", "table 2 says otherwise")
