"""A GitHub Enterprise stand-in for the brokering tests: a real HTTP server on 127.0.0.1 with GitHub's OAuth
endpoints under ``/login/oauth`` and its REST API's ``/user`` and ``/user/emails`` under ``/api/v3`` (where a GitHub
Enterprise server has them), which records what it was sent."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from served_app import serving

CLIENT_ID, CLIENT_SECRET = "gh-client", "gh-secret-0123456789abcdef"
ACCESS_TOKEN = "gho_fake_access_token_16C7e42F292c6912E7710c838347Ae178B4a"


@dataclass
class FakeGithub:
    base: str
    profile: dict[str, Any] = field(
        default_factory=lambda: {"login": "octocat", "id": 583231, "name": "The Octocat", "email": None}
    )
    emails: list[dict[str, Any]] = field(
        default_factory=lambda: [
            {"email": "octo-old@example.org", "primary": False, "verified": True},
            {"email": "octocat@example.org", "primary": True, "verified": True},
        ]
    )
    form_encoded: bool = False  # answer the token request as GitHub does without Accept: application/json
    token_requests: list[dict[str, str]] = field(default_factory=list)
    fetched: list[tuple[str, str]] = field(default_factory=list)  # (path, Authorization header)

    @property
    def api(self) -> str:
        return self.base + "/api/v3"

    def rep(self, alias: str = "github", **config: str) -> dict[str, Any]:
        return {
            "alias": alias,
            "providerId": "github",
            "enabled": True,
            "config": {
                "clientId": CLIENT_ID,
                "clientSecret": CLIENT_SECRET,
                "baseUrl": self.base,
                "apiUrl": self.api,
                "syncMode": "IMPORT",
                **config,
            },
        }


def _app(hub: FakeGithub) -> Starlette:
    async def token(request: Request) -> Response:
        form = {k: str(v) for k, v in (await request.form()).items()}
        hub.token_requests.append(form)
        if (form.get("client_id"), form.get("client_secret")) != (CLIENT_ID, CLIENT_SECRET):
            return JSONResponse({"error": "incorrect_client_credentials"}, 200)  # GitHub answers errors with 200
        answer = {"access_token": ACCESS_TOKEN, "token_type": "bearer", "scope": "user:email"}
        if hub.form_encoded:
            return Response(urlencode(answer), media_type="application/x-www-form-urlencoded")
        return JSONResponse(answer)

    def authorized(request: Request) -> bool:
        hub.fetched.append((request.url.path, request.headers.get("authorization", "")))
        return request.headers.get("authorization") == f"Bearer {ACCESS_TOKEN}"

    async def user(request: Request) -> Response:
        if not authorized(request):
            return JSONResponse({"message": "Requires authentication"}, 401)
        return JSONResponse(hub.profile)

    async def emails(request: Request) -> Response:
        if not authorized(request):
            return JSONResponse({"message": "Requires authentication"}, 401)
        return JSONResponse(hub.emails)

    return Starlette(
        routes=[
            Route("/login/oauth/access_token", token, methods=["POST"]),
            Route("/api/v3/user", user),
            Route("/api/v3/user/emails", emails),
        ]
    )


@contextlib.asynccontextmanager
async def fake_github() -> AsyncIterator[FakeGithub]:
    hub = FakeGithub("")
    async with serving(_app(hub)) as base:
        hub.base = base
        yield hub
