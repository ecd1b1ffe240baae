"""kcadm's ``set-password`` (``SetPasswordCmd``): a user's new password, by username or id, optionally temporary.

The password is ``-p``, else ``$KC_CLI_PASSWORD`` (the option's default in kcadm), else a prompt; it is
PUT to ``users/{id}/reset-password`` as ``{"type":"password","value":…,"temporary":…}``.
"""

from __future__ import annotations

from typing import Any

import click

from doorkeep.admincli import auth, lookups
from doorkeep.admincli.api import connect
from doorkeep.admincli.errors import AdminUsageError
from doorkeep.admincli.options import AdminCommand


@click.command("set-password", cls=AdminCommand)
@auth.auth_options
@click.option("-r", "--target-realm", "realm", default=None, help="Target realm.")
@click.option("--username", "target_username", default=None, help="The user's username.")
@click.option("--userid", default=None, help="The user's id.")
@click.option("-p", "--new-password", "new_password", envvar="KC_CLI_PASSWORD", default=None, help="The new password.")
@click.option("-t", "--temporary", is_flag=True, help="The user must change it at the next login.")
@click.pass_context
def set_password(
    ctx: click.Context,
    /,
    realm: str | None,
    target_username: str | None,
    userid: str | None,
    new_password: str | None,
    temporary: bool,
    **kwargs: Any,
) -> None:
    """Set a user's password."""
    opts = auth.gather(kwargs)
    if userid is None and target_username is None:
        raise AdminUsageError("No user specified. Use --username or --userid to specify user", ctx)
    if userid is not None and target_username is not None:
        raise AdminUsageError("Options --userid and --username are mutually exclusive", ctx)
    if new_password is None:
        new_password = auth.prompt("password")
    with connect(opts, realm) as api:
        uid = userid or lookups.user_id(api, str(target_username))
        credential = {"type": "password", "value": new_password, "temporary": temporary}
        api.send("PUT", api.url(f"users/{uid}/reset-password"), credential)
