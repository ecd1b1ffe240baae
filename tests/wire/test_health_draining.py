"""Between SIGTERM and closing the listener (--shutdown-delay), readiness is DOWN and everything else serves."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from doorkeep.server import draining
from support import password_grant
from wire_env import Env

pytestmark = pytest.mark.anyio


@pytest.fixture
def drain() -> Iterator[None]:
    draining.start()
    yield
    draining.reset()


async def test_ready_is_down_with_the_graceful_shutdown_check_while_draining(realm: Env, drain: None) -> None:
    for path in ("/health/ready", "/health"):
        response = await realm.http.get(path)
        assert response.status_code == 503
        assert response.json() == {"status": "DOWN", "checks": [{"name": "Graceful Shutdown", "status": "DOWN"}]}
    assert (await realm.http.get("/health/live")).json() == {"status": "UP", "checks": []}
    assert (await realm.http.get("/health/started")).status_code == 200


async def test_requests_are_still_served_while_draining(realm: Env, drain: None) -> None:
    response = await password_grant(realm.http, "test", "app")
    assert response.status_code == 200, response.text
