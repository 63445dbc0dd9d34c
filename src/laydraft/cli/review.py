"""`laydraft review`: claim, edit, comment on and decide about drafts.

Each command is a thin layer over ``laydraft.review``; the web app calls the same functions.
"""

from __future__ import annotations

import os
import re
import shutil
import textwrap
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from .. import editing
from .. import review as workflow
from ..config import API_KEY_ENV, Settings, user_data_dir
from ..db import Store
from ..errors import ErrorCode, LaydraftError, StaleVersionError, UsageError
from ..models import (
    Comment,
    Dismissal,
    Draft,
    DraftState,
    LaySummary,
    Override,
    Version,
    utcnow,
)
from ..permissions import Action, Actor
from .app import Context, cli, echo_json, pass_context
from .identity import acting_as
from .messages import cli_message
from .render import draft_text


def reviewer_option(func: Callable[..., Any]) -> Callable[..., Any]:
    return click.option("--as", "as_name", metavar="NAME", default=None,
                        help="Your reviewer name (else LAYDRAFT_REVIEWER or `reviewer` in config).")(func)


def json_option(func: Callable[..., Any]) -> Callable[..., Any]:
    return click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")(func)


def _open(obj: Context, as_name: str | None) -> tuple[Settings, Store]:
    settings = obj.settings(reviewer=as_name)
    return settings, obj.store(settings)


def _acting(obj: Context, as_name: str | None,
            action: Action | None = None) -> tuple[Settings, Store, Actor]:
    """Settings, store and the person acting (a known user with a role on a shared queue)."""
    settings, store = _open(obj, as_name)
    return settings, store, acting_as(settings, store, action)


@cli.group()
def review() -> None:
    """Review drafts: claim, edit, comment, approve or reject.

    Your reviewer name comes from --as NAME, LAYDRAFT_REVIEWER, or `reviewer` in config.

    \b
    Examples:
      laydraft review next --as alice
      laydraft review edit 3
      laydraft review approve 3 -m "clear and accurate"
    """


# -- terminal views -----------------------------------------------------------------------------

def _columns(left: str, right: str, width: int) -> str:
    """Two texts side by side, each wrapped to half the width."""
    half = (width - 3) // 2
    def wrap(text: str) -> list[str]:
        return [row for line in text.splitlines() for row in (textwrap.wrap(line, half) or [""])]

    a, b = wrap(left), wrap(right)
    a += [""] * (len(b) - len(a))
    b += [""] * (len(a) - len(b))
    return "\n".join(f"{x:<{half}} │ {y}".rstrip() for x, y in zip(a, b, strict=True))


def _comment_line(c: Comment) -> str:
    where = f" [{c.section}]" if c.section else ""
    return f"  {c.created_at:%Y-%m-%d %H:%M} {c.author} on v{c.version}{where}: {c.text}"


def _state_line(state: DraftState) -> str:
    line = f"draft #{state.id} · {state.status.value} · version {state.current_version}"
    if state.reviewer:
        line += f" · reviewer {state.reviewer}"
    if state.claim_expires and state.status.value == "in_review":
        line += f" · claim until {state.claim_expires:%Y-%m-%d %H:%M} UTC"
    return line


def override_lines(draft: Draft, overrides: list[Override]) -> list[str]:
    """The error findings of this version a reviewer approved anyway, with their reasons."""
    marked = [(f, o) for f, o in workflow.overridden(draft.findings, overrides, draft.version)
              if o is not None]
    if not marked:
        return []
    return ["Overridden error findings (still shown above):",
            *(f"  ✓ overridden [{f.check}] {f.message} — reason: {o.reason} "
              f"({o.actor}, {o.at:%Y-%m-%d})" for f, o in marked)]


def dismissal_marks(draft: Draft, dismissals: list[Dismissal]) -> list[Dismissal | None]:
    """For each finding of the draft, the dismissal shown beside it (overrides are listed
    apart, under the findings)."""
    return [d if d is not None and not d.approval else None
            for _, d in workflow.dismissed(draft.findings, draft.summary, dismissals,
                                           draft.version)]


