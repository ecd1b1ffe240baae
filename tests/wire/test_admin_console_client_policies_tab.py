"""Realm settings → Client policies of the Admin Console, over HTTP against the real app (both engines): the
Profiles and Policies sub-tabs list, create, edit, delete and (a policy) switch what ``GET``/``PUT
client-policies/profiles`` and ``…/policies`` hold, an executor's or condition's form drawn from serverinfo's
properties; every write goes through the REST PUT's validation (its 400 texts on the page) and records no admin
event, as that PUT records none; view-realm reads, manage-realm changes; hostile names, values and JSON."""

from __future__ import annotations

import html
import json
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from admin_support import console_as
from console_support import HTML, ORIGIN, csrf
from wire_env import Env

pytestmark = pytest.mark.anyio
TAB = "/admin/test/console/test/realm-settings/client-policies"
REST = "/admin/realms/test/client-policies"
XSS = '<script>alert("x")</script>'


@pytest.fixture
async def admin(realm: Env) -> AsyncIterator[httpx.AsyncClient]:
    async with console_as(realm, "boss", "realm-admin") as http:
        yield http


async def stored(env: Env, key: str) -> list[dict[str, Any]]:
    response = await env.http.get(f"{REST}/{key}", headers=await env.admin_headers())
    assert response.status_code == 200, response.text
    found: list[dict[str, Any]] = response.json()[key]
    return found


async def put(env: Env, key: str, body: dict[str, Any]) -> None:
    response = await env.http.put(f"{REST}/{key}", json=body, headers=await env.admin_headers())
    assert response.status_code == 204, response.text


async def post(http: httpx.AsyncClient, path: str, data: dict[str, Any], **query: str) -> httpx.Response:
    page = await http.get(f"{TAB}/profiles", headers=HTML)
    return await http.post(path, params=query, data={"csrf_token": csrf(page), **data}, headers=ORIGIN)


async def test_the_profiles_tab_lists_the_global_profiles_read_only_and_the_realms_own(
    realm: Env, admin: httpx.AsyncClient
) -> None:
    await put(realm, "profiles", {"profiles": [{"name": "mine", "description": "my rules", "executors": []}]})
    page = await admin.get(f"{TAB}/profiles", headers=HTML)
    assert page.status_code == 200
    assert 'aria-current="page">Client policies</a>' in page.text and 'aria-current="page">Profiles</a>' in page.text
    assert ">fapi-1-baseline</a>" in page.text and ">mine</a>" in page.text and "my rules" in page.text
    assert 'aria-label="Delete mine"' in page.text and 'aria-label="Delete fapi-1-baseline"' not in page.text
    fapi = await admin.get(f"{TAB}/profiles/edit", params={"name": "fapi-1-baseline"}, headers=HTML)
    assert "global profile" in fapi.text and "<fieldset disabled>" in fapi.text and "pkce-enforcer" in fapi.text
    assert (await admin.get(f"{TAB}/everything", headers=HTML)).status_code == 404
    assert (await admin.get(f"{TAB}/profiles/edit", params={"name": "nope"}, headers=HTML)).status_code == 404


