"""Whether this process is between SIGTERM and closing its listener (``--shutdown-delay``).

While it drains, the process still serves every request, but readiness answers DOWN with Quarkus's
"Graceful Shutdown" check so that a load balancer stops sending it new work.
"""

from __future__ import annotations

import threading

CHECK_NAME = "Graceful Shutdown"

_draining = threading.Event()


def start() -> None:
    _draining.set()


def active() -> bool:
    return _draining.is_set()


def reset() -> None:
    """For tests and a process that serves again."""
    _draining.clear()
