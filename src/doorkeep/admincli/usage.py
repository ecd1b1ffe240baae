"""kcadm's ``help [COMMAND]``: a command's help on stdout, exit status 0 (``kcadm.sh help get``)."""

from __future__ import annotations

import click

from doorkeep.admincli.errors import AdminUsageError
from doorkeep.admincli.options import AdminCommand, help_and_exit


@click.command("help", cls=AdminCommand)
@click.argument("names", nargs=-1, metavar="[COMMAND]")
@click.pass_context
def help_command(ctx: click.Context, names: tuple[str, ...]) -> None:
    """Print the help of this CLI, or of one of its commands."""
    assert ctx.parent is not None  # run as a subcommand of doorkeep admin
    target, target_ctx = ctx.parent.command, ctx.parent
    for name in names:
        found = target.get_command(target_ctx, name) if isinstance(target, click.Group) else None
        if found is None:
            raise AdminUsageError(f"Unknown command: {' '.join(names)}", ctx)
        target, target_ctx = found, click.Context(found, info_name=name, parent=target_ctx)
    help_and_exit(target_ctx, 0)
