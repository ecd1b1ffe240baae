"""fetch_outside: a call due inside a writing transaction is made outside it, and the work run again finding it."""

from __future__ import annotations

import pytest

from doorkeep import fetch_outside
from doorkeep.fetch_outside import FetchOutside, deferring, kept, once, run_outside

pytestmark = pytest.mark.anyio


class Host:
    """A fetch that records whether it ran while deferring (inside a transaction, in the real thing)."""

    def __init__(self, answer: bytes | Exception = b"[]") -> None:
        self.answer = answer
        self.calls: list[tuple[str, bool]] = []

    async def __call__(self, url: str) -> bytes:
        self.calls.append((url, deferring()))
        if isinstance(self.answer, Exception):
            raise self.answer
        return self.answer


async def test_a_fetch_due_in_a_run_is_made_outside_and_answered_to_the_next_attempt() -> None:
    host, attempts = Host(b'{"a": 1}'), []

    async def attempt() -> bytes:
        attempts.append(deferring())
        return await once("https://h/doc", host)

    assert await run_outside(attempt) == b'{"a": 1}'
    assert attempts == [True, True]  # rolled back once, then run again
    assert host.calls == [("https://h/doc", False)]  # fetched once, never while deferring


async def test_a_failed_fetch_is_the_next_attempts_failure() -> None:
    host = Host(OSError("connection refused"))

    async def attempt() -> bytes:
        return await once("https://h/doc", host)

    with pytest.raises(ValueError, match="connection refused"):
        await run_outside(attempt)
    assert host.calls == [("https://h/doc", False)]


async def test_outside_any_run_the_fetch_is_made_at_once() -> None:
    host = Host()
    assert await once("https://h/doc", host) == b"[]"
    assert await kept({}, host)("https://h/doc") == b"[]"
    assert host.calls == [("https://h/doc", False), ("https://h/doc", False)]


async def test_kept_answers_what_was_fetched_before_the_transaction() -> None:
    host = Host()
    found: dict[str, bytes | ValueError] = {"https://h/ok": b"1", "https://h/bad": ValueError("HTTP status 404")}

    async def attempt() -> bytes:
        with pytest.raises(ValueError, match="404"):
            await kept(found, host)("https://h/bad")
        return await kept(found, host)("https://h/ok")

    assert await run_outside(attempt) == b"1"
    assert host.calls == []


async def test_a_run_inside_a_run_leaves_the_call_to_the_outer_one() -> None:
    host, inner_runs = Host(), []

    async def inner() -> bytes:
        inner_runs.append(1)
        return await once("https://h/doc", host)

    async def outer() -> bytes:
        return await run_outside(inner)

    assert await run_outside(outer) == b"[]"
    assert len(inner_runs) == 2 and host.calls == [("https://h/doc", False)]


async def test_a_run_that_keeps_finding_calls_due_makes_the_last_one_inside_rather_than_fail() -> None:
    made: list[bool] = []

    async def fetch() -> None:
        made.append(deferring())

    async def attempt() -> str:
        if deferring():
            raise FetchOutside("a set dropped again meanwhile", fetch)
        return "answered"

    assert await run_outside(attempt) == "answered"
    assert made == [False] * (fetch_outside.ATTEMPTS - 1)
