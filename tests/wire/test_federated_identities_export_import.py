"""Users' links to identity providers (UserRepresentation.federatedIdentities) in realm exports, realm imports,
``POST /users`` and partial imports, as Keycloak's ExportUtils.exportUser, DefaultExportImportManager.createUser
and RepresentationToModel.createFederatedIdentities read and write them."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import jwt
import pytest

from broker_support import ALIAS, Broker, broker_tokens, browser, served
from doorkeep.realms.exportimport.files import ImportError_, export_realm, import_file
from passkeys_support import user_id
from support import seed_realm, seed_user
from wire_env import Env

pytestmark = pytest.mark.anyio

USERS = "/admin/realms/test/users"


async def _links(env: Env, username: str, realm: str = "test") -> list[dict[str, Any]]:
    """What ``GET …/federated-identity`` shows: the links to providers the realm has."""
    found = await user_id(env, username, realm)
    got = await env.http.get(
        f"/admin/realms/{realm}/users/{found}/federated-identity", headers=await env.admin_headers()
    )
    assert got.status_code == 200, got.text
    links: list[dict[str, Any]] = got.json()
    return links


async def _stored(env: Env, username: str, realm: str = "test") -> list[tuple[str, str | None, str | None]]:
    """Every stored link of the user, those to providers the realm lacks included."""
    found = await user_id(env, username, realm)
    async with env.db.transaction() as tx:
        return [(f.alias, f.federated_user_id, f.federated_username) for f in await tx.federated.of_user(found)]


async def test_an_exported_link_is_imported_and_the_user_signs_in_through_the_provider_without_a_first_login(
    env: Env, tmp_path: Path
) -> None:
    async with served(env) as broker:
        await broker.add_provider()
        await seed_user(env.db, env.clock, "test", "bob", email="bob@example.org")
        alice = await user_id(env, "alice", "provider")
        bob = await user_id(env, "bob", "test")
        headers = await env.admin_headers()
        linked = await env.http.post(
            f"{USERS}/{bob}/federated-identity/{ALIAS}", json={"userId": alice, "userName": "alice"}, headers=headers
        )
        assert linked.status_code == 204, linked.text

        mapper = {
            "name": "dept",
            "identityProviderAlias": ALIAS,
            "identityProviderMapper": "hardcoded-attribute-idp-mapper",
            "config": {"attribute": "department", "attribute.value": "sales", "syncMode": "INHERIT"},
        }
        mappers = f"/admin/realms/test/identity-provider/instances/{ALIAS}/mappers"
        assert (await env.http.post(mappers, json=mapper, headers=headers)).status_code == 201

        exported = await export_realm(env.db, "test")
        [bob_rep] = [u for u in exported["users"] if u["username"] == "bob"]
        assert bob_rep["federatedIdentities"] == [{"identityProvider": ALIAS, "userId": alice, "userName": "alice"}]
        assert all("federatedIdentities" not in u for u in exported["users"] if u["username"] != "bob")

        assert (await env.http.delete("/admin/realms/test", headers=headers)).status_code == 204
        path = tmp_path / "test-realm.json"
        path.write_text(json.dumps(exported), encoding="utf-8")
        assert await import_file(env.db, str(path), env.clock, skip_existing=False) == ["test"]
        assert await _links(env, "bob") == [{"identityProvider": ALIAS, "userId": alice, "userName": "alice"}]
        [kept] = (await env.http.get(mappers, headers=await env.admin_headers())).json()
        assert (kept["name"], kept["config"]["attribute.value"]) == ("dept", "sales")

        await _signs_in_as(broker, "bob")


async def _signs_in_as(broker: Broker, username: str) -> None:
    """The provider's alice comes back to the client at once as the linked user: no first broker login pages."""
    async with browser(broker) as http:
        tokens = await broker_tokens(http)
    claims = jwt.decode(tokens["access_token"], options={"verify_signature": False})
    assert (claims["preferred_username"], claims["sub"]) == (username, await user_id(broker.env, username, "test"))
    got = await broker.env.http.get("/admin/realms/test/events", headers=await broker.env.admin_headers())
    assert "IDENTITY_PROVIDER_FIRST_LOGIN" not in [e["type"] for e in got.json()]
    listed = await broker.env.http.get(
        "/admin/realms/test/users", params={"search": "alice"}, headers=await broker.env.admin_headers()
    )
    assert listed.json() == []  # no user was made for the provider's alice


