"""Keycloak 26.1's ``service_account`` client scope: every realm has it (not a realm default nor optional), a
client is linked to it as a default scope exactly while its service accounts are enabled, and it is its three
user-session-note mappers that put ``client_id``, ``clientHost`` and ``clientAddress`` into client-credentials
tokens (access and ID token, introspection; not userinfo), from the notes the grant writes on the session
(ClientCredentialsGrantType; OIDCLoginProtocolFactory.addServiceAccountClientScope; ClientManager)."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest

from support import audience_rep, claims, token_url
from wire_env import Env

pytestmark = pytest.mark.anyio
# machine introspects its own tokens: Keycloak 26.6.2 answers only a client in the token's audience
OWN_AUDIENCE = [audience_rep("machine")]

ADMIN = "/admin/realms/test"
SA_CLAIMS = ("client_id", "clientHost", "clientAddress")


async def _admin(env: Env, method: str, path: str, body: Any = None) -> httpx.Response:
    return await env.http.request(method, ADMIN + path, json=body, headers=await env.admin_headers())


async def _create(env: Env, client_id: str, **rep: Any) -> str:
    body = {"clientId": client_id, "publicClient": False, "secret": "secret", **rep}
    created = await _admin(env, "POST", "/clients", body)
    assert created.status_code == 201, created.text
    return created.headers["location"].rsplit("/", 1)[1]


async def _default_scopes(env: Env, uuid: str) -> list[str]:
    response = await _admin(env, "GET", f"/clients/{uuid}/default-client-scopes")
    assert response.status_code == 200, response.text
    return sorted(s["name"] for s in response.json())


async def _cc(http: httpx.AsyncClient, client_id: str, **extra: str) -> dict[str, Any]:
    form = {"grant_type": "client_credentials", "client_id": client_id, "client_secret": "secret", **extra}
    response = await http.post(token_url("test"), data=form)
    assert response.status_code == 200, response.text
    return dict(response.json())


async def test_a_new_realm_has_the_scope_with_keycloaks_mappers_and_neither_default_nor_optional(realm: Env) -> None:
    scopes = (await _admin(realm, "GET", "/client-scopes")).json()
    found = [s for s in scopes if s["name"] == "service_account"]
    assert len(found) == 1
    scope = found[0]
    assert scope["description"] == "Specific scope for a client enabled for service accounts"
    assert scope["protocol"] == "openid-connect"
    assert scope["attributes"]["include.in.token.scope"] == "false"
    assert scope["attributes"]["display.on.consent.screen"] == "false"
    mappers = {m["name"]: m for m in scope["protocolMappers"]}
    assert set(mappers) == {"Client ID", "Client Host", "Client IP Address"}
    assert mappers["Client Host"]["protocolMapper"] == "oidc-usersessionmodel-note-mapper"
    assert mappers["Client Host"]["config"]["user.session.note"] == "clientHost"
    assert mappers["Client ID"]["config"]["claim.name"] == "client_id"
    assert "userinfo.token.claim" not in mappers["Client IP Address"]["config"]
    defaults = (await _admin(realm, "GET", "/default-default-client-scopes")).json()
    optionals = (await _admin(realm, "GET", "/default-optional-client-scopes")).json()
    assert "service_account" not in {s["name"] for s in defaults + optionals}
    discovery = (await realm.http.get("/realms/test/.well-known/openid-configuration")).json()
    assert "service_account" in discovery["scopes_supported"]


async def test_the_link_follows_service_accounts_enabled(realm: Env) -> None:
    uuid = await _create(realm, "machine", serviceAccountsEnabled=True)
    assert "service_account" in await _default_scopes(realm, uuid)
    plain = await _create(realm, "browser")
    assert "service_account" not in await _default_scopes(realm, plain)
    # Explicit scope lists replace the realm's defaults, and the service-account link still comes with the flag.
    explicit = await _create(realm, "explicit", serviceAccountsEnabled=True, defaultClientScopes=["roles"])
    assert await _default_scopes(realm, explicit) == ["roles", "service_account"]

    rep = (await _admin(realm, "GET", f"/clients/{uuid}")).json()
    assert (await _admin(realm, "PUT", f"/clients/{uuid}", {**rep, "serviceAccountsEnabled": False})).status_code == 204
    assert "service_account" not in await _default_scopes(realm, uuid)
    assert (await _admin(realm, "PUT", f"/clients/{uuid}", {**rep, "serviceAccountsEnabled": True})).status_code == 204
    assert "service_account" in await _default_scopes(realm, uuid)
    # Every update with the flag on links the scope as a default one again, even one the admin removed
    # (ServiceAccountClientTest.testServiceAccountEnableDisable: "should assign the scope again as default").
    scope_id = next(
        s["id"] for s in (await _admin(realm, "GET", "/client-scopes")).json() if s["name"] == "service_account"
    )
    assert (await _admin(realm, "DELETE", f"/clients/{uuid}/default-client-scopes/{scope_id}")).status_code == 204
    assert "service_account" not in await _default_scopes(realm, uuid)
    assert (await _admin(realm, "PUT", f"/clients/{uuid}", {**rep, "description": "renamed"})).status_code == 204
    assert "service_account" in await _default_scopes(realm, uuid)
    # An update that leaves the flag out (a partial representation) changes nothing.
    assert (await _admin(realm, "DELETE", f"/clients/{uuid}/default-client-scopes/{scope_id}")).status_code == 204
    assert (await _admin(realm, "PUT", f"/clients/{uuid}", {"description": "partial"})).status_code == 204
    assert "service_account" not in await _default_scopes(realm, uuid)


async def test_the_scopes_mappers_give_the_claims_of_a_client_credentials_grant(realm: Env) -> None:
    uuid = await _create(realm, "machine", serviceAccountsEnabled=True, protocolMappers=OWN_AUDIENCE)
    body = await _cc(realm.http, "machine", scope="openid")
    access, id_token = claims(body["access_token"]), claims(body["id_token"])
    for token in (access, id_token):
        assert token["client_id"] == "machine"
        assert token["clientHost"] == token["clientAddress"] == "127.0.0.1"
    assert "service_account" not in access["scope"].split()  # include.in.token.scope=false
    form = {"token": body["access_token"], "client_id": "machine", "client_secret": "secret"}
    introspected = (await realm.http.post(token_url("test", "token/introspect"), data=form)).json()
    # A transient session is gone once the grant is answered: introspection maps the token again without its
    # notes (as Keycloak's transient session for introspection has none); the stored case is tested below.
    assert introspected["active"] is True and introspected["client_id"] == "machine"
    assert "clientAddress" not in introspected
    info = await realm.http.get(
        "/realms/test/protocol/openid-connect/userinfo", headers={"Authorization": f"Bearer {body['access_token']}"}
    )
    assert info.status_code == 200, info.text
    assert not set(SA_CLAIMS) & set(info.json())

    # Without the scope there are no such claims: they come from its mappers, nowhere else.
    scope_id = next(
        s["id"] for s in (await _admin(realm, "GET", "/client-scopes")).json() if s["name"] == "service_account"
    )
    assert (await _admin(realm, "DELETE", f"/clients/{uuid}/default-client-scopes/{scope_id}")).status_code == 204
    bare = claims((await _cc(realm.http, "machine"))["access_token"])
    assert not set(SA_CLAIMS) & set(bare)
    # A mapper added to the scope applies to the next grant (the grant's own notes, e.g. Keycloak's old clientId).
    mapper = {
        "name": "legacy client id",
        "protocol": "openid-connect",
        "protocolMapper": "oidc-usersessionmodel-note-mapper",
        "config": {"user.session.note": "clientId", "claim.name": "clientId", "access.token.claim": "true"},
    }
    assert (
        await _admin(realm, "POST", f"/client-scopes/{scope_id}/protocol-mappers/models", mapper)
    ).status_code == 201
    assert (await _admin(realm, "PUT", f"/clients/{uuid}/default-client-scopes/{scope_id}")).status_code == 204
    again = claims((await _cc(realm.http, "machine"))["access_token"])
    assert again["clientId"] == again["client_id"] == "machine"


async def test_each_caller_gets_its_own_address_from_one_process(realm: Env) -> None:
    """Client credentials without a refresh token keep what they derive per process; the caller's address
    is not part of that (two callers, one app)."""
    await _create(realm, "machine", serviceAccountsEnabled=True)
    app = realm.apps[0]
    for ip in ("127.0.0.1", "10.9.8.7", "127.0.0.1"):
        transport = httpx.ASGITransport(app=app, raise_app_exceptions=False, client=(ip, 40000))
        async with httpx.AsyncClient(transport=transport, base_url="http://localhost") as http:
            token = claims((await _cc(http, "machine"))["access_token"])
        assert token["clientHost"] == token["clientAddress"] == ip


async def test_a_refreshed_token_keeps_the_notes_of_the_grant(realm: Env) -> None:
    """With ``client_credentials.use_refresh_token`` the session is stored with its notes: a refresh from
    another address still carries the address of the grant, as Keycloak's stored user session does."""
    await _create(
        realm,
        "machine",
        serviceAccountsEnabled=True,
        attributes={"client_credentials.use_refresh_token": "true"},
        protocolMappers=OWN_AUDIENCE,
    )
    body = await _cc(realm.http, "machine")
    transport = httpx.ASGITransport(app=realm.apps[0], raise_app_exceptions=False, client=("10.1.1.1", 40000))
    async with httpx.AsyncClient(transport=transport, base_url="http://localhost") as other:
        form = {
            "grant_type": "refresh_token",
            "refresh_token": body["refresh_token"],
            "client_id": "machine",
            "client_secret": "secret",
        }
        refreshed = await other.post(token_url("test"), data=form)
    assert refreshed.status_code == 200, refreshed.text
    token = claims(refreshed.json()["access_token"])
    assert token["client_id"] == "machine"
    assert token["clientHost"] == token["clientAddress"] == "127.0.0.1"
    form = {"token": refreshed.json()["access_token"], "client_id": "machine", "client_secret": "secret"}
    introspected = (await realm.http.post(token_url("test", "token/introspect"), data=form)).json()
    assert introspected["active"] is True
    assert (introspected["clientHost"], introspected["clientAddress"]) == ("127.0.0.1", "127.0.0.1")


