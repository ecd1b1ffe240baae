"""Keycloak's OidcWellKnownSyncTest (tests/base, admin/identityprovider), method by method: an OpenID Connect
provider's endpoints re-read from its discovery document, on create with ``reloadEnabled`` and on
``POST identity-provider/instances/{alias}/reload-well-known``.

As in Keycloak's test, the discovery document is the test realm's own, fetched over real HTTP: Doorkeep's app is
served on 127.0.0.1 (``DOORKEEP_TEST_PORTS``) for the test, and the admin calls go to it in process."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

from admin_support import forbidden, realm_admin
from doorkeep.broker import well_known_refresh
from doorkeep.oauth import client_keys
from served_app import serving
from wire_env import Env

pytestmark = [pytest.mark.anyio, pytest.mark.usefixtures("realm")]

URL = "/admin/realms/test/identity-provider/instances"
ALL_FIELDS = "authorizationUrl##tokenUrl##logoutUrl##userInfoUrl##tokenIntrospectionUrl##issuer##jwksUrl"


@pytest.fixture
async def well_known(env: Env) -> AsyncIterator[str]:
    """The test realm's discovery URL on the served app (Keycloak's ``realm.getBaseUrl() + "/.well-known/..."``)."""
    async with serving(env.apps[0]) as base:
        yield f"{base}/realms/test/.well-known/openid-configuration"


def oidc_idp(alias: str, **config: str) -> dict[str, Any]:
    """buildOidcIdp: an enabled ``oidc`` provider with client ``test``/``test``."""
    return {
        "alias": alias,
        "providerId": "oidc",
        "enabled": True,
        "config": {"clientId": "test", "clientSecret": "test", **config},
    }


async def create(env: Env, rep: dict[str, Any]) -> None:
    response = await env.http.post(URL, json=rep, headers=await env.admin_headers())
    assert response.status_code == 201, response.text


async def reload(env: Env, alias: str, body: dict[str, Any] | None = None) -> dict[str, Any]:
    response = await env.http.post(
        f"{URL}/{alias}/reload-well-known", json=body or {}, headers=await env.admin_headers()
    )
    assert response.status_code == 200, response.text
    config: dict[str, Any] = response.json()["config"]
    return config


async def test_initial_sync_on_create(env: Env, well_known: str) -> None:
    """testInitialSyncOnCreate: no reload call; the create itself synced the provider."""
    await create(
        env,
        oidc_idp(
            "sync-create-idp",
            metadataDescriptorUrl=well_known,
            reloadEnabled="true",
            includedWellKnownFields=ALL_FIELDS,
        ),
    )
    created = (await env.http.get(f"{URL}/sync-create-idp", headers=await env.admin_headers())).json()["config"]
    assert created["authorizationUrl"].endswith("/realms/test/protocol/openid-connect/auth"), created
    assert created["wellKnownLastSyncAttempt"] == str(env.clock.now_ms())
    assert "wellKnownLastSyncError" not in created
    assert created["clientSecret"] == "**********"


async def test_reload_well_known_happy_path(env: Env, well_known: str) -> None:
    """testReloadWellKnownHappyPath: every endpoint synced; a ``jwks_uri`` turns on signature checks by it."""
    await create(
        env,
        oidc_idp(
            "sync-test-idp", metadataDescriptorUrl=well_known, reloadEnabled="true", includedWellKnownFields=ALL_FIELDS
        ),
    )
    updated = await reload(env, "sync-test-idp")
    assert updated["wellKnownLastSyncAttempt"] and updated["wellKnownLastSyncAttemptDuration"].isdigit()
    assert "wellKnownLastSyncError" not in updated
    realm_url = well_known.removesuffix("/.well-known/openid-configuration")
    assert updated["authorizationUrl"] == f"{realm_url}/protocol/openid-connect/auth"
    assert updated["tokenUrl"] == f"{realm_url}/protocol/openid-connect/token"
    assert updated["logoutUrl"] == f"{realm_url}/protocol/openid-connect/logout"
    assert updated["userInfoUrl"] == f"{realm_url}/protocol/openid-connect/userinfo"
    assert updated["tokenIntrospectionUrl"] == f"{realm_url}/protocol/openid-connect/token/introspect"
    assert updated["issuer"] == realm_url
    assert updated["jwksUrl"] == f"{realm_url}/protocol/openid-connect/certs"
    assert updated["validateSignature"] == "true" and updated["useJwksUrl"] == "true"
    assert updated["clientSecret"] == "**********"
    stored = (await env.http.get(f"{URL}/sync-test-idp", headers=await env.admin_headers())).json()["config"]
    assert stored == updated


async def test_reload_well_known_no_change_path(env: Env, well_known: str) -> None:
    """testReloadWellKnownNoChangePath: a second sync a second later (Keycloak's TimeOffSet, here the fake clock
    moved 1.5 s: Keycloak's own second also has the real time between the calls) stamps a later attempt."""
    await create(
        env,
        oidc_idp(
            "sync-nochange-idp",
            metadataDescriptorUrl=well_known,
            reloadEnabled="true",
            includedWellKnownFields=ALL_FIELDS,
        ),
    )
    first = (await env.http.get(f"{URL}/sync-nochange-idp", headers=await env.admin_headers())).json()["config"]
    env.clock.advance_ms(1500)
    second = await reload(env, "sync-nochange-idp")
    assert int(second["wellKnownLastSyncAttempt"]) - int(first["wellKnownLastSyncAttempt"]) > 1000
    stamps = ("wellKnownLastSyncAttempt", "wellKnownLastSyncAttemptDuration")
    assert {k: v for k, v in second.items() if k not in stamps} == {k: v for k, v in first.items() if k not in stamps}


async def test_reload_well_known_failure_path(env: Env, well_known: str) -> None:
    """testReloadWellKnownFailurePath: a document that cannot be read changes no field and records the error,
    with the attempt's time and duration; the create's own sync failed the same way without failing the create."""
    await create(
        env,
        oidc_idp(
            "sync-fail-idp",
            metadataDescriptorUrl=well_known + "/invalid",
            reloadEnabled="true",
            includedWellKnownFields="authorizationUrl##tokenUrl",
            authorizationUrl="http://localhost/original-url/auth",
        ),
    )
    updated = await reload(env, "sync-fail-idp")
    assert updated["authorizationUrl"] == "http://localhost/original-url/auth"
    assert "tokenUrl" not in updated
    assert updated["wellKnownLastSyncError"] == "Failed to load the discovery document: HTTP status 404"
    assert updated["wellKnownLastSyncAttempt"] and updated["wellKnownLastSyncAttemptDuration"].isdigit()


async def test_reload_well_known_inclusion_list(env: Env, well_known: str) -> None:
    """testReloadWellKnownInclusionList: a field left out of ``includedWellKnownFields`` keeps its value."""
    await create(
        env,
        oidc_idp(
            "sync-include-idp",
            metadataDescriptorUrl=well_known,
            reloadEnabled="true",
            includedWellKnownFields="authorizationUrl##tokenUrl",
            logoutUrl="http://localhost/my-custom-logout/",
        ),
    )
    updated = await reload(env, "sync-include-idp")
    assert updated["authorizationUrl"].endswith("/protocol/openid-connect/auth")
    assert updated["tokenUrl"].endswith("/protocol/openid-connect/token")
    assert updated["logoutUrl"] == "http://localhost/my-custom-logout/"
    assert "userInfoUrl" not in updated and "jwksUrl" not in updated and "validateSignature" not in updated


async def test_reload_well_known_inclusion_list_overridden_by_request(env: Env, well_known: str) -> None:
    """testReloadWellKnownInclusionListOverriddenByRequest: the request's ``includedWellKnownFields`` is used and
    kept on the provider."""
    await create(
        env,
        oidc_idp(
            "sync-override-idp",
            metadataDescriptorUrl=well_known,
            reloadEnabled="true",
            includedWellKnownFields="authorizationUrl",
            logoutUrl="http://localhost/my-custom-logout/",
        ),
    )
    updated = await reload(env, "sync-override-idp", {"includedWellKnownFields": "authorizationUrl##logoutUrl"})
    assert updated["logoutUrl"].endswith("/realms/test/protocol/openid-connect/logout")
    assert updated["includedWellKnownFields"] == "authorizationUrl##logoutUrl"
    stored = (await env.http.get(f"{URL}/sync-override-idp", headers=await env.admin_headers())).json()["config"]
    assert stored["includedWellKnownFields"] == "authorizationUrl##logoutUrl"


async def test_reload_well_known_rejected_for_non_oidc(env: Env, well_known: str) -> None:
    """testReloadWellKnownRejectedForNonOidc: a provider whose type does not reload its config is a 400 (Keycloak's
    test uses a SAML provider, which Doorkeep does not store; Google opts out in Keycloak too)."""
    headers = await env.admin_headers()
    rep = {
        "alias": "sync-google-idp",
        "providerId": "google",
        "enabled": True,
        "config": {"clientId": "test", "clientSecret": "test", "metadataDescriptorUrl": well_known},
    }
    await create(env, rep)
    response = await env.http.post(f"{URL}/sync-google-idp/reload-well-known", json={}, headers=headers)
    assert response.status_code == 400
    assert response.json() == {"error": "HTTP 400 Bad Request"}
    stored = (await env.http.get(f"{URL}/sync-google-idp", headers=headers)).json()["config"]
    assert "wellKnownLastSyncAttempt" not in stored


async def test_reload_well_known_rejected_when_no_metadata_url(env: Env) -> None:
    """testReloadWellKnownRejectedWhenNoMetadataUrl."""
    headers = await env.admin_headers()
    await create(env, oidc_idp("sync-nourl-idp"))
    response = await env.http.post(f"{URL}/sync-nourl-idp/reload-well-known", json={}, headers=headers)
    assert response.status_code == 400
    assert response.json() == {"error": "HTTP 400 Bad Request"}


async def test_reload_well_known_needs_manage_identity_providers_and_a_provider(env: Env) -> None:
    """The endpoint is the provider resource's: an unknown alias is a 404; a caller who may only view is a 403."""
    headers = await env.admin_headers()
    response = await env.http.post(f"{URL}/nope/reload-well-known", json={}, headers=headers)
    assert response.status_code == 404
    await create(env, oidc_idp("sync-guarded-idp", metadataDescriptorUrl="http://127.0.0.1:1/none"))
    viewer = await realm_admin(env, "idp-viewer", "view-identity-providers")
    forbidden(await env.http.post(f"{URL}/sync-guarded-idp/reload-well-known", json={}, headers=viewer))
    stored = (await env.http.get(f"{URL}/sync-guarded-idp", headers=headers)).json()["config"]
    assert "wellKnownLastSyncAttempt" not in stored


async def test_the_periodic_sync_refreshes_only_providers_with_reload_enabled(env: Env, well_known: str) -> None:
    """Keycloak's scheduled task (PR #47899): each interval, one process re-reads every provider with
    ``reloadEnabled``; an administrator's stale value of a synced field is overwritten, a provider without
    ``reloadEnabled`` is left alone, and a second run in the same interval is another process's."""
    headers = await env.admin_headers()
    await create(
        env,
        oidc_idp(
            "periodic-idp",
            metadataDescriptorUrl=well_known,
            reloadEnabled="true",
            includedWellKnownFields="authorizationUrl",
        ),
    )
    await create(env, oidc_idp("manual-idp", metadataDescriptorUrl=well_known, authorizationUrl="http://localhost/a"))
    stale = (await env.http.get(f"{URL}/periodic-idp", headers=headers)).json()
    fresh_url = stale["config"]["authorizationUrl"]
    stale["config"]["authorizationUrl"] = "http://localhost/stale"
    assert (await env.http.put(f"{URL}/periodic-idp", json=stale, headers=headers)).status_code == 204
    env.clock.advance(60)

    assert await well_known_refresh.sync_if_due(env.db, env.clock, 3600) == 1
    periodic = (await env.http.get(f"{URL}/periodic-idp", headers=headers)).json()["config"]
    assert periodic["authorizationUrl"] == fresh_url
    assert periodic["wellKnownLastSyncAttempt"] == str(env.clock.now_ms())
    assert periodic["clientSecret"] == "**********"
    manual = (await env.http.get(f"{URL}/manual-idp", headers=headers)).json()["config"]
    assert manual["authorizationUrl"] == "http://localhost/a" and "wellKnownLastSyncAttempt" not in manual
    assert await well_known_refresh.sync_if_due(env.db, env.clock, 3600) is None
    async with env.db.transaction() as tx:
        realm = await tx.realms.get_by_name("test")
        assert realm is not None
        stored = next(p for p in realm.identity_providers if p["alias"] == "periodic-idp")
        assert stored["config"]["clientSecret"] == "test"


async def test_a_reload_body_that_is_no_reload_representation_is_a_400(env: Env) -> None:
    """The body is IdentityProviderReloadWellKnownRepresentation: not an object, not JSON or an unknown property is
    Keycloak's 400, before anything is fetched or stored; an empty body is an empty representation."""
    headers = await env.admin_headers()
    await create(env, oidc_idp("sync-body-idp", metadataDescriptorUrl="http://127.0.0.1:1/none"))
    url = f"{URL}/sync-body-idp/reload-well-known"
    for content in (b"[]", b'"x"', b"{", b'{"reloadEnabled": true, "alias": "x"}'):
        response = await env.http.post(url, content=content, headers=headers | {"Content-Type": "application/json"})
        assert response.status_code == 400, (content, response.text)
    stored = (await env.http.get(f"{URL}/sync-body-idp", headers=headers)).json()["config"]
    assert "wellKnownLastSyncAttempt" not in stored
    empty = await env.http.post(url, headers=headers | {"Content-Type": "application/json"})
    assert empty.status_code == 200, empty.text
    assert empty.json()["config"]["wellKnownLastSyncError"].startswith("Failed to load the discovery document: ")
    enabled = await env.http.post(url, json={"reloadEnabled": "true"}, headers=headers)
    assert enabled.json()["config"]["reloadEnabled"] == "true"


async def test_the_periodic_sync_keeps_an_edit_made_while_it_fetched(env: Env, well_known: str) -> None:
    """The document is fetched with no transaction open; what it stores goes over the provider as it is then: an
    administrator's edit of a field not synced is kept, and a provider whose ``reloadEnabled`` was switched off
    meanwhile is left alone."""
    headers = await env.admin_headers()
    await create(
        env,
        oidc_idp(
            "racing-idp",
            metadataDescriptorUrl=well_known,
            reloadEnabled="true",
            includedWellKnownFields="authorizationUrl",
            logoutUrl="http://localhost/original",
        ),
    )
    current = (await env.http.get(f"{URL}/racing-idp", headers=headers)).json()
    current["config"]["authorizationUrl"] = "http://localhost/stale"
    assert (await env.http.put(f"{URL}/racing-idp", json=current, headers=headers)).status_code == 204

    async def edited_meanwhile(url: str) -> bytes:
        rep = (await env.http.get(f"{URL}/racing-idp", headers=headers)).json()
        rep["config"]["logoutUrl"] = "http://localhost/edited-meanwhile"
        assert (await env.http.put(f"{URL}/racing-idp", json=rep, headers=headers)).status_code == 204
        return await client_keys.fetch_json(url)

    assert await well_known_refresh.sync_all(env.db, env.clock, edited_meanwhile) == 1
    stored = (await env.http.get(f"{URL}/racing-idp", headers=headers)).json()["config"]
    assert stored["logoutUrl"] == "http://localhost/edited-meanwhile"
    assert stored["authorizationUrl"].endswith("/realms/test/protocol/openid-connect/auth")

    async def switched_off_meanwhile(url: str) -> bytes:
        rep = (await env.http.get(f"{URL}/racing-idp", headers=headers)).json()
        rep["config"] |= {"reloadEnabled": "false", "authorizationUrl": "http://localhost/mine"}
        assert (await env.http.put(f"{URL}/racing-idp", json=rep, headers=headers)).status_code == 204
        return await client_keys.fetch_json(url)

    assert await well_known_refresh.sync_all(env.db, env.clock, switched_off_meanwhile) == 0
    stored = (await env.http.get(f"{URL}/racing-idp", headers=headers)).json()["config"]
    assert stored["authorizationUrl"] == "http://localhost/mine"
