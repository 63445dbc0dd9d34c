"""`laydraft serve` and `laydraft user`: the web app and its accounts.

Neither imports the web stack until it runs, so the rest of the CLI works without the
``web`` extra installed.
"""

from __future__ import annotations

import sys

import click

from .. import users
from ..errors import ErrorCode, NotFoundError, UsageError
from ..models import Role
from .app import Context, cli, echo_json, pass_context

LOOPBACK = ("127.0.0.1", "localhost", "::1")


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on; keep 127.0.0.1 unless a TLS proxy sits in front.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535),
              help="Port to listen on (0 picks a free one).")
@click.option("--secure-cookies", is_flag=True,
              help="Send the session cookie over HTTPS only (behind a TLS proxy); also the "
                   "secure_cookies setting.")
@pass_context
def serve(obj: Context, host: str, port: int, secure_cookies: bool) -> None:
    """Run the web app for editors and reviewers.

    Sign in with an account made by `laydraft user add NAME`. Sessions are kept in the
    database; forms are signed with LAYDRAFT_WEB_SECRET, or a key kept in the user data
    directory. The app answers only to the host names in the allowed_hosts setting, plus
    --host.

    \b
    Example:
      laydraft user add alice --role admin
      laydraft serve --port 8000        then open http://127.0.0.1:8000
    """
    from ..web import create_app  # raises ConfigError naming the extra when it is missing

    settings = obj.settings()
    import uvicorn
    app = create_app(settings, obj.store(settings), secure_cookies=secure_cookies,
                     hosts=[host])
    if host not in LOOPBACK:
        click.echo(f"Warning: listening on {host}, reachable from other machines; serve it "
                   "behind a TLS proxy, pass --secure-cookies and list its public name in "
                   "allowed_hosts.", err=True)
    uvicorn.run(app, host=host, port=port, server_header=False, log_level="info",
                proxy_headers=False)


ROLE_CHOICE = click.Choice([role.value for role in Role], case_sensitive=False)


@cli.group()
def user() -> None:
    """Accounts that may sign in to the web app, and their roles.

    \b
    Roles, each including the one before:
      editor    drafts, edits and comments
      reviewer  also claims, approves, rejects and requests changes
      admin     also manages users, publishes, corrects and withdraws
    Changing a role or password, or removing an account, signs that account out everywhere.

    \b
    Examples:
      laydraft user add alice --role reviewer
      printf '%s' "$PASSWORD" | laydraft user add alice --password-stdin
      laydraft user list
      laydraft user role alice admin
      laydraft user passwd alice
      laydraft user remove alice
    """


def _read_password(password_stdin: bool) -> str:
    if password_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    return str(click.prompt("Password", hide_input=True, confirmation_prompt=True))


@user.command("add")
@click.argument("name")
@click.option("--role", type=ROLE_CHOICE, default=Role.editor.value, show_default=True,
              help="What the account may do: editor, reviewer or admin.")
@click.option("--password-stdin", is_flag=True,
              help="Read the password from the first line of standard input.")
@pass_context
def user_add(obj: Context, name: str, role: str, password_stdin: bool) -> None:
    """Add an account; asks for the password twice (or reads it from stdin).

    New accounts are editors unless --role says otherwise.

    \b
    Example:
      laydraft user add alice --role reviewer
    """
    users.check_name(name)
    password = _read_password(password_stdin)
    if not password:
        raise UsageError("no password given; nothing saved")
    made = users.create_user(obj.store(), name, password, role=role)
    click.echo(f"Added {made.name} ({made.role.value}); they can sign in at `laydraft serve`.")


@user.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print the accounts as JSON.")
@pass_context
def user_list(obj: Context, as_json: bool) -> None:
    """List accounts with their roles (never their passwords).

    \b
    Example:
      laydraft user list --json
    """
    found = users.list_users(obj.store())
    if as_json:
        echo_json([u.model_dump(mode="json") for u in found])
        return
    if not found:
        click.echo("No accounts yet: add one with `laydraft user add NAME --role admin`.")
        return
    rows = [("NAME", "ROLE", "CREATED", "LAST SIGN-IN")]
    rows += [(u.name, u.role.value, f"{u.created_at:%Y-%m-%d %H:%M}",
              f"{u.last_signin:%Y-%m-%d %H:%M}" if u.last_signin else "never")
             for u in found]
    widths = [max(len(row[i]) for row in rows) for i in range(3)]
    for row in rows:
        click.echo("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=False))
                   + "  " + row[3])


@user.command("role")
@click.argument("name")
@click.argument("role", type=ROLE_CHOICE)
@pass_context
def user_role(obj: Context, name: str, role: str) -> None:
    """Give an account another role; it is signed out everywhere.

    \b
    Example:
      laydraft user role alice reviewer
    """
    changed = users.set_role(obj.store(), name, role)
    click.echo(f"{changed.name} is now {changed.role.value}; their sessions were ended.")


@user.command("remove")
@click.argument("name")
@pass_context
def user_remove(obj: Context, name: str) -> None:
    """Delete an account and end its sessions (its name stays in drafts' history).

    \b
    Example:
      laydraft user remove alice
    """
    removed = users.remove_user(obj.store(), name)
    click.echo(f"Removed {removed.name}; their sessions were ended.")


@user.command("passwd")
@click.argument("name")
@click.option("--password-stdin", is_flag=True,
              help="Read the new password from the first line of standard input.")
@pass_context
def user_passwd(obj: Context, name: str, password_stdin: bool) -> None:
    """Set a new password; asks twice (or reads it from stdin). Ends the account's sessions.

    \b
    Example:
      laydraft user passwd alice
    """
    store = obj.store()
    if store.get_user(name.strip()) is None:
        raise NotFoundError(f"no user named {name.strip()!r}", code=ErrorCode.USER_NOT_FOUND,
                            name=name.strip())
    password = _read_password(password_stdin)
    if not password:
        raise UsageError("no password given; nothing saved")
    users.change_password(store, name, password)
    click.echo(f"Changed the password of {name.strip()}; their sessions were ended.")