async def test_a_password_grant_user_gets_none_of_them(realm: Env) -> None:
    """The notes are the client-credentials grant's: a user logging in through a service-account client
    has no such session notes, so the linked scope's mappers add nothing."""
    uuid = await _create(realm, "both", serviceAccountsEnabled=True, directAccessGrantsEnabled=True)
    assert "service_account" in await _default_scopes(realm, uuid)
    form = {
        "grant_type": "password",
        "client_id": "both",
        "client_secret": "secret",
        "username": "user1",
        "password": "password",
    }
    response = await realm.http.post(token_url("test"), data=form)
    assert response.status_code == 200, response.text
    assert not set(SA_CLAIMS) & set(claims(response.json()["access_token"]))


async def test_two_admins_enabling_service_accounts_at_once_leave_one_link(realm: Env) -> None:
    """Two updates switching service accounts on at once: each answers 204, or 409 where the database met the
    other's link first (Keycloak's answer to the same race); never a 500, and the client ends with one
    service-account user and one link to the scope."""
    uuid = await _create(realm, "racer")
    rep = (await _admin(realm, "GET", f"/clients/{uuid}")).json()
    enabled = {**rep, "serviceAccountsEnabled": True}
    answers = await asyncio.gather(*(_admin(realm, "PUT", f"/clients/{uuid}", enabled) for _ in range(4)))
    assert {a.status_code for a in answers} <= {204, 409}, [a.text for a in answers]
    assert 204 in {a.status_code for a in answers}
    assert (await _default_scopes(realm, uuid)).count("service_account") == 1
    users = await _admin(realm, "GET", "/users?username=service-account-racer&exact=true")
    assert len(users.json()) == 1
    assert "client_id" in claims((await _cc(realm.http, "racer"))["access_token"])


