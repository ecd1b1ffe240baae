"""``/admin/realms/{realm}/identity-provider``: Keycloak's IdentityProvidersResource and IdentityProviderResource
for OpenID Connect providers, and ``users/{id}/federated-identity`` (UserResource). Ported from Keycloak's
IdentityProviderTest (testCreate, testUpdate, testRemove, testFind...) and UserTest's federated identity checks."""

from __future__ import annotations

from typing import Any

import pytest

from admin_support import admin_events, enable_admin_events, forbidden, realm_admin
from doorkeep.realms.exportimport.files import export_realm
from wire_env import Env

pytestmark = [pytest.mark.anyio, pytest.mark.usefixtures("realm")]

URL = "/admin/realms/test/identity-provider/instances"


def rep(alias: str, provider_id: str = "oidc", **extra: Any) -> dict[str, Any]:
    config = {"syncMode": "IMPORT", "clientId": "clientId", "clientSecret": "some secret value"}
    return {"alias": alias, "providerId": provider_id, "config": config, **extra}


async def test_create_stores_the_provider_and_masks_its_secret(env: Env) -> None:
    """IdentityProviderTest.testCreate."""
    headers = await env.admin_headers()
    response = await env.http.post(URL, json=rep("new-identity-provider"), headers=headers)
    assert response.status_code == 201, response.text
    assert response.headers["location"].endswith("/admin/realms/test/identity-provider/instances/new-identity-provider")
    got = (await env.http.get(f"{URL}/new-identity-provider", headers=headers)).json()
    assert got["internalId"]
    assert got["alias"] == "new-identity-provider" and got["providerId"] == "oidc"
    assert got["config"] == {"syncMode": "IMPORT", "clientId": "clientId", "clientSecret": "**********"}
    assert got["enabled"] is True and got["storeToken"] is False and got["trustEmail"] is False
    assert "firstBrokerLoginFlowAlias" not in got
    listed = (await env.http.get(URL, headers=headers)).json()
    assert [p["config"]["clientSecret"] for p in listed] == ["**********"]
    async with env.db.transaction() as tx:
        realm = await tx.realms.get_by_name("test")
        assert realm is not None
        assert realm.identity_providers[0]["config"]["clientSecret"] == "some secret value"
    by_id = await env.http.get(f"{URL}/{got['internalId']}", headers=headers)
    assert by_id.json()["alias"] == "new-identity-provider"


async def test_a_second_provider_with_the_same_alias_is_a_conflict(env: Env) -> None:
    headers = await env.admin_headers()
    assert (await env.http.post(URL, json=rep("twin"), headers=headers)).status_code == 201
    again = await env.http.post(URL, json=rep("twin", "keycloak-oidc"), headers=headers)
    assert again.status_code == 409
    assert again.json() == {"errorMessage": "Identity Provider twin already exists"}


async def test_bad_aliases_provider_ids_and_urls_are_refused(env: Env) -> None:
    """IdentityProviderTest.testCreateWithReservedCharacterForAlias, shouldFailWhenAliasHasSpaceDuringCreation,
    failCreateInvalidUrl."""
    headers = await env.admin_headers()
    spaced = await env.http.post(URL, json=rep("New Identity Provider"), headers=headers)
    assert spaced.status_code == 400 and "Empty Space not allowed." in spaced.text
    reserved = await env.http.post(URL, json=rep("ne$&w-identity-provider"), headers=headers)
    assert reserved.status_code == 400
    unknown = await env.http.post(URL, json=rep("x", "nonsense"), headers=headers)
    assert unknown.json() == {"errorMessage": "Invalid identity provider id [nonsense]"}
    saml = await env.http.post(URL, json=rep("s", "saml"), headers=headers)
    assert saml.status_code == 501
    bad = rep("u")
    bad["config"]["authorizationUrl"] = "invalid://test"
    malformed = await env.http.post(URL, json=bad, headers=headers)
    assert malformed.json() == {"errorMessage": "The url [authorization_url] is malformed"}
    bad["config"] = {"tokenUrl": "http://idp.example.com/token"}  # sslRequired external, a public host
    insecure = await env.http.post(URL, json=bad, headers=headers)
    assert insecure.json() == {"errorMessage": "The url [token_url] requires secure connections"}
    bad["config"] = {"tokenUrl": "http://127.0.0.1:8080/token"}
    assert (await env.http.post(URL, json=bad, headers=headers)).status_code == 201
    flow = await env.http.post(URL, json=rep("f", firstBrokerLoginFlowAlias="my flow"), headers=headers)
    assert flow.json() == {"errorMessage": "No available authentication flow with alias: my flow"}
    unknown_field = await env.http.post(URL, json={**rep("g"), "bogus": 1}, headers=headers)
    assert unknown_field.status_code == 400 and "Unrecognized field" in unknown_field.text


