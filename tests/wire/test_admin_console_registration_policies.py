"""Clients → Client registration → Anonymous / Authenticated access policies of the Admin Console, over HTTP
against the real app (both engines): the realm's ClientRegistrationPolicy components listed per subType with
their provider, edited, created and deleted through the functions behind ``/components`` (their merge, each
provider's validateConfiguration and its texts), recorded as those calls; view-realm reads, manage-realm
changes."""

from __future__ import annotations

import json
import re
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from admin_support import make_admin
from console_support import HTML, ORIGIN, csrf, sign_in
from wire_env import Env, client_at

pytestmark = pytest.mark.anyio
CONSOLE = "/admin/test/console/test/client-registration"
ANONYMOUS = f"{CONSOLE}/policies/anonymous"
COMPONENTS = "/admin/realms/test/components"
POLICY = "org.keycloak.services.clientregistration.policy.ClientRegistrationPolicy"
REG = "/realms/test/clients-registrations/default"
ROW = r'<td data-label="Name"><a href="[^"]+">([^<]+)</a></td>\s*<td data-label="Provider">([^<]+)<'


@pytest.fixture
async def admin(realm: Env) -> AsyncIterator[httpx.AsyncClient]:
    await make_admin(realm, "test", "boss", "realm-admin")
    async with client_at(realm, "127.0.0.2") as http:
        await sign_in(http, "/admin/test/console/", "boss")
        yield http


async def policies(env: Env) -> list[dict[str, Any]]:
    response = await env.http.get(COMPONENTS, params={"type": POLICY}, headers=await env.admin_headers())
    assert response.status_code == 200, response.text
    found: list[dict[str, Any]] = response.json()
    return found


async def named(env: Env, name: str, sub_type: str = "anonymous") -> dict[str, Any]:
    (found,) = [p for p in await policies(env) if p["name"] == name and p["subType"] == sub_type]
    return found


async def post(http: httpx.AsyncClient, path: str, data: dict[str, Any]) -> httpx.Response:
    page = await http.get(ANONYMOUS, headers=HTML)
    return await http.post(path, data={"csrf_token": csrf(page), **data}, headers=ORIGIN)


async def enable_events(env: Env) -> None:
    config = {"adminEventsEnabled": True, "adminEventsDetailsEnabled": True}
    response = await env.http.put("/admin/realms/test/events/config", json=config, headers=await env.admin_headers())
    assert response.status_code == 204, response.text


async def latest_event(env: Env) -> dict[str, Any]:
    response = await env.http.get("/admin/realms/test/admin-events", headers=await env.admin_headers())
    assert response.status_code == 200, response.text
    event: dict[str, Any] = response.json()[0]
    return event


async def test_each_list_shows_the_policies_of_its_subtype_with_their_provider(
    realm: Env, admin: httpx.AsyncClient
) -> None:
    for kind, count in (("anonymous", 6), ("authenticated", 2)):
        page = await admin.get(f"{CONSOLE}/policies/{kind}", headers=HTML)
        assert page.status_code == 200
        rows = re.findall(ROW, page.text)
        assert rows == [(p["name"], p["providerId"]) for p in await policies(realm) if p["subType"] == kind]
        assert len(rows) == count and (("Trusted Hosts", "trusted-hosts") in rows) == (kind == "anonymous")
    authenticated = await admin.get(f"{CONSOLE}/policies/authenticated", headers=HTML)
    assert 'aria-current="page">Authenticated access policies</a>' in authenticated.text
    assert (await admin.get(f"{CONSOLE}/policies/everyone", headers=HTML)).status_code == 404


async def test_trusted_hosts_saved_from_the_form_let_a_registration_through_and_are_recorded_as_the_put(
    realm: Env, admin: httpx.AsyncClient
) -> None:
    await enable_events(realm)
    trusted = await named(realm, "Trusted Hosts")
    form = await admin.get(f"{CONSOLE}/policy/{trusted['id']}", headers=HTML)
    assert (
        form.status_code == 200
        and 'name="host-sending-registration-request-must-match" value="on" checked' in form.text
    )
    fields = {"name": "Trusted Hosts", "trusted-hosts": "localhost\n  example.org ", "client-uris-must-match": "on"}
    saved = await post(admin, f"{CONSOLE}/policy/{trusted['id']}", fields)
    assert saved.status_code == 303, saved.text[:400]
    after = await named(realm, "Trusted Hosts")
    assert after["config"] == {
        "trusted-hosts": ["localhost", "example.org"],
        "host-sending-registration-request-must-match": ["false"],
        "client-uris-must-match": ["true"],
    }
    event = await latest_event(realm)
    assert (event["operationType"], event["resourceType"], event["resourcePath"]) == (
        "UPDATE",
        "COMPONENT",
        f"components/{trusted['id']}",
    )
    # as the REST PUT records it: a registration policy has no secret property (StripSecretsUtils), so its
    # config is kept as it is
    assert json.loads(event["representation"])["config"] == after["config"]
    registered = await realm.http.post(REG, json={"clientId": "c1", "redirectUris": ["http://localhost/cb"]})
    assert registered.status_code == 201, registered.text


