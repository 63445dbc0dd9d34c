"""`laydraft serve` and `laydraft user`: the web app and its accounts.

Neither imports the web stack until it runs, so the rest of the CLI works without the
``web`` extra installed.
"""

from __future__ import annotations

import sys

import click

from .. import users
from ..errors import UsageError
from .app import Context, cli, echo_json, pass_context

LOOPBACK = ("127.0.0.1", "localhost", "::1")


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on; keep 127.0.0.1 unless a TLS proxy sits in front.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535),
              help="Port to listen on (0 picks a free one).")
@click.option("--secure-cookies", is_flag=True,
              help="Send the session cookie over HTTPS only (behind a TLS proxy).")
@pass_context
def serve(obj: Context, host: str, port: int, secure_cookies: bool) -> None:
    """Run the web app for editors and reviewers.

    Sign in with an account made by `laydraft user add NAME`. Sessions are signed with
    LAYDRAFT_WEB_SECRET, or a key kept in the user data directory.

    \b
    Example:
      laydraft user add alice
      laydraft serve --port 8000        then open http://127.0.0.1:8000
    """
    from ..web import create_app  # raises ConfigError naming the extra when it is missing

    settings = obj.settings()
    import uvicorn
    app = create_app(settings, obj.store(settings), secure_cookies=secure_cookies)
    if host not in LOOPBACK:
        click.echo(f"Warning: listening on {host}, reachable from other machines; serve it "
                   "behind a TLS proxy and pass --secure-cookies.", err=True)
    uvicorn.run(app, host=host, port=port, server_header=False, log_level="info",
                proxy_headers=False)


@cli.group()
def user() -> None:
    """Accounts that may sign in to the web app.

    \b
    Examples:
      laydraft user add alice
      printf '%s' "$PASSWORD" | laydraft user add alice --password-stdin
      laydraft user list
    """


def _read_password(password_stdin: bool) -> str:
    if password_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    return str(click.prompt("Password", hide_input=True, confirmation_prompt=True))


@user.command("add")
@click.argument("name")
@click.option("--password-stdin", is_flag=True,
              help="Read the password from the first line of standard input.")
@pass_context
def user_add(obj: Context, name: str, password_stdin: bool) -> None:
    """Add an account; asks for the password twice (or reads it from stdin).

    \b
    Example:
      laydraft user add alice
    """
    users.check_name(name)
    password = _read_password(password_stdin)
    if not password:
        raise UsageError("no password given; nothing saved")
    made = users.create_user(obj.store(), name, password)
    click.echo(f"Added {made.name}; they can sign in at `laydraft serve`.")


@user.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print the accounts as JSON.")
@pass_context
def user_list(obj: Context, as_json: bool) -> None:
    """List accounts (never their passwords).

    \b
    Example:
      laydraft user list --json
    """
    found = users.list_users(obj.store())
    if as_json:
        echo_json([u.model_dump(mode="json") for u in found])
        return
    if not found:
        click.echo("No accounts yet: add one with `laydraft user add NAME`.")
    for u in found:
        last = f"last signed in {u.last_signin:%Y-%m-%d %H:%M}" if u.last_signin else "never signed in"
        click.echo(f"{u.name}  (added {u.created_at:%Y-%m-%d}, {last})")
