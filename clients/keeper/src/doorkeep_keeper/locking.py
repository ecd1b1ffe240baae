"""One refresh per stored token at a time: a lock within the process and an ``fcntl`` lock across processes.

``flock`` already excludes two open file descriptions of one file, even in one process; the in-process
lock comes first so threads queue cheaply without holding a file descriptor each.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import threading
from collections.abc import Iterator
from pathlib import Path

# One lock per lock-file path for the whole process: two Keeper objects on one store must also exclude
# each other. This is the library's only module-level state, and it is a lock registry on purpose.
_REGISTRY_GUARD = threading.Lock()
_PROCESS_LOCKS: dict[str, threading.Lock] = {}


def _process_lock(path: Path) -> threading.Lock:
    with _REGISTRY_GUARD:
        return _PROCESS_LOCKS.setdefault(str(path.resolve()), threading.Lock())


@contextlib.contextmanager
def exclusive(path: Path) -> Iterator[None]:
    """Hold the lock for ``path`` (created 0600 if missing) in this process and across processes."""
    with _process_lock(path):
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(fd, fcntl.LOCK_UN)
        finally:
            os.close(fd)
