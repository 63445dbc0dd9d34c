"""`laydraft stats`: compare prompts, models, variants... on what reviewers had to do."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import click

from ..errors import ErrorCode, UsageError
from ..models import utcnow
from ..stats import GROUPINGS, MIN_GROUP, Distribution, Grouping, StatsReport, stats
from .app import Context, cli, echo_json, pass_context

# The figures the table shows (all are in --json), with how to print one value.
SHOWN = {"changed_share": "{:.0%}", "kept_share": "{:.0%}", "minutes_to_decide": "{:.1f}",
         "rounds": "{:g}", "findings_fixed": "{:g}", "findings_open": "{:g}"}


def parse_since(text: str) -> datetime:
    """A date (2026-05-01), a moment (2026-05-01T12:00, UTC unless it says), or an age: 30d, 12h."""
    age = re.fullmatch(r"\s*(\d+)\s*([dhw])\s*", text)
    if age:
        amount, unit = int(age.group(1)), age.group(2)
        return utcnow() - timedelta(**{{"d": "days", "h": "hours", "w": "weeks"}[unit]: amount})
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        raise UsageError(f"--since {text!r} is neither a date (2026-05-01), a moment "
                         "(2026-05-01T12:00) nor an age (30d, 12h, 2w)",
                         code=ErrorCode.USAGE, field="since", value=text) from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _cell(figure: Distribution, shape: str) -> str:
    if figure.median is None:
        return "-"
    text = shape.format(figure.median)
    if figure.median_ci is not None:
        low, high = figure.median_ci
        text += f" [{shape.format(low)}-{shape.format(high)}]"
    return text


def stats_table(report: StatsReport) -> str:
    """A plain table: one row per group, medians with their 95% interval when n allows."""
    if not report.groups:
        return "no decided drafts" + (f" since {report.since:%Y-%m-%d %H:%M} UTC"
                                      if report.since else "") + " yet"
    header = [report.by, "n", "approved", *SHOWN]
    rows = [header]
    for group in report.groups:
        rate = f"{group.approval_rate:.0%}"
        if group.approval_ci is not None:
            rate += f" [{group.approval_ci[0]:.0%}-{group.approval_ci[1]:.0%}]"
        cells = [_cell(group.figures[name], shape) for name, shape in SHOWN.items()]
        rows.append([group.key, str(group.n), rate, *cells])
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    lines = ["  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
             for row in rows]
    small = [g.key for g in report.groups if not g.comparable]
    lines.append("")
    lines.append(f"{report.drafts} decided draft{'s' if report.drafts != 1 else ''}; medians, "
                 "[95% interval] where a group has enough drafts.")
    if small:
        lines.append(f"too few to compare (fewer than {report.min_group}): {', '.join(small)}")
    return "\n".join(lines)


@cli.command("stats")
@click.option("--by", "by", type=click.Choice(GROUPINGS), default="prompt", show_default=True,
              help="Group drafts by this.")
@click.option("--since", default=None, metavar="WHEN",
              help="Only drafts decided since: 2026-05-01, 2026-05-01T12:00, 30d, 12h, 2w.")
@click.option("--min-group", type=click.IntRange(min=1), default=MIN_GROUP, show_default=True,
              help="Smaller groups are marked too few to compare.")
@click.option("--json", "as_json", is_flag=True, help="Print the whole report as JSON.")
@pass_context
def stats_cmd(obj: Context, by: Grouping, since: str | None, min_group: int,
              as_json: bool) -> None:
    """Compare prompts, models and reviewers on what reviewers had to change.

    Each decided draft's effort (share of words changed, time to claim and to decide, review
    rounds, findings fixed or dismissed) is grouped; medians, quartiles and approval rates per
    group. See docs/stats.md.

    \b
    Examples:
      laydraft stats --by variant
      laydraft stats --by model --since 30d --json
    """
    report = stats(obj.store(), by, parse_since(since) if since else None, min_group)
    if as_json:
        echo_json(report.model_dump(mode="json"))
    else:
        click.echo(stats_table(report))
