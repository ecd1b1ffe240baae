"""Which wire test modules `make test` runs on PostgreSQL too (tests/wire/conftest.py's pytest_ignore_collect).

`make test` runs the whole wire suite on SQLite and, on PostgreSQL, the modules of the areas where what is
stored and how it is read decides the answer: sessions and offline sessions, refresh and rotation, revocation
and logout, lockouts, concurrency, import and export, events, searches and counts, and the writes a read-only
organization member is refused (read through the store's correlated EXISTS). The store itself runs on
both engines in tests/contract. The whole wire suite on PostgreSQL is `make test-postgres`: it doubled the CI
run's length. Only a folder's modules are chosen from: a module named on the command line always runs.
"""

from __future__ import annotations

import re

STORAGE_AREAS = re.compile(
    r"offline|refresh|session|revo|logout|bulk|backchannel|brute|login_failure|race|concurren|import|export|event"
    r"|paging|search|_count|grace|cleaner|expir|rotat|migrat|_lock|restart|token_exchange|read_only_member"
)


def storage_area(module: str) -> bool:
    """Whether the wire test module ``test_<name>.py`` is one of the storage areas above."""
    return STORAGE_AREAS.search(module.removeprefix("test_").removesuffix(".py")) is not None
