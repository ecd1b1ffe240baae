"""Options every ``doorkeep admin`` command shares: ``--config FILE`` and ``-r REALM``, as in kcadm."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from doorkeep.admincli import config

F = TypeVar("F", bound=Callable[..., Any])
FORMATS = click.Choice(["json", "table", "csv"])


def common(func: F) -> F:
    """``--config FILE`` and ``-r/--target-realm REALM``."""
    func = click.option(
        "--config",
        "config_file",
        type=click.Path(dir_okay=False, path_type=Path),
        default=None,
        help="Credentials file (default: ~/.doorkeep/admin.config, or $DOORKEEP_ADMIN_CONFIG).",
    )(func)
    return click.option(
        "-r",
        "--target-realm",
        "realm",
        default=None,
        help="Realm a relative path refers to (default: the realm logged into).",
    )(func)


def config_path(value: Path | None) -> Path:
    return value.expanduser() if value is not None else config.default_path()