def show_text(draft: Draft, state: DraftState, comments: list[Comment],
              overrides: list[Override] | None = None,
              dismissals: list[Dismissal] | None = None) -> str:
    """The draft with its numbered findings (dismissed ones marked, with their reasons) beside
    the source abstract (stacked on narrow terminals)."""
    source = "SOURCE ABSTRACT\n\n" + (f"{draft.abstract.title}\n\n" if draft.abstract.title
                                      else "") + draft.abstract.text
    summary = "DRAFT\n\n" + draft_text(draft, dismissal_marks(draft, dismissals or []))
    width = shutil.get_terminal_size((100, 24)).columns
    body = _columns(summary, source, width) if width >= 140 else f"{summary}\n\n{source}"
    checked = (f"findings by checks version {draft.checks_version}"
               if draft.checks_version is not None else
               "findings by checks from before versions were recorded (`laydraft check "
               "--queue` re-checks the queue)")
    lines = [body, "", _state_line(state), checked, *override_lines(draft, overrides or [])]
    if draft.abstract.flags:
        lines += ["Ingest notes:", *(f"  ! {flag}" for flag in draft.abstract.flags)]
    if comments:
        lines += ["Comments:", *(_comment_line(c) for c in comments)]
    return "\n".join(lines)


def _show(store: Store, draft_id: int, as_json: bool) -> None:
    draft = store.get(draft_id)
    with store.transaction() as conn:
        state = store.state(conn, draft_id)
    comments = store.comments(draft_id)
    dismissals = store.dismissals(draft_id)
    overrides = [d for d in dismissals if d.approval]
    if as_json:
        marks = workflow.dismissed(draft.findings, draft.summary, dismissals, draft.version)
        echo_json({"draft": draft.model_dump(mode="json"), "state": state.model_dump(mode="json"),
                   "comments": [c.model_dump(mode="json") for c in comments],
                   "overrides": [o.model_dump(mode="json") for o in overrides],
                   "dismissals": [d.model_dump(mode="json") for d in dismissals],
                   "dismissed": [None if d is None else d.model_dump(mode="json")
                                 for _, d in marks]})
    else:
        click.echo(show_text(draft, state, comments, overrides, dismissals))


# -- commands -----------------------------------------------------------------------------------

@review.command("next")
@reviewer_option
@json_option
@pass_context
def review_next(obj: Context, as_name: str | None, as_json: bool) -> None:
    """Claim the oldest draft waiting for review and show it.

    \b
    Example:
      laydraft review next --as alice
    """
    settings, store, actor = _acting(obj, as_name, Action.claim)
    state = workflow.next_draft(store, actor, minutes=settings.claim_minutes)
    if state is None:
        if as_json:
            echo_json(None)
        else:
            click.echo("Nothing is waiting for review.")
        return
    _show(store, state.id, as_json)


@review.command("claim")
@click.argument("draft_id", type=int)
@reviewer_option
@json_option
@pass_context
def review_claim(obj: Context, draft_id: int, as_name: str | None, as_json: bool) -> None:
    """Claim a draft so others know you are reviewing it (renews your own claim).

    \b
    Example:
      laydraft review claim 3 --as alice
    """
    settings, store, actor = _acting(obj, as_name, Action.claim)
    workflow.expire_claims(store)
    state = workflow.claim(store, draft_id, actor, minutes=settings.claim_minutes)
    _echo_state(state, as_json, f"Claimed draft {draft_id} until "
                f"{state.claim_expires:%Y-%m-%d %H:%M} UTC.")


@review.command("release")
@click.argument("draft_id", type=int)
@reviewer_option
@json_option
@pass_context
def review_release(obj: Context, draft_id: int, as_name: str | None, as_json: bool) -> None:
    """Give your claim back; the draft returns to the queue.

    \b
    Example:
      laydraft review release 3
    """
    settings, store, actor = _acting(obj, as_name, Action.release)
    state = workflow.release(store, draft_id, actor)
    _echo_state(state, as_json, f"Released draft {draft_id}; it is waiting for review again.")


