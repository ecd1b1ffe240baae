"""Calls to other hosts that a writing transaction finds it needs are made outside it, and the work run again.

A writing transaction on SQLite holds the database's one write lock: a host an administrator or a client named (a
client's ``jwks.url``, a sector identifier URI, an OpenShift cluster's metadata) that answered slowly would hold every
other login and refresh until the call's time limit. Where such a call is decided only inside the transaction (the
client the request names, its keys, the action a form confirms), the code that would make it raises ``FetchOutside``
while ``deferring()``; ``run_outside`` (around the transaction) rolls it back, makes the call with no transaction open,
keeps its answer where the code looks first, and runs the work again. What is decided and answered does not change:
the second run finds the answer the first would have fetched. Every refusal the first run met before the call, it
meets again. A transaction still finding a call due after ATTEMPTS runs (the kept answers dropped meanwhile) makes it
inside, as it always did, rather than fail.
"""

from __future__ import annotations

import contextlib
from collections.abc import Awaitable, Callable, Iterator
from contextvars import ContextVar
from typing import TypeVar

T = TypeVar("T")
Fetch = Callable[[str], Awaitable[bytes]]  # a document at a URL; a failure is a ValueError
ATTEMPTS = 4  # each run may find one more call due (a client's signing keys, then its encryption keys…)

_deferring: ContextVar[bool] = ContextVar("doorkeep_fetch_outside", default=False)
# The answers ``once`` fetched outside for the run under way (all its attempts), by URL.
_answers: ContextVar[dict[str, bytes | ValueError] | None] = ContextVar("doorkeep_fetched_outside", default=None)


class FetchOutside(Exception):
    """A call due inside a writing transaction: ``fetch`` makes it (outside) and keeps its answer for the next run."""

    def __init__(self, what: str, fetch: Callable[[], Awaitable[object]]) -> None:
        super().__init__(what)
        self.fetch = fetch


def deferring() -> bool:
    """Whether a call due now must be raised as ``FetchOutside`` rather than made (a writing transaction is open)."""
    return _deferring.get()


@contextlib.contextmanager
def _deferred(answers: dict[str, bytes | ValueError]) -> Iterator[None]:
    token, kept_token = _deferring.set(True), _answers.set(answers)
    try:
        yield
    finally:
        _answers.reset(kept_token)
        _deferring.reset(token)


async def run_outside(attempt: Callable[[], Awaitable[T]]) -> T:
    """Run ``attempt`` (a writing transaction and its work) deferring calls; a call it raises is made, outside, and the
    attempt run again. Within another such run (a transaction opened inside a transaction) the outer one does it."""
    if deferring():
        return await attempt()
    answers: dict[str, bytes | ValueError] = {}
    for _ in range(ATTEMPTS - 1):
        try:
            with _deferred(answers):
                return await attempt()
        except FetchOutside as due:
            await due.fetch()
    return await attempt()  # still one more due (kept answers dropped meanwhile): made inside, as it always was


def kept(found: dict[str, bytes | ValueError], fetch: Fetch) -> Fetch:
    """``fetch`` answering from ``found`` first (a ValueError kept is raised again); a URL not there is fetched, while
    ``deferring()`` outside the transaction into ``found`` (``found`` must outlive the run: the request's)."""

    async def answer(url: str) -> bytes:
        if url not in found:
            if not deferring():
                return await fetch(url)

            async def outside() -> None:
                try:
                    found[url] = await fetch(url)
                except ValueError as err:
                    found[url] = err
                except OSError as err:  # a fetch that failed below its own errors: answered the same way
                    found[url] = ValueError(str(err))

            raise FetchOutside(url, outside)
        known = found[url]
        if isinstance(known, ValueError):
            raise known
        return known

    return answer


async def once(url: str, fetch: Fetch) -> bytes:
    """``fetch(url)``, for a document kept nowhere else (a request object at a client's ``request_uri``): while
    ``deferring()``, fetched outside the transaction and answered to the run's next attempt (its failure too)."""
    answers = _answers.get()
    if answers is None or not deferring():
        return await fetch(url)
    return await kept(answers, fetch)(url)
