"""Identity providers in the Admin Console, over HTTP against the real app (both engines): the list (search,
paging), adding an OpenID Connect provider from its discovery document or by its fields, editing it (the secret
kept when left blank), the Enabled switch and deleting it after a confirmation, each saved as the
``identity-provider/instances`` REST calls save it (their checks and texts, their admin events). A provider added
here is the one a user then signs in with. Hostile: CSRF, a view-only administrator, forged and bad values."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from admin_support import admin_events, enable_admin_events, make_admin
from broker_support import ALIAS, broker_login, browser, served
from browser_flow import REDIRECT
from console_support import HTML, ORIGIN, csrf, sign_in
from wire_env import Env, client_at

pytestmark = pytest.mark.anyio
CONSOLE = "/admin/test/console/test/identity-providers"
REST = "/admin/realms/test/identity-provider/instances"
FIELDS = {
    "providerId": "oidc",
    "enabled": "on",
    "authorizationUrl": "http://localhost/auth",
    "tokenUrl": "http://localhost/token",
    "clientId": "demo",
    "clientSecret": "s3cret-value",
    "clientAuthMethod": "client_secret_post",
}


@pytest.fixture
async def admin(realm: Env) -> AsyncIterator[httpx.AsyncClient]:
    await make_admin(realm, "test", "boss", "realm-admin")
    async with client_at(realm, "127.0.0.2") as http:
        await sign_in(http, "/admin/test/console/", "boss")
        yield http


async def rest(env: Env, method: str, path: str = "", body: Any = None, status: int = 200) -> Any:
    response = await env.http.request(method, REST + path, json=body, headers=await env.admin_headers())
    assert response.status_code == status, response.text
    return response.json() if response.content else None


async def post(http: httpx.AsyncClient, path: str, **form: str) -> httpx.Response:
    page = await http.get(CONSOLE, headers=HTML)
    return await http.post(CONSOLE + path, data={"csrf_token": csrf(page), **form}, headers=ORIGIN)


async def test_a_provider_added_from_its_discovery_document_signs_a_user_in(env: Env) -> None:
    async with served(env) as broker:
        await make_admin(env, "test", "boss", "realm-admin")
        async with client_at(env, "127.0.0.2") as http:
            await sign_in(http, "/admin/test/console/", "boss")
            assert "No identity provider." in (await http.get(CONSOLE, headers=HTML)).text
            discovery = f"{broker.base}/realms/provider/.well-known/openid-configuration"
            filled = await post(http, "/add/discover", discoveryUrl=discovery, alias=ALIAS, providerId="keycloak-oidc")
            assert filled.status_code == 200, filled.text
            token_url = f"{broker.base}/realms/provider/protocol/openid-connect/token"
            assert f'name="tokenUrl" value="{token_url}"' in filled.text
            values = dict(re.findall(r'name="(\w+)" value="([^"]*)"', filled.text.split("OpenID Connect settings")[1]))
            checks = {
                k: "on"
                for k in ("validateSignature", "useJwksUrl")
                if f'id="f-{k}" name="{k}" value="on" checked' in filled.text
            }
            form = {**values, **checks, "alias": ALIAS, "providerId": "keycloak-oidc", "displayName": "Provider Realm"}
            form |= {"enabled": "on", "clientId": "broker-app", "clientSecret": "provider-secret", "pkceEnabled": "on"}
            form["clientAuthMethod"] = "client_secret_post"
            added = await post(http, "/add", **form)
            assert added.status_code == 303 and added.headers["location"].endswith(f"/instances/{ALIAS}"), added.text
        stored = await rest(env, "GET", f"/{ALIAS}")
        assert stored["config"]["clientSecret"] == "**********" and stored["config"]["tokenUrl"] == token_url
        assert stored["config"]["metadataDescriptorUrl"] == discovery and stored["providerId"] == "keycloak-oidc"
        async with browser(broker) as user:
            done = await broker_login(user)
            assert done.status_code == 302 and done.headers["location"].startswith(REDIRECT), done.text


async def test_the_list_searches_and_pages(realm: Env, admin: httpx.AsyncClient) -> None:
    for n in range(11):
        await rest(
            realm, "POST", body={"alias": f"corp-{n:02}", "providerId": "oidc", "displayName": "Corp"}, status=201
        )
    await rest(realm, "POST", body={"alias": "partner", "providerId": "oidc", "displayName": "Partner SSO"}, status=201)
    first = await admin.get(CONSOLE, params={"max": "10"}, headers=HTML)
    assert first.text.count('href="/admin/test/console/test/identity-providers/instances/') == 10
    assert "Next page" in first.text and "12 in all" in first.text
    second = await admin.get(CONSOLE, params={"max": "10", "first": "10"}, headers=HTML)
    assert ">corp-10</a>" in second.text and ">partner</a>" in second.text and "Next page" not in second.text
    found = await admin.get(CONSOLE, params={"search": "*SSO"}, headers=HTML)
    assert ">partner</a>" in found.text and "corp-00" not in found.text


async def test_editing_keeps_a_blank_secret_and_the_switch_and_delete_change_what_rest_returns(
    realm: Env, admin: httpx.AsyncClient
) -> None:
    assert (await post(admin, "/add", alias="corp", displayName="Corp", **FIELDS)).status_code == 303
    edited = await post(admin, "/instances/corp", **{**FIELDS, "displayName": "Corp SSO", "clientSecret": ""})
    assert edited.status_code == 303
    async with realm.db.transaction(write=False) as tx:
        test = await tx.realms.get_by_name("test")
        assert test is not None
        [stored] = test.identity_providers
    assert stored["displayName"] == "Corp SSO" and stored["config"]["clientSecret"] == "s3cret-value"
    page = await admin.get(CONSOLE + "/instances/corp", headers=HTML)
    assert "s3cret-value" not in page.text and 'aria-current="page">Settings' in page.text
    assert (await post(admin, "/instances/corp/switch", enabled="false")).status_code == 303
    assert (await rest(realm, "GET", "/corp"))["enabled"] is False
    asked = await post(admin, "/instances/corp/delete")
    assert asked.status_code == 200 and "Delete the identity provider corp?" in asked.text
    assert (await rest(realm, "GET"))[0]["alias"] == "corp"
    assert (await post(admin, "/instances/corp/delete", confirmed="yes")).status_code == 303
    assert await rest(realm, "GET") == []


async def test_a_providers_page_names_its_redirect_uri_at_this_servers_broker_endpoint(
    realm: Env, admin: httpx.AsyncClient
) -> None:
    """Keycloak's RedirectUrl field: the realm's ``/broker/{alias}/endpoint`` on this server (the help text once
    named the console's own URL instead)."""
    added = await admin.get(CONSOLE + "/add", headers=HTML)
    assert "redirect URI: http://localhost/realms/test/broker/&lt;alias&gt;/endpoint." in added.text, added.text
    assert (await post(admin, "/add", alias="corp", displayName="Corp", **FIELDS)).status_code == 303
    page = await admin.get(CONSOLE + "/instances/corp", headers=HTML)
    assert 'value="http://localhost/realms/test/broker/corp/endpoint" readonly' in page.text, page.text
    assert "/console/test…" not in page.text


async def test_adding_records_the_event_the_rest_create_records(realm: Env, admin: httpx.AsyncClient) -> None:
    await enable_admin_events(realm, clear=True)
    assert (await post(admin, "/add", alias="corp", **FIELDS)).status_code == 303
    await rest(realm, "POST", body={"alias": "twin", "providerId": "oidc", "config": {"clientSecret": "x"}}, status=201)
    twin, console = await admin_events(realm)
    assert (console["operationType"], console["resourceType"], console["resourcePath"]) == (
        "CREATE",
        "IDENTITY_PROVIDER",
        "identity-provider/instances/corp",
    )
    assert twin["resourcePath"] == "identity-provider/instances/twin"
    assert "s3cret-value" not in console["representation"] and "**********" in console["representation"]


@pytest.mark.parametrize(
    ("changed", "message"),
    [
        ({"alias": "my corp"}, "Empty Space not allowed."),
        (
            {"alias": "corp", "tokenUrl": "http://idp.example.com/token"},
            "The url [token_url] requires secure connections",
        ),
        ({"alias": "corp", "providerId": "saml"}, "Unknown provider type: saml"),
        ({"alias": "corp", "authorizationUrl": "javascript:alert(1)"}, "The url [authorization_url] is malformed"),
    ],
)
async def test_a_refused_provider_is_the_forms_error_and_nothing_is_stored(
    realm: Env, admin: httpx.AsyncClient, changed: dict[str, str], message: str
) -> None:
    refused = await post(admin, "/add", **{**FIELDS, **changed})
    assert refused.status_code == 400 and message in refused.text
    assert await rest(realm, "GET") == []


async def test_a_taken_alias_markup_and_an_unreadable_discovery_document(realm: Env, admin: httpx.AsyncClient) -> None:
    name = "<img src=x onerror=alert(1)>"
    assert (await post(admin, "/add", alias="corp", displayName=name, **FIELDS)).status_code == 303
    assert name not in (await admin.get(CONSOLE, headers=HTML)).text
    taken = await post(admin, "/add", alias="corp", **FIELDS)
    assert taken.status_code == 400 and "Identity Provider corp already exists" in taken.text
    unreadable = await post(admin, "/add/discover", discoveryUrl="http://127.0.0.1:1/nothing", alias="x")
    assert unreadable.status_code == 400 and "Could not read the discovery document" in unreadable.text
    assert [p["alias"] for p in await rest(realm, "GET")] == ["corp"]


async def test_a_post_without_the_csrf_token_is_refused(realm: Env, admin: httpx.AsyncClient) -> None:
    refused = await admin.post(CONSOLE + "/add", data={"alias": "corp", **FIELDS}, headers=ORIGIN)
    assert refused.status_code == 403 and await rest(realm, "GET") == []


async def test_a_view_only_administrator_reads_and_every_write_is_refused(realm: Env) -> None:
    await rest(realm, "POST", body={"alias": "corp", "providerId": "oidc"}, status=201)
    await make_admin(realm, "test", "watcher", "view-identity-providers")
    async with client_at(realm, "127.0.0.4") as http:
        await sign_in(http, "/admin/test/console/", "watcher")
        listed = await http.get(CONSOLE, headers=HTML)
        assert (
            listed.status_code == 200
            and ">corp</a>" in listed.text
            and "Add OpenID Connect provider" not in listed.text
        )
        shown = await http.get(CONSOLE + "/instances/corp", headers=HTML)
        assert "<fieldset disabled>" in shown.text and ">Save</button>" not in shown.text
        for path, form in (
            ("/add", {"alias": "x", **FIELDS}),
            ("/instances/corp/switch", {"enabled": "false"}),
            ("/instances/corp/delete", {"confirmed": "yes"}),
            ("/instances/corp", FIELDS),
            ("/add/discover", {"discoveryUrl": "http://127.0.0.1:1/"}),
        ):
            refused = await http.post(CONSOLE + path, data={"csrf_token": csrf(listed), **form}, headers=ORIGIN)
            assert refused.status_code == 403 and "manage-identity-providers" in refused.text, path
    assert [(p["alias"], p["enabled"]) for p in await rest(realm, "GET")] == [("corp", True)]
