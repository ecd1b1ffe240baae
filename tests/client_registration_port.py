"""Shared set-up of the wire ports of Keycloak's client registration tests (ClientRegistrationTest and its
AbstractClientRegistrationTest): ClientRegistrationRealmConfig's realm ``test`` and a small stand-in for the Java
``ClientRegistration`` client of the default provider, authenticated as Keycloak's ``authManageClients`` /
``authCreateClients`` / ``authNoAccess`` do (a password grant of ``admin-cli`` for that user)."""

from __future__ import annotations

from typing import Any

import httpx

from support import password_grant
from wire_env import Env

CLIENT_ID = "test-client"
CLIENT_SECRET = "test-client-secret"


def _user(username: str, first: str, last: str, *management: str) -> dict[str, Any]:
    user: dict[str, Any] = {
        "username": username,
        "firstName": first,
        "lastName": last,
        "email": f"{username}@test.com",
        "emailVerified": True,
        "enabled": True,
        "credentials": [{"type": "password", "value": "password"}],
    }
    if management:
        user["clientRoles"] = {"realm-management": list(management)}
    return user


REGISTRATION_REALM: dict[str, Any] = {
    "realm": "test",
    "enabled": True,
    "loginWithEmailAllowed": True,
    "clients": [{"clientId": "myclient-test", "publicClient": True, "directAccessGrantsEnabled": True}],
    "users": [
        _user("manage-clients", "manage", "clients", "manage-clients"),
        _user("create-clients", "create", "clients", "create-client"),
        _user("no-access", "no", "access"),
        {**_user("test-user", "test", "user"), "email": "test-user@localhost"},
    ],
}


class Registration:
    """The default provider of a realm's client registration service, as the Java ``ClientRegistration``
    calls it: ``create`` / ``get`` / ``update`` / ``delete`` answer the raw response."""

    def __init__(
        self, env: Env, realm: str = "test", provider: str = "default", tokens: dict[str, str] | None = None
    ) -> None:
        self.env = env
        self.url = f"/realms/{realm}/clients-registrations/{provider}"
        self.realm = realm
        self.token: str | None = None
        self._tokens = {} if tokens is None else tokens  # by username, shared where the realm is

    async def auth_as(self, username: str) -> None:
        """``reg.auth(Auth.token(getToken(username, "password")))``: an ``admin-cli`` password grant's
        access token, kept as long as the realm is."""
        if username not in self._tokens:
            response = await password_grant(self.env.http, self.realm, "admin-cli", username, secret=None)
            assert response.status_code == 200, response.text
            self._tokens[username] = response.json()["access_token"]
        self.token = self._tokens[username]

    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"} if self.token else {}

    async def create(self, rep: dict[str, Any]) -> httpx.Response:
        return await self.env.http.post(self.url, json=rep, headers=self.headers())

    async def get(self, client_id: str) -> httpx.Response:
        return await self.env.http.get(f"{self.url}/{client_id}", headers=self.headers())

    async def update(self, rep: dict[str, Any]) -> httpx.Response:
        return await self.env.http.put(f"{self.url}/{rep['clientId']}", json=rep, headers=self.headers())

    async def delete(self, client_id: str) -> httpx.Response:
        return await self.env.http.delete(f"{self.url}/{client_id}", headers=self.headers())


def build_client() -> dict[str, Any]:
    """``buildClient``: the client ``test-client`` with its secret."""
    return {"clientId": CLIENT_ID, "secret": CLIENT_SECRET}


def body(response: httpx.Response, status: int = 200) -> Any:
    """The JSON answer of a call expected to answer ``status``."""
    assert response.status_code == status, (response.status_code, response.text)
    return response.json()
