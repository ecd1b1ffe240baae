"""Waiting in store tests for something another transaction or backend does, with a deadline."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator


async def polling(seconds: float = 15.0) -> AsyncIterator[None]:
    """Yield until ``seconds`` have passed, resting 20 ms between turns: a backend ends within
    milliseconds, but a loaded CI machine can take far longer than a fixed count of turns allows."""
    deadline = asyncio.get_running_loop().time() + seconds
    while True:
        yield
        if asyncio.get_running_loop().time() >= deadline:
            return
        await asyncio.sleep(0.02)
