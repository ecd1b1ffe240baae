"""Session 65's hostile sweep of offline sessions on ``doorkeep start --workers 2`` over a throwaway PostgreSQL.

``two_workers`` starts the server (ports from ``DOORKEEP_TEST_PORTS`` when set, tests/ports.py) on a database of
the session's throwaway PostgreSQL, with realm ``s65`` created through the Admin REST API: the confidential
direct-grant clients ``app`` and ``other`` and users ``user0``..``user9`` (password ``pw-<name>``). Requests go through
``Cluster``: a fresh connection each (no keep-alive), so the kernel spreads them over both workers, as a load
balancer would; ``storm`` sends many at once.
"""

from __future__ import annotations

import asyncio
import base64
import json
import time
import uuid
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest

from interop.server import WorkersProcess
from pg import ThrowawayPostgres

REALM = "s65"
USERS = [f"user{n}" for n in range(10)]
SECRETS = {"app": "app-secret", "other": "other-secret"}
OIDC = f"/realms/{REALM}/protocol/openid-connect"
ADMIN = f"/admin/realms/{REALM}"


def _client(client_id: str) -> dict[str, Any]:
    return {
        "clientId": client_id,
        "secret": SECRETS[client_id],
        "publicClient": False,
        "directAccessGrantsEnabled": True,
        "standardFlowEnabled": True,
        "redirectUris": ["http://127.0.0.1/cb"],
    }


def _user(name: str) -> dict[str, Any]:
    return {
        "username": name,
        "enabled": True,
        "email": f"{name}@example.com",
        "emailVerified": True,
        "firstName": name,
        "lastName": "Tester",
        "credentials": [{"type": "password", "value": f"pw-{name}", "temporary": False}],
        "realmRoles": [f"default-roles-{REALM}"],  # an imported user gets no default roles unless named (Keycloak)
    }


REALM_JSON: dict[str, Any] = {
    "realm": REALM,
    "enabled": True,
    "clients": [_client("app"), _client("other")],
    "users": [_user(name) for name in USERS],
}


def claims(token: str) -> dict[str, Any]:
    """A JWT's payload, unverified."""
    payload = token.split(".")[1]
    return dict(json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))))


@dataclass
class Cluster:
    server: WorkersProcess
    _admin: tuple[str, float] = field(default=("", 0.0))

    def http(self) -> httpx.AsyncClient:
        """A client opening a new connection per request: either worker may answer each."""
        limits = httpx.Limits(max_connections=200, max_keepalive_connections=0)
        return httpx.AsyncClient(base_url=self.server.base_url, timeout=60, limits=limits)

    def admin_headers(self) -> dict[str, str]:
        token, at = self._admin
        if time.monotonic() - at > 30:  # master's access tokens live 60 s
            self._admin = token, at = self.server.admin_token(), time.monotonic()
        return {"Authorization": f"Bearer {token}"}

    async def admin(self, method: str, path: str, body: Any = None) -> httpx.Response:
        async with self.http() as http:
            return await http.request(method, f"{ADMIN}{path}", json=body, headers=self.admin_headers())

    async def admin_json(self, path: str) -> Any:
        answer = await self.admin("GET", path)
        assert answer.status_code == 200, answer.text
        return answer.json()

    async def realm(self, **change: Any) -> None:
        answer = await self.admin("PUT", "", change)
        assert answer.status_code == 204, answer.text

    async def client_uuid(self, client_id: str) -> str:
        return str((await self.admin_json(f"/clients?clientId={client_id}"))[0]["id"])

    async def user_id(self, username: str) -> str:
        return str((await self.admin_json(f"/users?username={username}&exact=true"))[0]["id"])

    async def post(self, path: str, form: dict[str, str], client: str = "app") -> httpx.Response:
        async with self.http() as http:
            return await http.post(f"{OIDC}/{path}", data=form, auth=(client, SECRETS[client]))

    async def offline_login(self, user: str = "user0", client: str = "app") -> dict[str, Any]:
        form = {"grant_type": "password", "username": user, "password": f"pw-{user}", "scope": "offline_access"}
        answer = await self.post("token", form, client)
        assert answer.status_code == 200, answer.text
        assert claims(answer.json()["refresh_token"])["typ"] == "Offline"
        return dict(answer.json())

    async def refresh(self, token: str, client: str = "app") -> httpx.Response:
        return await self.post("token", {"grant_type": "refresh_token", "refresh_token": token}, client)

    async def introspect(self, token: str, client: str = "app") -> dict[str, Any]:
        answer = await self.post("token/introspect", {"token": token}, client)
        assert answer.status_code == 200, answer.text
        return dict(answer.json())


async def storm(count: int, make: Callable[[], Awaitable[httpx.Response]]) -> list[httpx.Response]:
    """``count`` requests in flight at once."""
    return list(await asyncio.gather(*(make() for _ in range(count))))


def outcome(answer: httpx.Response) -> tuple[int, str]:
    """A refresh's status and, on a refusal, its error description."""
    if answer.status_code == 200:
        return 200, ""
    return answer.status_code, str(answer.json().get("error_description", answer.text))


@pytest.fixture(scope="module")
def two_workers(tmp_path_factory: pytest.TempPathFactory, postgres_server: ThrowawayPostgres) -> Iterator[Cluster]:
    """``doorkeep start --workers 2`` on a database of its own, realm ``s65`` created; stopped and dropped after."""
    name = f"s65_{uuid.uuid4().hex[:12]}"
    postgres_server.create_database(name)
    server = WorkersProcess(Path(tmp_path_factory.mktemp("s65")) / "server", db_url=postgres_server.url(name))
    server.start()
    try:
        cluster = Cluster(server)
        created = asyncio.run(_create_realm(cluster))
        assert created.status_code == 201, created.text
        yield cluster
    finally:
        server.stop()
        postgres_server.drop_database(name)


async def _create_realm(cluster: Cluster) -> httpx.Response:
    async with cluster.http() as http:
        return await http.post("/admin/realms", json=REALM_JSON, headers=cluster.admin_headers())