@review.command("reopen")
@click.argument("draft_id", type=int)
@click.option("-m", "--note", default=None, help="Why it is reopened (kept in the history).")
@reviewer_option
@json_option
@pass_context
def review_reopen(obj: Context, draft_id: int, note: str | None, as_name: str | None,
                  as_json: bool) -> None:
    """Send a rejected draft back to the review queue.

    \b
    Example:
      laydraft review reopen 3 -m "the new trial data answers the reviewer's concern"
    """
    settings, store, actor = _acting(obj, as_name, Action.reopen)
    state = workflow.reopen(store, draft_id, actor, note)
    _echo_state(state, as_json, f"Reopened draft {draft_id}; it is waiting for review again.")


def _echo_state(state: DraftState, as_json: bool, message: str) -> None:
    if as_json:
        echo_json(state.model_dump(mode="json"))
    else:
        click.echo(message)


@review.command("show")
@click.argument("draft_id", type=int)
@click.option("--markdown", is_flag=True,
              help="Print the editable Markdown instead (for `review edit --from-file`).")
@json_option
@pass_context
def review_show(obj: Context, draft_id: int, markdown: bool, as_json: bool) -> None:
    """Show a draft beside its source abstract, with findings and comments.

    \b
    Examples:
      laydraft review show 3
      laydraft review show 3 --markdown > draft3.md
    """
    store = obj.store()
    if markdown:
        click.echo(editing.to_markdown(store.get(draft_id)), nl=False)
        return
    _show(store, draft_id, as_json)


def _recovery_file(draft_id: int, base: int, author: str, text: str) -> Path:
    folder = user_data_dir() / "recovery"
    folder.mkdir(parents=True, exist_ok=True)
    who = re.sub(r"[^A-Za-z0-9_-]+", "_", author) or "anonymous"
    path = folder / f"draft-{draft_id}-based-on-v{base}-{who}-{utcnow():%Y%m%dT%H%M%S%f}.md"
    path.write_text(text, encoding="utf-8")
    return path


def _edit_in_editor(draft: Draft, editor: str | None) -> tuple[str, LaySummary]:
    """Open the editor until the file parses; a broken file is reopened with the user's text."""
    text = editing.to_markdown(draft)
    while True:
        edited = click.edit(text, editor=editor, extension=".md", require_save=True)
        if edited is None:
            raise UsageError(f"no changes to draft {draft.id}; nothing saved",
                             code=ErrorCode.NO_CHANGES, draft_id=draft.id)
        if editing.is_blank(edited):
            raise UsageError(f"the file was emptied, so draft {draft.id} was left as it was")
        try:
            return edited, editing.from_markdown(edited)
        except UsageError as exc:
            click.echo(f"laydraft: cannot save yet: {cli_message(exc)}", err=True)
            text = editing.with_error(edited, cli_message(exc))
            try:
                again = click.confirm("Open the editor again with your text?", default=True,
                                      err=True)
            except click.Abort:
                again = False
            if not again:
                path = _recovery_file(draft.id or 0, draft.version, "unsaved", edited)
                exc.context["kept_in"] = str(path)
                raise UsageError(f"{exc}; nothing saved", code=exc.code,
                                 **exc.context) from exc


@review.command("edit")
@click.argument("draft_id", type=int)
@click.option("--from-file", "from_file", type=click.Path(dir_okay=False, allow_dash=True),
              default=None, help="Read the edited Markdown from a file ('-' for stdin) "
              "instead of opening $EDITOR.")
@click.option("--base", type=int, default=None,
              help="The version your text is based on (default: the file's header, else current).")
@click.option("-m", "--note", default=None, help="A note saved with the version.")
@click.option("--editor", default=None, help="Editor command (default: $VISUAL or $EDITOR).")
@reviewer_option
@json_option
@pass_context
def review_edit(obj: Context, draft_id: int, from_file: str | None, base: int | None,
                note: str | None, editor: str | None, as_name: str | None,
                as_json: bool) -> None:
    """Edit a claimed draft in your editor and save it as a new version.

    The file has one heading per section. A file that cannot be read back is reported and the
    editor reopens with your text; a save that lost a race is kept in a recovery file.

    \b
    Examples:
      laydraft review edit 3
      laydraft review show 3 --markdown > d.md; vi d.md; laydraft review edit 3 --from-file d.md
    """
    settings, store, actor = _acting(obj, as_name, Action.edit)
    _edit_and_save(store, settings, actor, draft_id, from_file, base, editor, as_json,
                   lambda summary, base: workflow.save_edit(store, draft_id, summary, base,
                                                            actor, settings, note),
                   Action.edit)


