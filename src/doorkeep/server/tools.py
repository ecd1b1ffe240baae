"""``doorkeep tools completion``: kc.sh's ``tools completion``, a shell's TAB completion script for the command.

Keycloak prints picocli's bash/zsh script (``source <(kc.sh tools completion)``); Doorkeep prints click's
script for bash by default, or for zsh or fish when named. The script asks ``doorkeep`` itself for the
candidates (``_DOORKEEP_COMPLETE``), so it always knows the commands and options of the installed version.
"""

from __future__ import annotations

import click
from click.shell_completion import get_completion_class

from doorkeep.server.failures import verbose_option

PROG = "doorkeep"
COMPLETE_VAR = "_DOORKEEP_COMPLETE"


@click.group("tools", short_help="Utilities for use and interaction with the server")
@verbose_option
def tools() -> None:
    """Utilities for use and interaction with the server."""


@tools.command("completion", short_help="Generate a bash/zsh completion script for doorkeep")
@click.argument("shell", type=click.Choice(["bash", "zsh", "fish"]), default="bash")
@verbose_option
def completion(shell: str) -> None:
    """Generate a completion script for doorkeep (bash unless SHELL says zsh or fish). Run the following command
    to give `doorkeep` TAB completion in the current shell:

    \b
      source <(doorkeep tools completion)
    """
    root = click.get_current_context().find_root().command
    made = get_completion_class(shell)
    assert made is not None  # the three names are click's own
    click.echo(made(root, {}, PROG, COMPLETE_VAR).source())
