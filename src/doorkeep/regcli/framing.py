"""The click classes of ``doorkeep reg``: the admin CLI's (picocli's error words, ``-x``), with kcreg's usage
lines and kcreg's list of commands that print their help when given nothing at all (``nothingToDo``, exit 2).
"""

from __future__ import annotations

import click

from doorkeep.admincli.options import AdminCommand, AdminGroup

# kcreg's commands whose help is printed, exit status 2, when they get no argument at all (KcRegTest.testNoArgs)
EMPTY_IS_HELP = frozenset(
    {"create", "get", "update", "delete", "update-token", "credentials", "initial-token", "registration-token",
     "truststore"}
)  # fmt: skip
# the usage line of each kcreg command after its name, where click's own would differ (the commands' help())
USAGE = {
    "credentials": "--server SERVER_URL --realm REALM [ARGUMENTS]",
    "initial-token": "--server SERVER --realm REALM [--delete | TOKEN] [ARGUMENTS]",
    "registration-token": "--server SERVER --realm REALM --client CLIENT [--delete | TOKEN] [ARGUMENTS]",
    "truststore": "[TRUSTSTORE | --delete] [--trustpass PASSWORD] [ARGUMENTS]",
    "attrs": "[ATTRIBUTE] [ARGUMENTS]",
    "update-token": "CLIENT [ARGUMENTS]",
    "config": "SUB_COMMAND [ARGUMENTS]",
}


def _usage(command: click.Command, ctx: click.Context, formatter: click.HelpFormatter) -> bool:
    """kcreg's usage line, on one line as kcreg prints it (click would wrap it at 80 columns)."""
    if command.name not in USAGE:
        return False
    formatter.write(f"Usage: {ctx.command_path} {USAGE[command.name]}\n")
    return True


class RegCommand(AdminCommand):
    empty_is_help = EMPTY_IS_HELP

    def format_usage(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        if not _usage(self, ctx, formatter):
            super().format_usage(ctx, formatter)


class RegGroup(AdminGroup):
    command_class = RegCommand

    def format_usage(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        if not _usage(self, ctx, formatter):
            super().format_usage(ctx, formatter)


RegGroup.group_class = RegGroup