async def test_nested_note_claims_never_leak_into_the_kept_claims_of_other_callers(realm: Env) -> None:
    """A session-note mapper writing into an object another (kept) mapper also writes to: each caller's token
    has its own address beside the kept value, and the kept claims are never changed by one caller's notes."""
    uuid = await _create(realm, "nested", serviceAccountsEnabled=True)
    for name, kind, config in (
        ("net kind", "oidc-hardcoded-claim-mapper", {"claim.name": "net.kind", "claim.value": "machine"}),
        (
            "net host",
            "oidc-usersessionmodel-note-mapper",
            {"claim.name": "net.host", "user.session.note": "clientHost"},
        ),
    ):
        body = {
            "name": name,
            "protocol": "openid-connect",
            "protocolMapper": kind,
            "config": {**config, "access.token.claim": "true", "jsonType.label": "String"},
        }
        added = await _admin(realm, "POST", f"/clients/{uuid}/protocol-mappers/models", body)
        assert added.status_code == 201, added.text
    app = realm.apps[0]
    for ip in ("10.0.0.1", "10.0.0.2", "10.0.0.1", "10.0.0.3"):
        transport = httpx.ASGITransport(app=app, raise_app_exceptions=False, client=(ip, 40000))
        async with httpx.AsyncClient(transport=transport, base_url="http://localhost") as http:
            token = claims((await _cc(http, "nested"))["access_token"])
        assert token["net"] == {"kind": "machine", "host": ip}
        assert token["clientAddress"] == ip
