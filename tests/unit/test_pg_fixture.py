"""The throwaway PostgreSQL fixture gives each test a database it can talk to."""

from __future__ import annotations

import asyncpg
import pytest


@pytest.mark.anyio
@pytest.mark.postgres
async def test_throwaway_postgres_accepts_connections(postgres_url: str) -> None:
    connection = await asyncpg.connect(postgres_url)
    try:
        assert await connection.fetchval("SELECT 1") == 1
        assert await connection.fetchval("SELECT current_database()") == postgres_url.rsplit("/", 1)[1]
    finally:
        await connection.close()