async def test_a_profile_is_created_given_an_executor_from_its_properties_edited_and_deleted(
    realm: Env, admin: httpx.AsyncClient
) -> None:
    made = await post(admin, f"{TAB}/profiles/new", {"name": "pkce", "description": "S256"})
    assert made.status_code == 303 and made.headers["location"].endswith("/profiles/edit?name=pkce")
    form = await admin.get(f"{TAB}/profiles/items/new", params={"name": "pkce", "type": "pkce-enforcer"}, headers=HTML)
    assert "Auto-configure" in form.text and "auto-configured to enforce usage of PKCE" in form.text
    added = await post(admin, f"{TAB}/profiles/items/new", {"auto-configure": "on"}, name="pkce", type="pkce-enforcer")
    assert added.status_code == 303, added.text
    authenticator: dict[str, Any] = {"allowed-client-authenticators": ["client-jwt", "client-secret"]}
    authenticator |= {"default-client-authenticator": "client-secret"}
    added = await post(
        admin, f"{TAB}/profiles/items/new", authenticator, name="pkce", type="secure-client-authenticator"
    )
    assert added.status_code == 303, added.text
    (profile,) = await stored(realm, "profiles")
    assert profile["executors"] == [
        {"executor": "pkce-enforcer", "configuration": {"auto-configure": True}},
        {
            "executor": "secure-client-authenticator",
            "configuration": {
                "allowed-client-authenticators": ["client-jwt", "client-secret"],
                "default-client-authenticator": "client-secret",
            },
        },
    ]
    edit = await admin.get(f"{TAB}/profiles/items/edit", params={"name": "pkce", "index": "0"}, headers=HTML)
    assert 'name="auto-configure" value="on" checked' in edit.text
    saved = await post(admin, f"{TAB}/profiles/items/edit", {}, name="pkce", index="0")
    assert saved.status_code == 303
    assert (await stored(realm, "profiles"))[0]["executors"][0]["configuration"] == {"auto-configure": False}
    gone = await post(admin, f"{TAB}/profiles/items/delete", {"confirmed": "yes"}, name="pkce", index="0")
    assert gone.status_code == 303
    assert [e["executor"] for e in (await stored(realm, "profiles"))[0]["executors"]] == ["secure-client-authenticator"]
    asked = await post(admin, f"{TAB}/profiles/delete", {}, name="pkce")
    assert asked.status_code == 200 and "Delete the client profile pkce?" in asked.text
    assert await stored(realm, "profiles") != []
    deleted = await post(admin, f"{TAB}/profiles/delete", {"confirmed": "yes"}, name="pkce")
    assert deleted.status_code == 303 and await stored(realm, "profiles") == []


async def test_an_executor_configuration_keycloak_refuses_shows_its_text_and_saves_nothing(
    realm: Env, admin: httpx.AsyncClient
) -> None:
    await put(realm, "profiles", {"profiles": [{"name": "p", "executors": []}]})
    bad = {"allowed-client-authenticators": ["client-jwt"], "default-client-authenticator": "client-secret"}
    refused = await post(admin, f"{TAB}/profiles/items/new", bad, name="p", type="secure-client-authenticator")
    assert refused.status_code == 400
    assert "proposed client profile contains the executor, which does not have valid provider" in refused.text
    assert (await stored(realm, "profiles"))[0]["executors"] == []
    unknown = await post(admin, f"{TAB}/profiles/items/new", {}, name="p", type="saml-signature-enforcer")
    assert unknown.status_code == 404
    flow = {"auth-flow-alias": "browser", "auth-flow-loa": "two"}
    refused = await post(admin, f"{TAB}/profiles/items/new", flow, name="p", type="auth-flow-enforcer")
    assert refused.status_code == 400 and 'value="two"' in refused.text


async def test_an_integer_property_is_stored_as_a_number(realm: Env, admin: httpx.AsyncClient) -> None:
    await put(realm, "profiles", {"profiles": [{"name": "p", "executors": []}]})
    form = await admin.get(
        f"{TAB}/profiles/items/new", params={"name": "p", "type": "auth-flow-enforcer"}, headers=HTML
    )
    assert 'inputmode="numeric"' in form.text and 'value="1"' in form.text  # the property's default
    flow = {"auth-flow-alias": "browser", "auth-flow-loa": "2"}
    added = await post(admin, f"{TAB}/profiles/items/new", flow, name="p", type="auth-flow-enforcer")
    assert added.status_code == 303, added.text
    (executor,) = (await stored(realm, "profiles"))[0]["executors"]
    assert executor["configuration"] == {"auth-flow-alias": "browser", "auth-flow-loa": 2}


async def test_a_global_profile_cannot_be_changed_from_the_form_or_the_json_editor(
    realm: Env, admin: httpx.AsyncClient
) -> None:
    renamed = await post(admin, f"{TAB}/profiles/edit", {"name": "mine"}, name="fapi-1-baseline")
    assert renamed.status_code == 400 and "Global profiles cannot be updated" in renamed.text
    deleted = await post(admin, f"{TAB}/profiles/delete", {"confirmed": "yes"}, name="fapi-1-baseline")
    assert deleted.status_code == 400 and "Global profiles cannot be updated" in deleted.text
    editor = await admin.get(f"{TAB}/profiles/json", headers=HTML)
    doc = json.loads(html.unescape(editor.text.split('name="json"')[1].split(">", 1)[1].split("</textarea>")[0]))
    assert doc["profiles"] == [] and doc["globalProfiles"][0]["name"] == "fapi-1-baseline"
    doc["globalProfiles"][0]["description"] = "changed"
    refused = await post(admin, f"{TAB}/profiles/json", {"json": json.dumps(doc)})
    assert refused.status_code == 400 and "Global profiles cannot be updated" in refused.text
    taken = await post(admin, f"{TAB}/profiles/new", {"name": "fapi-1-baseline"})
    assert taken.status_code == 400
    assert "Proposed profile name &#39;fapi-1-baseline&#39; is duplicated as a global profile" in taken.text
    assert await stored(realm, "profiles") == []