def _realm_with(*users: dict[str, Any], providers: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    provider = {"alias": "corp", "providerId": "oidc", "enabled": True, "config": _oidc_config()}
    return {"realm": "linked", "enabled": True, "identityProviders": providers or [provider], "users": list(users)}


def _oidc_config() -> dict[str, str]:
    return {
        "clientId": "c",
        "clientSecret": "s",
        "authorizationUrl": "https://idp.example/auth",
        "tokenUrl": "https://idp.example/token",
    }


async def test_realm_import_keeps_links_to_providers_the_realm_lacks_as_keycloak_does(env: Env) -> None:
    """Keycloak stores the link without looking for its provider; the admin API shows it once the provider is
    there, and the export carries it meanwhile."""
    headers = await env.admin_headers()
    rep = _realm_with(
        {
            "username": "carol",
            "enabled": True,
            "federatedIdentities": [
                {"identityProvider": "corp", "userId": "c-1", "userName": "carol@corp"},
                {"identityProvider": "later", "userId": "l-1", "userName": "carol"},
            ],
        }
    )
    created = await env.http.post("/admin/realms", json=rep, headers=headers)
    assert created.status_code == 201, created.text
    assert await _links(env, "carol", "linked") == [
        {"identityProvider": "corp", "userId": "c-1", "userName": "carol@corp"}
    ]
    assert await _stored(env, "carol", "linked") == [("corp", "c-1", "carol@corp"), ("later", "l-1", "carol")]
    [carol] = (await export_realm(env.db, "linked"))["users"]
    assert [link["identityProvider"] for link in carol["federatedIdentities"]] == ["corp", "later"]

    later = {"alias": "later", "providerId": "oidc", "config": _oidc_config()}
    made = await env.http.post("/admin/realms/linked/identity-provider/instances", json=later, headers=headers)
    assert made.status_code == 201, made.text
    assert [link["identityProvider"] for link in await _links(env, "carol", "linked")] == ["corp", "later"]


@pytest.mark.parametrize(
    ("users", "where"),
    [
        (
            [{"username": "a", "federatedIdentities": [{"identityProvider": "corp"}, {"identityProvider": "corp"}]}],
            "users[0].federatedIdentities[1].identityProvider: the user is linked to 'corp' twice",
        ),
        (
            [{"username": "a", "federatedIdentities": [{"userId": "x"}]}],
            "users[0].federatedIdentities[0].identityProvider: missing",
        ),
        (
            [
                {"username": "a", "federatedIdentities": [{"identityProvider": "corp", "userId": "same"}]},
                {"username": "b", "federatedIdentities": [{"identityProvider": "corp", "userId": "same"}]},
            ],
            "users[1].federatedIdentities[0].userId: 'same' of 'corp' is linked to users[0] already",
        ),
        (
            [{"username": "a", "federatedIdentities": {"identityProvider": "corp"}}],
            "users[0].federatedIdentities: expected a list",
        ),
    ],
    ids=["same-alias-twice", "no-alias", "one-account-two-users", "not-a-list"],
)
async def test_a_link_that_cannot_be_stored_fails_the_import_and_nothing_is_written(
    env: Env, tmp_path: Path, users: list[dict[str, Any]], where: str
) -> None:
    headers = await env.admin_headers()
    answer = await env.http.post("/admin/realms", json=_realm_with(*users), headers=headers)
    assert answer.status_code == 400 and answer.json() == {"errorMessage": where}, answer.text
    path = tmp_path / "linked.json"
    path.write_text(json.dumps(_realm_with(*users)), encoding="utf-8")
    with pytest.raises(ImportError_, match=re.escape(f"{path}: {where}")):
        await import_file(env.db, str(path), env.clock, skip_existing=False)
    assert (await env.http.get("/admin/realms/linked", headers=headers)).status_code == 404


async def test_creating_a_user_with_federated_identities_links_it(env: Env) -> None:
    """UsersResource.createUser calls RepresentationToModel.createFederatedIdentities."""
    await seed_realm(env.db, env.clock)
    headers = await env.admin_headers()
    provider = {"alias": "corp", "providerId": "oidc", "config": _oidc_config()}
    made = await env.http.post("/admin/realms/test/identity-provider/instances", json=provider, headers=headers)
    assert made.status_code == 201, made.text
    links = [{"identityProvider": "corp", "userId": "d-1", "userName": "dave"}, {"identityProvider": "gone"}]
    created = await env.http.post(USERS, json={"username": "dave", "federatedIdentities": links}, headers=headers)
    assert created.status_code == 201, created.text
    assert await _links(env, "dave") == [links[0]]
    assert await _stored(env, "dave") == [("corp", "d-1", "dave"), ("gone", None, None)]

    cases = [
        ([{"identityProvider": "corp", "userId": "d-1"}], 409, "User exists with same username or email"),
        ([{"identityProvider": "x"}, {"identityProvider": "x"}], 409, "User exists with same username or email"),
        ([{"userName": "nobody"}], 400, "federatedIdentities[0].identityProvider: missing"),
    ]
    for sent, status, message in cases:
        answer = await env.http.post(USERS, json={"username": "erin", "federatedIdentities": sent}, headers=headers)
        assert (answer.status_code, answer.json()) == (status, {"errorMessage": message}), sent
    found = await env.http.get(USERS, params={"username": "erin", "exact": "true"}, headers=headers)
    assert found.json() == []  # no user left behind by a refused link


async def test_partial_import_brings_links_with_new_and_overwritten_users_only(env: Env) -> None:
    """UsersPartialImport creates each user with RepresentationToModel.createUser, links included: FAIL stops at
    the existing user, SKIP leaves its links, OVERWRITE replaces the user with the file's links."""
    await seed_realm(env.db, env.clock)
    headers = await env.admin_headers()
    provider = {"alias": "corp", "providerId": "oidc", "config": _oidc_config()}
    assert (
        await env.http.post("/admin/realms/test/identity-provider/instances", json=provider, headers=headers)
    ).status_code == 201
    old = {"username": "bob", "federatedIdentities": [{"identityProvider": "corp", "userId": "b-old"}]}
    assert (await env.http.post(USERS, json=old, headers=headers)).status_code == 201

    new_bob = {"username": "bob", "federatedIdentities": [{"identityProvider": "corp", "userId": "b-new"}]}
    carol = {"username": "carol", "federatedIdentities": [{"identityProvider": "corp", "userId": "c-1"}]}
    url = "/admin/realms/test/partialImport"

    failed = await env.http.post(url, json={"users": [carol, new_bob]}, headers=headers)
    assert failed.status_code == 409 and failed.json() == {"errorMessage": "User with user name bob already exists."}
    assert await _stored(env, "bob") == [("corp", "b-old", None)]
    assert (await env.http.get(USERS, params={"username": "carol"}, headers=headers)).json() == []

    body = {"ifResourceExists": "SKIP", "users": [carol, new_bob]}
    skipped = await env.http.post(url, json=body, headers=headers)
    assert skipped.status_code == 200 and (skipped.json()["added"], skipped.json()["skipped"]) == (1, 1)
    assert await _stored(env, "bob") == [("corp", "b-old", None)]
    assert await _stored(env, "carol") == [("corp", "c-1", None)]

    overwritten = await env.http.post(url, json={"ifResourceExists": "OVERWRITE", "users": [new_bob]}, headers=headers)
    assert overwritten.status_code == 200 and overwritten.json()["overwritten"] == 1, overwritten.text
    assert await _stored(env, "bob") == [("corp", "b-new", None)]

    taken = {"username": "dan", "federatedIdentities": [{"identityProvider": "corp", "userId": "c-1"}]}
    erin = {"username": "erin", "federatedIdentities": [{"identityProvider": "corp", "userId": "e-1"}]}
    refused = await env.http.post(url, json={"users": [erin, taken]}, headers=headers)
    assert refused.status_code == 409 and refused.json() == {"errorMessage": "User exists with same username or email"}
    for name in ("erin", "dan"):  # the whole import is refused, the user before the refused one too
        assert (await env.http.get(USERS, params={"username": name}, headers=headers)).json() == []