def _edit_and_save(store: Store, settings: Settings, actor: Actor, draft_id: int,
                   from_file: str | None, base: int | None, editor: str | None, as_json: bool,
                   save: Callable[[LaySummary, int], Version], action: Action) -> None:
    """Edit in $EDITOR or read a file, then ``save``; unsaved text goes to a recovery file."""
    draft = store.get(draft_id)
    workflow.check_editable(store, draft_id, actor, action)
    if from_file is not None:
        with click.open_file(from_file, encoding="utf-8") as fh:
            text = fh.read()
        summary = editing.from_markdown(text)
        base = base or editing.base_version(text) or draft.version
    else:
        text, summary = _edit_in_editor(draft, editor)
        base = base or draft.version
    try:
        version = save(summary, base)
    except LaydraftError as exc:
        stale = isinstance(exc, StaleVersionError)
        if exc.code is ErrorCode.NO_CHANGES or (from_file is not None and not stale):
            raise
        exc.context["kept_in"] = str(_recovery_file(draft_id, base, actor.name, text))
        raise
    _echo_version(version, as_json)


def _echo_version(version: Version, as_json: bool) -> None:
    if as_json:
        echo_json(version.model_dump(mode="json"))
        return
    counts = {s: sum(f.severity.value == s for f in version.findings) for s in ("error", "warning")}
    click.echo(f"Saved draft {version.draft_id} version {version.version} "
               f"(based on {version.based_on}; {counts['error']} errors, "
               f"{counts['warning']} warnings in the checks).")


def _decision(action: str, done: str) -> Callable[..., None]:
    @click.argument("draft_id", type=int)
    @click.option("-m", "--note", default=None, help="Why; kept as a comment and in the log.")
    @reviewer_option
    @json_option
    @pass_context
    def command(obj: Context, draft_id: int, note: str | None, as_name: str | None,
                as_json: bool) -> None:
        settings, store, actor = _acting(obj, as_name, Action(action))
        state = workflow.transition(store, draft_id, action, actor, note,
                                    four_eyes=settings.four_eyes)
        _echo_state(state, as_json, f"Draft {draft_id} {done} by {settings.reviewer} "
                    f"(version {state.current_version}).")

    return command


def parse_overrides(given: tuple[str, ...]) -> dict[int, str]:
    """``N=REASON`` names error finding N; a bare ``REASON`` takes the next unnamed number."""
    reasons: dict[int, str] = {}
    bare: list[str] = []
    for item in given:
        match = re.match(r"^\s*(\d+)\s*=(.*)$", item, re.S)
        if match:
            reasons[int(match.group(1))] = match.group(2)
        else:
            bare.append(item)
    number = 1
    for reason in bare:
        while number in reasons:
            number += 1
        reasons[number] = reason
    return reasons


@review.command("approve")
@click.argument("draft_id", type=int)
@click.option("-m", "--note", default=None, help="Why; kept as a comment and in the log.")
@click.option("--override", "overrides", multiple=True, metavar="[N=]REASON",
              help="Approve despite error finding N, for this written reason; one per error "
              "finding (a bare REASON takes the next finding). Kept in the history.")