async def test_the_json_editor_saves_a_document_and_shows_broken_json_as_typed(
    realm: Env, admin: httpx.AsyncClient
) -> None:
    doc = {"profiles": [{"name": "j", "executors": [{"executor": "secure-session", "configuration": {}}]}]}
    saved = await post(admin, f"{TAB}/profiles/json", {"json": json.dumps(doc)})
    assert saved.status_code == 303
    assert await stored(realm, "profiles") == doc["profiles"]
    broken = '{"profiles": [' + XSS
    refused = await post(admin, f"{TAB}/profiles/json", {"json": broken})
    assert refused.status_code == 400 and "The JSON is not valid" in refused.text
    assert XSS not in refused.text and "[&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;</textarea>" in refused.text
    for junk in ("[]", '"text"', '{"profiles": 3}'):
        refused = await post(admin, f"{TAB}/profiles/json", {"json": junk})
        assert refused.status_code == 400, junk
    assert await stored(realm, "profiles") == doc["profiles"]


async def test_a_policy_is_created_given_a_condition_and_profiles_switched_and_deleted(
    realm: Env, admin: httpx.AsyncClient
) -> None:
    made = await post(admin, f"{TAB}/policies/new", {"name": "public", "profiles": "oauth-2-1-for-public-client"})
    assert made.status_code == 303, made.text
    form = await admin.get(
        f"{TAB}/policies/items/new", params={"name": "public", "type": "client-access-type"}, headers=HTML
    )
    assert 'value="confidential" checked' in form.text and 'value="public">' in form.text
    added = await post(admin, f"{TAB}/policies/items/new", {"type": "public"}, name="public", type="client-access-type")
    assert added.status_code == 303, added.text
    attrs = {"attributes": "color=blue\nsize = large"}
    added = await post(admin, f"{TAB}/policies/items/new", attrs, name="public", type="client-attributes")
    assert added.status_code == 303, added.text
    (policy,) = await stored(realm, "policies")
    assert policy["enabled"] is True and policy["profiles"] == ["oauth-2-1-for-public-client"]
    type_ = {"type": ["public"], "is-negative-logic": False}  # every property, as Keycloak's console sends
    assert policy["conditions"][0] == {"condition": "client-access-type", "configuration": type_}
    pairs = json.loads(policy["conditions"][1]["configuration"]["attributes"])
    assert pairs == [{"key": "color", "value": "blue"}, {"key": "size", "value": "large"}]
    edit = await admin.get(f"{TAB}/policies/items/edit", params={"name": "public", "index": "1"}, headers=HTML)
    assert "color=blue\nsize=large</textarea>" in edit.text
    off = await post(admin, f"{TAB}/policies/switch", {"enabled": "false"}, name="public")
    assert off.status_code == 303 and (await stored(realm, "policies"))[0]["enabled"] is False
    assert (await post(admin, f"{TAB}/profiles/switch", {"enabled": "false"}, name="x")).status_code == 404
    gone = await post(admin, f"{TAB}/policies/delete", {"confirmed": "yes"}, name="public")
    assert gone.status_code == 303 and await stored(realm, "policies") == []


async def test_a_policy_naming_an_unknown_profile_or_an_unknown_scope_shows_keycloaks_text(
    realm: Env, admin: httpx.AsyncClient
) -> None:
    forged = await post(admin, f"{TAB}/policies/new", {"name": "p", "profiles": "nowhere"})
    assert forged.status_code == 400 and "Policy p contains invalid profile nowhere" in forged.text
    await put(realm, "policies", {"policies": [{"name": "p", "enabled": True, "conditions": [], "profiles": []}]})
    scopes = {"scopes": "no-such-scope", "type": "Default"}
    refused = await post(admin, f"{TAB}/policies/items/new", scopes, name="p", type="client-scopes")
    assert refused.status_code == 400 and "Invalid client-scopes configuration" in refused.text
    assert (await stored(realm, "policies"))[0]["conditions"] == []