async def test_a_configuration_the_provider_refuses_shows_its_text_and_saves_nothing(
    realm: Env, admin: httpx.AsyncClient
) -> None:
    before = await policies(realm)
    trusted, limit = await named(realm, "Trusted Hosts"), await named(realm, "Max Clients Limit")
    both_off = await post(admin, f"{CONSOLE}/policy/{trusted['id']}", {"name": "Trusted Hosts"})
    assert both_off.status_code == 400
    assert "At least one of hosts verification or client URIs validation must be enabled" in both_off.text
    many = await post(admin, f"{CONSOLE}/policy/{limit['id']}", {"name": "Max Clients Limit", "max-clients": "many"})
    assert many.status_code == 400 and "&#39;max-clients.label&#39; should be a number" in many.text
    assert 'value="many"' in many.text
    assert await policies(realm) == before
    five = await post(admin, f"{CONSOLE}/policy/{limit['id']}", {"name": "Max Clients Limit", "max-clients": "5"})
    assert five.status_code == 303 and (await named(realm, "Max Clients Limit"))["config"] == {"max-clients": ["5"]}


async def test_allowed_client_scopes_offer_the_realms_scopes_and_refuse_another(
    realm: Env, admin: httpx.AsyncClient
) -> None:
    scopes = await named(realm, "Allowed Client Scopes", "authenticated")
    form = await admin.get(f"{CONSOLE}/policy/{scopes['id']}", headers=HTML)
    assert 'name="allowed-client-scopes" value="openid"' in form.text
    assert 'name="allow-default-scopes" value="on" checked' in form.text
    forged = {"name": "Allowed Client Scopes", "allowed-client-scopes": "no-such-scope", "allow-default-scopes": "on"}
    refused = await post(admin, f"{CONSOLE}/policy/{scopes['id']}", forged)
    assert refused.status_code == 400 and "Client scopes not allowed: [no-such-scope]" in refused.text
    chosen = {"name": "Allowed Client Scopes", "allowed-client-scopes": ["openid"]}
    assert (await post(admin, f"{CONSOLE}/policy/{scopes['id']}", chosen)).status_code == 303
    assert (await named(realm, "Allowed Client Scopes", "authenticated"))["config"] == {
        "allowed-client-scopes": ["openid"],
        "allow-default-scopes": ["false"],
    }


async def test_a_policy_is_created_under_its_subtype_and_deleted_after_confirming(
    realm: Env, admin: httpx.AsyncClient
) -> None:
    await enable_events(realm)
    new = f"{CONSOLE}/policies/authenticated/new/max-clients"
    form = await admin.get(new, headers=HTML)
    assert form.status_code == 200 and 'value="Max Clients Limit"' in form.text and 'value="200"' in form.text
    made = await post(admin, new, {"name": "Few clients", "max-clients": "3"})
    assert made.status_code == 303 and made.headers["location"].endswith("/policies/authenticated")
    created = await named(realm, "Few clients", "authenticated")
    assert (created["providerId"], created["config"]) == ("max-clients", {"max-clients": ["3"]})
    event = await latest_event(realm)
    assert (event["operationType"], event["resourceType"], event["resourcePath"]) == (
        "CREATE",
        "COMPONENT",
        f"components/{created['id']}",
    )
    assert json.loads(event["representation"])["subType"] == "authenticated"
    asked = await post(admin, f"{CONSOLE}/policy/{created['id']}/delete", {})
    assert asked.status_code == 200 and "Delete the client registration policy Few clients?" in asked.text
    assert (await named(realm, "Few clients", "authenticated"))["id"] == created["id"]
    gone = await post(admin, f"{CONSOLE}/policy/{created['id']}/delete", {"confirmed": "yes"})
    assert gone.status_code == 303 and all(p["name"] != "Few clients" for p in await policies(realm))
    event = await latest_event(realm)
    assert (event["operationType"], event["resourcePath"]) == ("DELETE", f"components/{created['id']}")


async def test_a_view_realm_administrator_reads_the_policies_and_a_forged_change_is_refused(realm: Env) -> None:
    await make_admin(realm, "test", "watcher", "view-realm", "view-clients")
    before = await policies(realm)
    limit = await named(realm, "Max Clients Limit")
    async with client_at(realm, "127.0.0.4") as http:
        await sign_in(http, "/admin/test/console/", "watcher")
        page = await http.get(ANONYMOUS, headers=HTML)
        assert page.status_code == 200 and "Max Clients Limit" in page.text and "/delete" not in page.text
        detail = await http.get(f"{CONSOLE}/policy/{limit['id']}", headers=HTML)
        assert detail.status_code == 200 and "<fieldset disabled>" in detail.text
        refused = await post(http, f"{CONSOLE}/policy/{limit['id']}", {"name": "x", "max-clients": "1"})
        assert refused.status_code == 403 and "manage-realm" in refused.text
        deleted = await post(http, f"{CONSOLE}/policy/{limit['id']}/delete", {"confirmed": "yes"})
        assert deleted.status_code == 403
    assert await policies(realm) == before