async def test_update_keeps_the_secret_behind_the_mask_and_refuses_a_new_alias(env: Env) -> None:
    """IdentityProviderTest.testUpdate (the new framework's): an update sending the mask keeps the secret; a new client
    id comes with a fresh secret ("Changing clientId requires providing a fresh secret"), which is stored. Keycloak 26
    refuses an alias change."""
    headers = await env.admin_headers()
    await enable_admin_events(env, clear=True)
    assert (await env.http.post(URL, json=rep("update-identity-provider"), headers=headers)).status_code == 201
    got = (await env.http.get(f"{URL}/update-identity-provider", headers=headers)).json()
    got.update(enabled=False, storeToken=True)
    assert (await env.http.put(f"{URL}/update-identity-provider", json=got, headers=headers)).status_code == 204
    after = (await env.http.get(f"{URL}/{got['internalId']}", headers=headers)).json()
    assert after["enabled"] is False and after["storeToken"] is True
    assert await stored_secret(env) == "some secret value"
    after["config"].update(clientId="changedClientId", clientSecret="updated secret value")
    assert (await env.http.put(f"{URL}/update-identity-provider", json=after, headers=headers)).status_code == 204
    after = (await env.http.get(f"{URL}/{got['internalId']}", headers=headers)).json()
    assert after["config"]["clientId"] == "changedClientId"
    assert await stored_secret(env) == "updated secret value"
    renamed = await env.http.put(
        f"{URL}/update-identity-provider", json={**got, "alias": "changed-alias"}, headers=headers
    )
    assert renamed.json() == {"errorMessage": "Identity Provider alias cannot be changed"}
    events = await admin_events(env)
    kinds = [(e["operationType"], e["resourceType"], e["resourcePath"]) for e in events]
    assert ("CREATE", "IDENTITY_PROVIDER", "identity-provider/instances/update-identity-provider") in kinds
    assert ("UPDATE", "IDENTITY_PROVIDER", "identity-provider/instances/update-identity-provider") in kinds
    for event in events:
        assert "some secret value" not in (event.get("representation") or "")
        assert "updated secret value" not in (event.get("representation") or "")


async def stored_secret(env: Env) -> str:
    async with env.db.transaction() as tx:
        realm = await tx.realms.get_by_name("test")
        assert realm is not None
        return str(realm.identity_providers[0]["config"]["clientSecret"])


async def test_remove_deletes_the_provider_and_its_links(env: Env) -> None:
    """IdentityProviderTest.testRemove."""
    headers = await env.admin_headers()
    assert (await env.http.post(URL, json=rep("gone"), headers=headers)).status_code == 201
    user_id = await _user_id(env, "user1")
    links = f"/admin/realms/test/users/{user_id}/federated-identity"
    body = {"userId": "ext-1", "userName": "ext"}
    assert (await env.http.post(f"{links}/gone", json=body, headers=headers)).status_code == 204
    assert (await env.http.delete(f"{URL}/gone", headers=headers)).status_code == 204
    assert (await env.http.get(f"{URL}/gone", headers=headers)).status_code == 404
    assert (await env.http.delete(f"{URL}/gone", headers=headers)).status_code == 404
    assert (await env.http.post(URL, json=rep("gone"), headers=headers)).status_code == 201
    assert (await env.http.get(links, headers=headers)).json() == []  # the link went with the provider


async def test_search_paging_and_brief_representation(env: Env) -> None:
    """IdentityProviderTest.testFind."""
    headers = await env.admin_headers()
    for alias, name in (("twitter", "twitter i"), ("github", None), ("google", None), ("facebook", None)):
        body = rep(alias, displayName=name) if name else rep(alias)
        assert (await env.http.post(URL, json=body, headers=headers)).status_code == 201

    async def names(**params: Any) -> list[str]:
        return [p["alias"] for p in (await env.http.get(URL, params=params, headers=headers)).json()]

    assert await names(search="g*", first=0, max=5) == ["github", "google"]
    assert await names(search="g*", first=0, max=1) == ["github"]
    assert await names(search="g*", first=1, max=1) == ["google"]
    assert await names(search="*oo*") == ["facebook", "google"]  # by alias, as Keycloak pages them
    assert await names(search="*ter i*") == ["twitter"]
    brief = await env.http.get(URL, params={"search": '"twitter"', "briefRepresentation": "true"}, headers=headers)
    assert [p["config"] for p in brief.json()] == [{}]


