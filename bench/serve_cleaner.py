"""``doorkeep start-dev`` with the session cleaner running every N seconds (``DOORKEEP_BENCH_CLEANER_INTERVAL``).

The server has no option for the cleaner's interval (it runs every 900 s, as Keycloak's default
``ClearExpiredUserSessions`` task); the cleaner benchmark needs it to start within seconds. This runs the
real command line, with the settings it builds changed in that one field.

    python bench/serve_cleaner.py start-dev --db-url ... --http-port ...
"""

from __future__ import annotations

import dataclasses
import os
from typing import Any

from doorkeep import cli
from doorkeep.settings import Settings

_settings = cli._settings


def _with_interval(*args: Any, **kwargs: Any) -> Settings:
    settings = _settings(*args, **kwargs)
    return dataclasses.replace(settings, session_cleaner_interval=int(os.environ["DOORKEEP_BENCH_CLEANER_INTERVAL"]))


if __name__ == "__main__":
    cli._settings = _with_interval
    cli.main()