@reviewer_option
@json_option
@pass_context
def review_approve(obj: Context, draft_id: int, note: str | None, overrides: tuple[str, ...],
                   as_name: str | None, as_json: bool) -> None:
    """Approve a claimed draft for publication (then `laydraft export`).

    Error findings block approval until each has a written reason (--override); the refusal
    lists them by number. Warnings are summarised after approving. Whoever created the draft
    or saved its current version cannot approve it (four_eyes).

    \b
    Examples:
      laydraft review approve 3 -m "clear and accurate"
      laydraft review approve 3 --override 1="42% is in table 2 of the paper"
    """
    settings, store, actor = _acting(obj, as_name, Action.approve)
    state = workflow.transition(store, draft_id, "approve", actor, note,
                                four_eyes=settings.four_eyes,
                                overrides=parse_overrides(overrides))
    approved = store.get(draft_id)
    open_findings = [f for f, d in workflow.dismissed(approved.findings, approved.summary,
                                                       store.dismissals(draft_id),
                                                       approved.version) if d is None]
    warnings = workflow.warning_findings(open_findings)
    if as_json:
        echo_json({**state.model_dump(mode="json"),
                   "warnings": [w.model_dump(mode="json") for w in warnings],
                   "overrides": [o.model_dump(mode="json") for o in store.overrides(draft_id)
                                 if o.version == state.current_version]})
        return
    click.echo(f"Draft {draft_id} approved by {actor.name} (version {state.current_version}).")
    if warnings:
        click.echo(f"approved with {len(warnings)} warning{'s' if len(warnings) != 1 else ''}: "
                   + "; ".join(f"[{w.check}] {w.message}" for w in warnings))
    if overrides:
        click.echo(f"overrode {len(parse_overrides(overrides))} error "
                   "finding(s); the reasons are in `laydraft review history "
                   f"{draft_id}`")


_DECISION_HELP = {
    "reject": ("rejected", "Reject a claimed draft; it will not be published."),
    "request_changes": ("sent back for changes",
                        "Send a claimed draft back for changes (an edit or re-draft "
                        "returns it to the queue)."),
}
for _action, (_done, _help) in _DECISION_HELP.items():
    _name = _action.replace("_", "-")
    review.command(_name, help=f"{_help}\n\n\b\nExample:\n  laydraft review {_name} 3 "
                   f"-m \"{'clear and accurate' if _action == 'approve' else 'see comments'}\"")(
        _decision(_action, _done))


@review.command("comment")
@click.argument("draft_id", type=int)
@click.option("-m", "--message", "text", required=True, help="The comment.")
@click.option("--section", default=None,
              help="Pin it to a section: headline, what_was_found, why_it_matters, limitations.")
@reviewer_option
@json_option
@pass_context
def review_comment(obj: Context, draft_id: int, text: str, section: str | None,
                   as_name: str | None, as_json: bool) -> None:
    """Comment on a draft, optionally on one section.

    \b
    Example:
      laydraft review comment 3 -m "explain relapse" --section what_was_found
    """
    settings, store, actor = _acting(obj, as_name, Action.comment)
    made = workflow.comment(store, draft_id, actor, text, section)
    if as_json:
        echo_json(made.model_dump(mode="json"))
    else:
        click.echo(f"Comment {made.id} added to draft {draft_id} (version {made.version}).")


@review.command("dismiss")
@click.argument("draft_id", type=int)
@click.argument("finding", metavar="FINDING")
@click.option("-m", "--reason", required=True,
              help="Why the finding needs no change; kept, and shown beside the finding.")
@reviewer_option
@json_option
@pass_context
def review_dismiss(obj: Context, draft_id: int, finding: str, reason: str,
                   as_name: str | None, as_json: bool) -> None:
    """Dismiss a finding of a claimed draft, with a reason (reviewers).

    FINDING is its number as `laydraft review show` lists it (#3), or its code when only one
    finding has it (numbers.untraceable). The finding stays listed, marked dismissed with your
    reason; it no longer needs a reason when approving. It stays dismissed while its words
    are unchanged, also after a re-check (`laydraft check --queue`) or an edit elsewhere.

    \b
    Example:
      laydraft review dismiss 3 2 -m "42% is in table 2 of the paper"
      laydraft review dismiss 3 jargon.unexplained -m "explained in the next sentence"
    """
    settings, store, actor = _acting(obj, as_name, Action.dismiss)
    made = workflow.dismiss(store, draft_id, finding.strip().lstrip("#"), reason, actor)
    if as_json:
        echo_json(made.model_dump(mode="json"))
    else:
        click.echo(f"Dismissed on draft {draft_id}: {workflow.dismissal_note(made)}")