async def test_hostile_names_descriptions_and_values_are_shown_as_text(realm: Env, admin: httpx.AsyncClient) -> None:
    patterns = {"allowed-patterns": XSS}
    config = {"allowed-patterns": [XSS], "client-uri-fields": ["rootUrl"]}
    executor = {"executor": "secure-client-uris-pattern", "configuration": config}
    profile = {"name": XSS, "description": XSS, "executors": [executor]}
    await put(realm, "profiles", {"profiles": [profile]})
    await put(realm, "policies", {"policies": [{"name": XSS, "description": XSS, "enabled": True, "profiles": [XSS]}]})
    pages = [
        await admin.get(f"{TAB}/profiles", headers=HTML),
        await admin.get(f"{TAB}/policies", headers=HTML),
        await admin.get(f"{TAB}/profiles/edit", params={"name": XSS}, headers=HTML),
        await admin.get(f"{TAB}/policies/edit", params={"name": XSS}, headers=HTML),
        await admin.get(f"{TAB}/profiles/items/edit", params={"name": XSS, "index": "0"}, headers=HTML),
        await admin.get(f"{TAB}/profiles/json", headers=HTML),
    ]
    for page in pages:
        assert page.status_code in (200, 400), page.text[:300]
        assert XSS not in page.text and "&lt;script&gt;" in page.text.replace("\\u003c", "&lt;").replace(
            "\\u003e", "&gt;"
        )
    assert (await post(admin, f"{TAB}/profiles/items/edit", patterns, name=XSS, index="9")).status_code == 404
    assert (await post(admin, f"{TAB}/profiles/items/edit", patterns, name=XSS, index="-1")).status_code == 404
    assert (await post(admin, f"{TAB}/profiles/items/edit", patterns, name=XSS, index="\u0660")).status_code == 404


async def test_a_view_realm_administrator_reads_the_tab_and_every_forged_change_is_refused(realm: Env) -> None:
    await put(realm, "policies", {"policies": [{"name": "p", "enabled": True, "conditions": [], "profiles": []}]})
    await put(realm, "profiles", {"profiles": [{"name": "q", "executors": []}]})
    async with console_as(realm, "watcher", "view-realm") as http:
        page = await http.get(f"{TAB}/policies", headers=HTML)
        assert page.status_code == 200 and "changing them needs the manage-realm role" in page.text
        assert 'aria-label="Delete p"' not in page.text and "Create client policy" not in page.text
        editor = await http.get(f"{TAB}/profiles/json", headers=HTML)
        assert "readonly" in editor.text and ">Save</button>" not in editor.text
        writes = [
            (f"{TAB}/profiles/json", {"json": '{"profiles": []}'}, {}),
            (f"{TAB}/profiles/new", {"name": "x"}, {}),
            (f"{TAB}/profiles/edit", {"name": "x"}, {"name": "q"}),
            (f"{TAB}/profiles/delete", {"confirmed": "yes"}, {"name": "q"}),
            (f"{TAB}/policies/switch", {"enabled": "false"}, {"name": "p"}),
            (f"{TAB}/profiles/items/new", {}, {"name": "q", "type": "secure-session"}),
        ]
        for path, data, query in writes:
            refused = await http.post(path, params=query, data={"csrf_token": csrf(page), **data}, headers=ORIGIN)
            assert refused.status_code == 403, path
    assert [p["name"] for p in await stored(realm, "profiles")] == ["q"]
    assert (await stored(realm, "policies"))[0]["enabled"] is True


async def test_a_write_without_the_csrf_token_changes_nothing_and_no_write_records_an_admin_event(
    realm: Env, admin: httpx.AsyncClient
) -> None:
    config = {"adminEventsEnabled": True, "adminEventsDetailsEnabled": True}
    await realm.http.put("/admin/realms/test/events/config", json=config, headers=await realm.admin_headers())
    before = await realm.http.get("/admin/realms/test/admin-events", headers=await realm.admin_headers())
    forged = await admin.post(f"{TAB}/profiles/new", data={"name": "x"}, headers=ORIGIN)
    assert forged.status_code == 403
    assert await stored(realm, "profiles") == []
    assert (await post(admin, f"{TAB}/profiles/new", {"name": "x"})).status_code == 303
    after = await realm.http.get("/admin/realms/test/admin-events", headers=await realm.admin_headers())
    assert after.json() == before.json()  # PUT client-policies/profiles records none (ClientProfilesResource)
