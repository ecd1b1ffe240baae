"""The Admin Console's client settings form is another route to ``PUT clients/{id}``: the realm's client policies
(UPDATE, by an admin) judge it too, so an executor that refuses or auto-configures a change through the Admin REST
does the same through the console (Keycloak's console only has the REST route)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from admin_console_http import HTML, post, sign_in
from admin_support import client_uuid, make_admin
from wire_env import Env, client_at

pytestmark = pytest.mark.anyio
BASE = "/admin/test/console"
ROPC: dict[str, Any] = {
    "name": "no-ropc",
    "executors": [{"executor": "reject-ropc-grant", "configuration": {"auto-configure": "false"}}],
}
CONSENT: dict[str, Any] = {
    "name": "consent",
    "executors": [{"executor": "consent-required", "configuration": {"auto-configure": "true"}}],
}


@pytest.fixture
async def admin(realm: Env) -> AsyncIterator[httpx.AsyncClient]:
    """A manage-clients administrator of ``test``, signed in to its console."""
    await make_admin(realm, "test", "clientman", "manage-clients", "view-clients", "query-clients")
    async with client_at(realm, "127.0.0.2") as http:
        await sign_in(http, "clientman")
        yield http


async def _policies(realm: Env, *profiles: dict[str, Any]) -> None:
    headers = await realm.admin_headers()
    base = "/admin/realms/test/client-policies"
    answer = await realm.http.put(f"{base}/profiles", json={"profiles": list(profiles)}, headers=headers)
    assert answer.status_code == 204, answer.text
    policy: dict[str, Any] = {
        "name": "all",
        "enabled": True,
        "conditions": [{"condition": "any-client", "configuration": {}}],
    }
    policy["profiles"] = [p["name"] for p in profiles]
    answer = await realm.http.put(f"{base}/policies", json={"policies": [policy]}, headers=headers)
    assert answer.status_code == 204, answer.text


async def _client(realm: Env, uuid: str) -> dict[str, object]:
    answer = await realm.http.get(f"/admin/realms/test/clients/{uuid}", headers=await realm.admin_headers())
    assert answer.status_code == 200, answer.text
    return dict(answer.json())


async def test_the_console_cannot_turn_on_what_a_client_policy_refuses(realm: Env, admin: httpx.AsyncClient) -> None:
    app = await client_uuid(realm, "test", "app")
    before = await _client(realm, app)
    await _policies(realm, ROPC)
    page = await admin.get(f"{BASE}/test/clients/{app}", headers=HTML)
    fields = {"enabled": "on", "standardFlowEnabled": "on", "directAccessGrantsEnabled": "on"}
    saved = await post(admin, f"{BASE}/test/clients/{app}", page, **fields, redirectUris="http://localhost/*")
    assert saved.status_code == 400, (saved.status_code, saved.text[:300])
    assert "resource owner password credentials grant enabled" in saved.text
    assert (await _client(realm, app))["directAccessGrantsEnabled"] == before["directAccessGrantsEnabled"]


async def test_the_console_save_gets_what_a_client_policy_auto_configures(realm: Env, admin: httpx.AsyncClient) -> None:
    app = await client_uuid(realm, "test", "app")
    await _policies(realm, CONSENT)
    page = await admin.get(f"{BASE}/test/clients/{app}", headers=HTML)
    fields = {"enabled": "on", "standardFlowEnabled": "on"}
    saved = await post(admin, f"{BASE}/test/clients/{app}", page, **fields, redirectUris="http://localhost/*")
    assert saved.status_code == 303, (saved.status_code, saved.text[:300])
    assert (await _client(realm, app))["consentRequired"] is True


ROTATION: dict[str, Any] = {
    "name": "rotation",
    "executors": [
        {
            "executor": "secret-rotation",
            "configuration": {
                "expiration-period": 3600,
                "rotated-expiration-period": 600,
                "remaining-rotation-period": 1800,
            },
        }
    ],
}


async def test_the_console_save_rotates_an_expired_secret_under_secret_rotation(
    realm: Env, admin: httpx.AsyncClient
) -> None:
    """UPDATED, as after ``PUT clients/{id}``: the first save gives the secret its expiry, a save after it
    expired rotates the secret and keeps the old one as the rotated secret."""
    app = await client_uuid(realm, "test", "app")
    first = (await _client(realm, app))["secret"]
    await _policies(realm, ROTATION)
    fields = {"enabled": "on", "standardFlowEnabled": "on", "redirectUris": "http://localhost/*"}
    page = await admin.get(f"{BASE}/test/clients/{app}", headers=HTML)
    assert (await post(admin, f"{BASE}/test/clients/{app}", page, **fields)).status_code == 303
    attributes: Any = (await _client(realm, app))["attributes"]
    assert attributes["client.secret.expiration.time"] == str(realm.clock.now() + 3600), attributes
    realm.clock.advance(3601)
    await sign_in(admin, "clientman")  # the console's session ended meanwhile
    page = await admin.get(f"{BASE}/test/clients/{app}", headers=HTML)
    assert (await post(admin, f"{BASE}/test/clients/{app}", page, **fields)).status_code == 303
    rotated = await _client(realm, app)
    assert rotated["secret"] != first
    assert rotated["attributes"]["client.secret.rotated"] == first  # type: ignore[index]


async def test_the_console_save_is_judged_by_the_administrators_address(realm: Env, admin: httpx.AsyncClient) -> None:
    """client-updater-source-host sees the console's caller (127.0.0.2 here) as PUT clients/{id} would: a policy
    for that host refuses the client-secret client's save, one for another host lets it through."""
    app = await client_uuid(realm, "test", "app")
    headers = await realm.admin_headers()
    base = "/admin/realms/test/client-policies"
    jwt_only = {
        "executor": "secure-client-authenticator",
        "configuration": {"allowed-client-authenticators": ["client-jwt"]},
    }
    answer = await realm.http.put(
        f"{base}/profiles", json={"profiles": [{"name": "jwt", "executors": [jwt_only]}]}, headers=headers
    )
    assert answer.status_code == 204, answer.text
    fields = {"enabled": "on", "standardFlowEnabled": "on", "redirectUris": "http://localhost/*"}
    for host, status in (("127.0.0.2", 400), ("127.0.0.3", 303)):
        hosts = {"condition": "client-updater-source-host", "configuration": {"trusted-hosts": [host]}}
        policy = {"name": "hosts", "enabled": True, "conditions": [hosts], "profiles": ["jwt"]}
        answer = await realm.http.put(f"{base}/policies", json={"policies": [policy]}, headers=headers)
        assert answer.status_code == 204, answer.text
        page = await admin.get(f"{BASE}/test/clients/{app}", headers=HTML)
        saved = await post(admin, f"{BASE}/test/clients/{app}", page, **fields)
        assert saved.status_code == status, (host, saved.status_code, saved.text[:300])


async def test_the_console_save_resolves_a_relative_redirect_uri_against_the_server(
    realm: Env, admin: httpx.AsyncClient
) -> None:
    """secure-redirect-uris-enforcer judges a relative redirect URI after the server's base URL (here
    ``http://localhost``, a loopback address), as PUT clients/{id} does: refused while http is not allowed."""
    app = await client_uuid(realm, "test", "app")
    loopback = {"allow-ipv4-loopback-address": True, "allow-wildcard-context-path": True}
    for config, status in ((loopback, 400), ({**loopback, "allow-http-scheme": True}, 303)):
        await _policies(
            realm,
            {"name": "uris", "executors": [{"executor": "secure-redirect-uris-enforcer", "configuration": config}]},
        )
        page = await admin.get(f"{BASE}/test/clients/{app}", headers=HTML)
        fields = {"enabled": "on", "standardFlowEnabled": "on", "redirectUris": "/callback"}
        saved = await post(admin, f"{BASE}/test/clients/{app}", page, **fields)
        assert saved.status_code == status, (saved.status_code, saved.text[:300])
        if status == 400:
            assert "Invalid Redirect Uri: invalid loopback address" in saved.text