async def test_reading_needs_view_and_writing_manage_identity_providers(env: Env) -> None:
    viewer = await realm_admin(env, "idp-viewer", "view-identity-providers")
    manager = await realm_admin(env, "idp-manager", "manage-identity-providers")
    nobody = await realm_admin(env, "idp-nobody", "view-users")
    forbidden(await env.http.get(URL, headers=nobody))
    forbidden(await env.http.post(URL, json=rep("a"), headers=viewer))
    assert (await env.http.post(URL, json=rep("a"), headers=manager)).status_code == 201
    assert (await env.http.get(f"{URL}/a", headers=viewer)).status_code == 200
    forbidden(await env.http.delete(f"{URL}/a", headers=viewer))
    assert (await env.http.delete(f"{URL}/a", headers=manager)).status_code == 204
    factory = await env.http.get("/admin/realms/test/identity-provider/providers/keycloak-oidc", headers=viewer)
    assert factory.json()["id"] == "keycloak-oidc"
    missing = await env.http.get("/admin/realms/test/identity-provider/providers/nope", headers=viewer)
    assert missing.status_code == 400


async def test_an_update_checks_view_before_the_body_and_manage_after_it(env: Env) -> None:
    """IdentityProvidersResource.getIdentityProvider (the locator) requires view-identity-providers before the
    PUT's body is bound; update() then requires manage-identity-providers before its null check."""
    headers = await env.admin_headers()
    assert (await env.http.post(URL, json=rep("ordered"), headers=headers)).status_code == 201
    viewer = await realm_admin(env, "idp-viewer", "view-identity-providers")
    nobody = await realm_admin(env, "idp-nobody", "view-users")
    broken = {**nobody, "Content-Type": "application/json"}
    for alias in ("ordered", "missing"):
        forbidden(await env.http.put(f"{URL}/{alias}", content=b"{not json", headers=broken))
        forbidden(await env.http.put(f"{URL}/{alias}", content=b'{"unknownField": 1}', headers=broken))
        unreadable = await env.http.put(
            f"{URL}/{alias}", content=b"{not json", headers={**viewer, "Content-Type": "application/json"}
        )
        assert unreadable.status_code == 400, unreadable.text
        forbidden(await env.http.put(f"{URL}/{alias}", json=rep(alias), headers=viewer))
    missing = await env.http.put(f"{URL}/missing", json=rep("missing"), headers=headers)
    assert missing.status_code == 404


async def test_federated_identity_links_through_the_admin_api(env: Env) -> None:
    """UserResource's federated-identity: add, list (only aliases the realm has), conflict, remove."""
    headers = await env.admin_headers()
    assert (await env.http.post(URL, json=rep("fi1"), headers=headers)).status_code == 201
    user_id = await _user_id(env, "user1")
    links = f"/admin/realms/test/users/{user_id}/federated-identity"
    assert (await env.http.get(links, headers=headers)).json() == []
    body = {"identityProvider": "OTHER", "userId": "ext-1", "userName": "ext"}
    assert (await env.http.post(f"{links}/fi1", json=body, headers=headers)).status_code == 204
    assert (await env.http.post(f"{links}/nosuchidp", json={}, headers=headers)).status_code == 204
    assert (await env.http.get(links, headers=headers)).json() == [
        {"identityProvider": "fi1", "userId": "ext-1", "userName": "ext"}
    ]
    again = await env.http.post(f"{links}/fi1", json=body, headers=headers)
    assert again.status_code == 409 and again.json() == {"errorMessage": "User is already linked with provider"}
    viewer = await realm_admin(env, "links-viewer", "view-users")
    assert (await env.http.get(links, headers=viewer)).status_code == 200
    forbidden(await env.http.delete(f"{links}/fi1", headers=viewer))
    assert (await env.http.delete(f"{links}/fi1", headers=headers)).status_code == 204
    gone = await env.http.delete(f"{links}/fi1", headers=headers)
    assert gone.status_code == 404 and gone.json() == {"error": "Link not found"}


