"""The demo portal refuses forged requests with a page, not a crash: no CSRF token, an unknown state."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from offline_portal.app import create_app
from offline_portal.settings import Settings

pytestmark = pytest.mark.anyio


@contextlib.asynccontextmanager
async def portal(tmp_path: Path) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(Settings(store_dir=tmp_path / "tokens"))
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://127.0.0.1:8081") as client,
    ):
        yield client


async def test_the_login_link_asks_doorkeep_for_offline_access_with_pkce_and_state(tmp_path: Path) -> None:
    async with portal(tmp_path) as client:
        response = await client.get("/login")
    location = httpx.URL(response.headers["location"])
    assert response.status_code == 302 and location.path == "/realms/demo/protocol/openid-connect/auth"
    assert location.params["scope"] == "openid offline_access"
    assert location.params["code_challenge_method"] == "S256" and len(location.params["state"]) >= 32
    assert location.params["redirect_uri"] == "http://127.0.0.1:8081/callback"


async def test_a_backup_without_the_csrf_token_is_refused(tmp_path: Path) -> None:
    async with portal(tmp_path) as client:
        await client.get("/")
        response = await client.post("/backup", data={"csrf": "forged"})
    assert response.status_code == 403 and "The form expired" in response.text


async def test_a_callback_with_an_unknown_state_is_refused_without_calling_doorkeep(tmp_path: Path) -> None:
    async with portal(tmp_path) as client:
        await client.get("/login")
        response = await client.get("/callback", params={"state": "not-mine", "code": "x"})
    assert response.status_code == 400 and "unknown or replayed state" in response.text


async def test_an_error_from_doorkeep_on_the_callback_is_shown_in_words(tmp_path: Path) -> None:
    async with portal(tmp_path) as client:
        state = httpx.URL((await client.get("/login")).headers["location"]).params["state"]
        response = await client.get(
            "/callback", params={"state": state, "error": "access_denied", "error_description": "User denied consent"}
        )
    assert response.status_code == 400 and "Login failed: User denied consent" in response.text