@review.command("undismiss")
@click.argument("draft_id", type=int)
@click.argument("finding", metavar="FINDING")
@click.option("-m", "--reason", default=None,
              help="Why the dismissal is undone (optional); kept in the history.")
@reviewer_option
@json_option
@pass_context
def review_undismiss(obj: Context, draft_id: int, finding: str, reason: str | None,
                     as_name: str | None, as_json: bool) -> None:
    """Undo the dismissal of a finding of a claimed draft (reviewers).

    FINDING is named as for `laydraft review dismiss`. The finding counts again (an error
    needs a reason when approving); the history keeps the dismissal and who undid it, when
    and why.

    \b
    Example:
      laydraft review undismiss 3 2 -m "table 2 says 24%, not 42%"
    """
    settings, store, actor = _acting(obj, as_name, Action.dismiss)
    undone = workflow.undismiss(store, draft_id, finding.strip().lstrip("#"), actor, reason)
    if as_json:
        echo_json(undone.model_dump(mode="json"))
    else:
        click.echo(f"Dismissal undone on draft {draft_id}: "
                   f"{workflow.undismissal_note(undone)}")


@review.command("redraft")
@click.argument("draft_id", type=int)
@click.option("-m", "--instruction", required=True, help="What the new draft should change.")
@reviewer_option
@json_option
@pass_context
def review_redraft(obj: Context, draft_id: int, instruction: str, as_name: str | None,
                   as_json: bool) -> None:
    """Ask the model for a new draft following your instruction; saved as a new version.

    \b
    Example:
      laydraft review redraft 3 -m "shorter, and explain what a relapse is"
    """
    settings, store, actor = _acting(obj, as_name, Action.redraft)
    version = workflow.redraft(store, draft_id, instruction, actor, settings)
    notice = workflow.offline_redraft_notice(version)
    if notice:
        notice += f"; set {API_KEY_ENV} (or base_url for a local server) to re-draft with a model"
    if as_json:
        echo_json({**version.model_dump(mode="json"), "notice": notice})
    else:
        click.echo(draft_text(store.get(draft_id)))
        _echo_version(version, False)
    if notice:
        click.echo(f"Note: {notice}.", err=True)


def _undone(d: Dismissal) -> str:
    if d.revoked_at is None:
        return ""
    why = f": {d.revoke_reason}" if d.revoke_reason else ""
    return f" | undone {d.revoked_at:%Y-%m-%d %H:%M} by {d.revoked_by}{why}"


@review.command("history")
@click.argument("draft_id", type=int)
@json_option
@pass_context
def review_history(obj: Context, draft_id: int, as_json: bool) -> None:
    """List a draft's versions, comments and every recorded action.

    \b
    Example:
      laydraft review history 3 --json
    """
    found = workflow.history(obj.store(), draft_id)
    if as_json:
        echo_json(found.model_dump(mode="json"))
        return
    lines = [_state_line(found.state), "", "Versions:"]
    for v in found.versions:
        made_by = v.provenance.drafter + (f" {v.provenance.model}" if v.provenance.model else "")
        base = f" from v{v.based_on}" if v.based_on else ""
        note = f" — {v.note}" if v.note else ""
        lines.append(f"  v{v.version} {v.kind.value:<8} {v.created_at:%Y-%m-%d %H:%M} "
                     f"{v.author} ({made_by}){base}{note}")
    if found.comments:
        lines += ["", "Comments:", *(_comment_line(c) for c in found.comments)]
    others = [d for d in found.dismissals if not d.approval]
    if others:
        lines += ["", "Dismissed findings:"]
        lines += [f"  v{d.version} {d.at:%Y-%m-%d %H:%M} {d.actor} dismissed "
                  f"{workflow.dismissal_note(d)}{_undone(d)}" for d in others]
    if found.overrides:
        lines += ["", "Overrides (approved despite error findings):"]
        lines += [f"  v{o.version} {o.at:%Y-%m-%d %H:%M} {o.actor} overrode [{o.check}] "
                  f"{o.message} — reason: {o.reason}" for o in found.overrides]
    lines += ["", "Log:"]
    for e in found.events:
        move = f" {e.from_status.value if e.from_status else '-'} → {e.to_status.value if e.to_status else '-'}"
        vers = f" v{e.from_version or '-'} → v{e.to_version or '-'}"
        lines.append(f"  {e.at:%Y-%m-%d %H:%M:%S} {e.actor} {e.action}{move}{vers}"
                     + (f" — {e.note}" if e.note else ""))
    click.echo("\n".join(lines))