async def _user_id(env: Env, username: str) -> str:
    async with env.db.transaction() as tx:
        realm = await tx.realms.get_by_name("test")
        assert realm is not None
        user = await tx.users.get_by_username(realm.id, username)
        assert user is not None
        return user.id


async def test_realm_import_export_and_partial_import_carry_identity_providers(env: Env) -> None:
    """ExportUtils / RepresentationToModel.importRealm and IdentityProvidersPartialImport: identityProviders go out
    (secrets masked in a partial export, kept in a full export) and come back in."""
    headers = await env.admin_headers()
    assert (await env.http.post(URL, json=rep("carried", displayName="Carried"), headers=headers)).status_code == 201
    partial = await env.http.post("/admin/realms/test/partial-export", headers=headers)
    [exported] = partial.json()["identityProviders"]
    assert exported["alias"] == "carried" and exported["config"]["clientSecret"] == "**********"
    full = await export_realm(env.db, "test")
    [kept] = full["identityProviders"]
    assert kept["config"]["clientSecret"] == "some secret value"

    realm = {"realm": "copy", "enabled": True, "identityProviders": [kept]}
    assert (await env.http.post("/admin/realms", json=realm, headers=headers)).status_code == 201
    copied = (await env.http.get("/admin/realms/copy/identity-provider/instances/carried", headers=headers)).json()
    assert copied["displayName"] == "Carried" and copied["internalId"] == kept["internalId"]
    bad = {"realm": "bad", "enabled": True, "identityProviders": [{"alias": "x", "providerId": "nonsense"}]}
    assert (await env.http.post("/admin/realms", json=bad, headers=headers)).status_code == 400

    body = {"ifResourceExists": "FAIL", "identityProviders": [rep("imported"), rep("carried")]}
    conflict = await env.http.post("/admin/realms/test/partialImport", json=body, headers=headers)
    assert conflict.status_code == 409 and conflict.json() == {
        "errorMessage": "Identity Provider 'carried' already exists."
    }
    skipped = await env.http.post(
        "/admin/realms/test/partialImport", json={**body, "ifResourceExists": "SKIP"}, headers=headers
    )
    assert skipped.status_code == 200, skipped.text
    actions = {(r["action"], r["resourceType"], r["resourceName"]) for r in skipped.json()["results"]}
    assert actions == {("ADDED", "IDP", "imported"), ("SKIPPED", "IDP", "carried")}
    names = [p["alias"] for p in (await env.http.get(URL, headers=headers)).json()]
    assert names == ["carried", "imported"]


async def test_export_is_empty_and_reload_keys_says_whether_keys_come_from_the_jwks_url(env: Env) -> None:
    """IdentityProviderResource.export (AbstractIdentityProvider: 204 for OpenID Connect) needs view; reloadKeys
    (OIDCIdentityProvider: true only with ``useJwksUrl``) needs manage, checked before the provider is found."""
    viewer = await realm_admin(env, "idp-viewer", "view-identity-providers")
    manager = await realm_admin(env, "idp-manager", "manage-identity-providers")
    nobody = await realm_admin(env, "idp-nobody", "view-users")
    assert (await env.http.post(URL, json=rep("jwks", config={"useJwksUrl": "true"}), headers=manager)).is_success
    static = rep("static", config={"useJwksUrl": "false", "publicKeySignatureVerifier": "x"})
    assert (await env.http.post(URL, json=static, headers=manager)).status_code == 201
    exported = await env.http.get(f"{URL}/jwks/export", params={"format": "x"}, headers=viewer)
    assert (exported.status_code, exported.content) == (204, b"")
    assert (await env.http.get(f"{URL}/nope/export", headers=viewer)).status_code == 404
    forbidden(await env.http.get(f"{URL}/jwks/export", headers=nobody))
    assert (await env.http.get(f"{URL}/jwks/reload-keys", headers=manager)).json() is True
    assert (await env.http.get(f"{URL}/static/reload-keys", headers=manager)).json() is False
    assert (await env.http.get(f"{URL}/nope/reload-keys", headers=manager)).status_code == 404
    forbidden(await env.http.get(f"{URL}/jwks/reload-keys", headers=viewer))
    forbidden(await env.http.get(f"{URL}/nope/reload-keys", headers=viewer))
