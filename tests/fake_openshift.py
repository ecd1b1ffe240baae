"""An OpenShift stand-in for the brokering tests: a real HTTP server on 127.0.0.1 with an OpenShift 4 cluster's OAuth
metadata (``/.well-known/oauth-authorization-server``), its OAuth server's token endpoint, and the current user at
``/apis/user.openshift.io/v1/users/~`` (OpenShift 4) and ``/oapi/v1/users/~`` (OpenShift 3); it records what it was
sent, and can be told to answer the metadata or the profile badly, or to hold the metadata's answer until the test
releases it (``hold_metadata``)."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from served_app import serving

CLIENT_ID, CLIENT_SECRET = "keycloak-broker", "os-secret-0123456789abcdef"
ACCESS_TOKEN = "sha256~fake-openshift-access-token-0123456789"
METADATA = "/.well-known/oauth-authorization-server"
V4_USER, V3_USER = "/apis/user.openshift.io/v1/users/~", "/oapi/v1/users/~"


@dataclass
class FakeOpenshift:
    base: str
    profile: Any = field(
        default_factory=lambda: {
            "kind": "User",
            "apiVersion": "user.openshift.io/v1",
            "metadata": {"name": "developer", "uid": "8f5e3c2a-1111-4c7b-9a0e-0123456789ab"},
            "fullName": "Dev Eloper",
            "identities": ["htpasswd:developer"],
            "groups": ["system:authenticated", "dev-team"],
        }
    )
    profile_status: int = 200
    profile_body: bytes | None = None  # answered as it is (text/html) instead of the profile
    metadata_status: int = 200
    token_requests: list[dict[str, str]] = field(default_factory=list)
    fetched: list[tuple[str, str]] = field(default_factory=list)  # (path, Authorization header)
    metadata_asked: asyncio.Event = field(default_factory=asyncio.Event)  # set at each metadata request
    metadata_held: asyncio.Event | None = None  # the metadata is answered once this is set

    def hold_metadata(self) -> asyncio.Event:
        """From now on the metadata is answered only once the returned event is set (``metadata_asked`` tells
        when a request is waiting)."""
        self.metadata_asked = asyncio.Event()
        self.metadata_held = asyncio.Event()
        return self.metadata_held

    def rep(self, alias: str = "openshift", provider_id: str = "openshift-v4", **config: str) -> dict[str, Any]:
        return {
            "alias": alias,
            "providerId": provider_id,
            "enabled": True,
            "config": {
                "clientId": CLIENT_ID,
                "clientSecret": CLIENT_SECRET,
                "baseUrl": self.base,
                "syncMode": "IMPORT",
                **config,
            },
        }


def _app(cluster: FakeOpenshift) -> Starlette:
    async def metadata(request: Request) -> Response:
        cluster.fetched.append((request.url.path, request.headers.get("authorization", "")))
        cluster.metadata_asked.set()
        if cluster.metadata_held is not None:
            await cluster.metadata_held.wait()
        if cluster.metadata_status != 200:
            return JSONResponse({"message": "unavailable"}, cluster.metadata_status)
        return JSONResponse(
            {
                "issuer": cluster.base,
                "authorization_endpoint": cluster.base + "/oauth/authorize",
                "token_endpoint": cluster.base + "/oauth/token",
                "scopes_supported": ["user:full", "user:info", "user:check-access"],
                "response_types_supported": ["code", "token"],
                "grant_types_supported": ["authorization_code", "implicit"],
                "code_challenge_methods_supported": ["plain", "S256"],
            }
        )

    async def token(request: Request) -> Response:
        form = {k: str(v) for k, v in (await request.form()).items()}
        cluster.token_requests.append(form)
        if (form.get("client_id"), form.get("client_secret")) != (CLIENT_ID, CLIENT_SECRET):
            return JSONResponse({"error": "unauthorized_client"}, 401)
        return JSONResponse({"access_token": ACCESS_TOKEN, "token_type": "Bearer", "expires_in": 86400})

    async def user(request: Request) -> Response:
        cluster.fetched.append((request.url.path, request.headers.get("authorization", "")))
        if request.headers.get("authorization") != f"Bearer {ACCESS_TOKEN}":
            return JSONResponse({"kind": "Status", "status": "Failure", "code": 401}, 401)
        if cluster.profile_body is not None:
            return Response(cluster.profile_body, cluster.profile_status, media_type="text/html")
        return JSONResponse(cluster.profile, cluster.profile_status)

    return Starlette(
        routes=[
            Route(METADATA, metadata),
            Route("/oauth/token", token, methods=["POST"]),
            Route(V4_USER, user),
            Route(V3_USER, user),
        ]
    )


@contextlib.asynccontextmanager
async def fake_openshift() -> AsyncIterator[FakeOpenshift]:
    cluster = FakeOpenshift("")
    async with serving(_app(cluster)) as base:
        cluster.base = base
        yield cluster