@review.command("diff")
@click.argument("draft_id", type=int)
@click.argument("old", type=int, required=False)
@click.argument("new", type=int, required=False)
@click.option("--color/--no-color", "color", default=None,
              help="Colour the changes, or not (default: colour on a terminal unless NO_COLOR "
                   "is set).")
@json_option
@pass_context
def review_diff(obj: Context, draft_id: int, old: int | None, new: int | None,
                color: bool | None, as_json: bool) -> None:
    """Word-level differences between two versions (default: previous vs current).

    On a terminal deletions are red and struck through, insertions green and underlined;
    piped, with NO_COLOR set or with --no-color they read [-deleted-] {+inserted+}.

    \b
    Examples:
      laydraft review diff 3          previous version against the current one
      laydraft review diff 3 1 4      the model's original against version 4
      laydraft review diff 3 | less   plain marks (or --color | less -R)
    """
    found = workflow.diff_versions(obj.store(), draft_id, old, new)
    if as_json:
        echo_json(found.model_dump(mode="json"))
    else:
        from .diff_view import diff_text, stdout_is_tty, use_color

        colored = use_color(color, stdout_is_tty(), os.environ)
        click.echo(diff_text(found, colored), color=colored)


@review.command("correct")
@click.argument("draft_id", type=int)
@click.option("-m", "--note", required=True,
              help="The correction note readers see, dated, on the published page.")
@click.option("--from-file", "from_file", type=click.Path(dir_okay=False, allow_dash=True),
              default=None, help="Read the corrected Markdown from a file ('-' for stdin).")
@click.option("--base", type=int, default=None, help="The version your text is based on.")
@click.option("--editor", default=None, help="Editor command (default: $VISUAL or $EDITOR).")
@reviewer_option
@json_option
@pass_context
def review_correct(obj: Context, draft_id: int, note: str, from_file: str | None,
                   base: int | None, editor: str | None, as_name: str | None,
                   as_json: bool) -> None:
    """Correct a published draft (admins): a new version, with a dated note on the page.

    Opens the draft in your editor like `review edit` (or reads --from-file); export it again
    to update the published page, which then shows "Correction (DATE): NOTE".

    \b
    Example:
      laydraft review correct 3 -m "The study had 120 people, not 210."
      laydraft export 3 --format html --out site/
    """
    settings, store, actor = _acting(obj, as_name, Action.correct)
    _edit_and_save(store, settings, actor, draft_id, from_file, base, editor, as_json,
                   lambda summary, base: workflow.correct(store, draft_id, summary, base,
                                                          actor, settings, note),
                   Action.correct)


@review.command("withdraw")
@click.argument("draft_id", type=int)
@click.option("-m", "--reason", required=True,
              help="Why it is withdrawn; the published page shows it with the date.")
@reviewer_option
@json_option
@pass_context
def review_withdraw(obj: Context, draft_id: int, reason: str, as_name: str | None,
                    as_json: bool) -> None:
    """Withdraw a published draft (admins); export it again to mark its page withdrawn.

    \b
    Example:
      laydraft review withdraw 3 -m "The study was retracted by the journal."
      laydraft export 3 --format html --out site/
    """
    settings, store, actor = _acting(obj, as_name, Action.withdraw)
    state = workflow.withdraw(store, draft_id, actor, reason)
    _echo_state(state, as_json, f"Draft {draft_id} withdrawn by {actor.name}; export it again "
                "to mark its published page withdrawn.")
