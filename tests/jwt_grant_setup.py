"""A realm set up as Keycloak's BaseAbstractJWTAuthorizationGrantTest sets its own up, for the JWT authorization grant
tests: an identity provider trusting the FakeIdp's assertions (issuer and JWK set), ``user1`` linked to its subject
``basic-user-id``, the confidential client ``app`` allowed the grant and that provider, and the clients the refusals
need (``test-public``, ``authorization-grant-disabled-client``, ``authorization-grant-not-allowed-idp-client``)."""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import httpx

from fake_idp import FakeIdp, fake_idp
from wire_env import Env

GRANT = "urn:ietf:params:oauth:grant-type:jwt-bearer"
ALIAS = "authorization-grant-idp-alias"
SUBJECT = "basic-user-id"
ISSUER = "http://localhost/realms/test"
TOKEN_ENDPOINT = f"{ISSUER}/protocol/openid-connect/token"
TOKEN = "/realms/test/protocol/openid-connect/token"
ENABLED = "oauth2.jwt.authorization.grant.enabled"
ALLOWED = "oauth2.jwt.authorization.grant.idp"


@dataclass
class Grant:
    env: Env
    idp: FakeIdp
    user_id: str

    def claims(self, **changes: Any) -> dict[str, Any]:
        """createDefaultAuthorizationGrantToken: a fresh ``jti``, our issuer as audience, five minutes, no ``iat``;
        a None in ``changes`` leaves the claim out."""
        now = self.env.clock.now()
        base: dict[str, Any] = {"jti": str(uuid.uuid4()), "sub": SUBJECT, "aud": ISSUER, "iss": self.idp.issuer}
        base |= {"exp": now + 300, **changes}
        return {k: v for k, v in base.items() if v is not None}

    def assertion(self, **changes: Any) -> str:
        return self.idp.signed(self.claims(**changes))

    async def post(
        self, assertion: str | None, client: str = "app", secret: str | None = "secret", **form: str
    ) -> httpx.Response:
        data = {"grant_type": GRANT, "client_id": client, **form}
        if secret is not None:
            data["client_secret"] = secret
        if assertion is not None:
            data["assertion"] = assertion
        return await self.env.http.post(TOKEN, data=data)

    async def admin(self) -> dict[str, str]:
        return await self.env.admin_headers()

    async def update_provider(self, **config: str) -> None:
        """realm.updateIdentityProvider: the provider's config changed (or, with ``enabled``, its switch)."""
        path = f"/admin/realms/test/identity-provider/instances/{ALIAS}"
        rep = (await self.env.http.get(path, headers=await self.admin())).json()
        enabled = config.pop("enabled", None)
        if enabled is not None:
            rep["enabled"] = enabled == "true"
        rep["config"] |= config
        put = await self.env.http.put(path, json=rep, headers=await self.admin())
        assert put.status_code == 204, put.text

    async def events(self, type: str) -> list[dict[str, Any]]:
        found = await self.env.http.get("/admin/realms/test/events", params={"type": type}, headers=await self.admin())
        assert found.status_code == 200, found.text
        events: list[dict[str, Any]] = found.json()
        return events


async def _client(env: Env, client_id: str, attributes: dict[str, str], public: bool = False) -> None:
    rep: dict[str, Any] = {"clientId": client_id, "publicClient": public, "attributes": attributes}
    if not public:
        rep["secret"] = "secret"
    made = await env.http.post("/admin/realms/test/clients", json=rep, headers=await env.admin_headers())
    assert made.status_code == 201, made.text


async def _set_app(env: Env, **attributes: str) -> None:
    h = await env.admin_headers()
    found = (await env.http.get("/admin/realms/test/clients", params={"clientId": "app"}, headers=h)).json()[0]
    found["attributes"] = {**found.get("attributes", {}), **attributes}
    put = await env.http.put(f"/admin/realms/test/clients/{found['id']}", json=found, headers=h)
    assert put.status_code == 204, put.text


def provider_rep(idp: FakeIdp, provider_id: str = "oidc", **config: str) -> dict[str, Any]:
    """An OpenID Connect provider with the grant on, or (``jwt-authorization-grant``) Keycloak's own type."""
    if provider_id == "oidc":
        return idp.rep(ALIAS, jwtAuthorizationGrantEnabled="true", **config)
    base = {"issuer": idp.issuer, "useJwksUrl": "true", "jwksUrl": f"{idp.base}/certs"}
    return {"alias": ALIAS, "providerId": provider_id, "enabled": True, "config": base | config}


@contextlib.asynccontextmanager
async def grant_realm(env: Env, provider_id: str = "oidc") -> AsyncIterator[Grant]:
    async with fake_idp() as idp:
        h = await env.admin_headers()
        put = await env.http.put("/admin/realms/test", json={"eventsEnabled": True}, headers=h)
        assert put.status_code == 204, put.text
        rep = provider_rep(idp, provider_id)
        made = await env.http.post("/admin/realms/test/identity-provider/instances", json=rep, headers=h)
        assert made.status_code == 201, made.text
        await _set_app(env, **{ENABLED: "true", ALLOWED: ALIAS})
        await _client(env, "test-public", {ENABLED: "true", ALLOWED: ALIAS}, public=True)
        await _client(env, "authorization-grant-disabled-client", {ALLOWED: ALIAS})
        await _client(env, "authorization-grant-not-allowed-idp-client", {ENABLED: "true"})
        users = (await env.http.get("/admin/realms/test/users", params={"username": "user1"}, headers=h)).json()
        user_id = users[0]["id"]
        link = {"identityProvider": ALIAS, "userId": SUBJECT, "userName": "basic-user"}
        path = f"/admin/realms/test/users/{user_id}/federated-identity/{ALIAS}"
        linked = await env.http.post(path, json=link, headers=h)
        assert linked.status_code == 204, linked.text
        yield Grant(env, idp, user_id)
