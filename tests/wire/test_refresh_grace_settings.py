"""The refresh grace period's settings (issue #13 item 1): admin REST, realm export/import, Admin Console.

The realm attribute ``refreshTokenGracePeriod`` and the client attribute ``refresh.token.grace.period``
(blank inherits) take whole seconds from 0 to 120; anything else is a 400 naming the attribute.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from admin_support import client_uuid, make_admin
from browser_flow import form_action, form_fields
from doorkeep.realms.exportimport import files
from doorkeep.realms.exportimport.parse import parse_realm
from doorkeep.realms.exportimport.plan import ImportError_
from doorkeep.web.admin_console.views_clients import ADVANCED
from wire_env import Env, client_at

pytestmark = pytest.mark.anyio
REALM = "/admin/realms/test"
REALM_ATTR = "refreshTokenGracePeriod"
CLIENT_ATTR = "refresh.token.grace.period"
HTML = {"Accept": "text/html"}
ORIGIN = {"Origin": "http://localhost"}
CONSOLE = "/admin/test/console/test"


async def put_realm(env: Env, rep: dict[str, Any]) -> httpx.Response:
    return await env.http.put(REALM, json=rep, headers=await env.admin_headers())


async def realm_attributes(env: Env) -> dict[str, str]:
    response = await env.http.get(REALM, headers=await env.admin_headers())
    attributes: dict[str, str] = response.json()["attributes"]
    return attributes


async def test_the_realm_grace_period_round_trips_and_refuses_values_outside_0_to_120(realm: Env) -> None:
    for bad in ("121", "-1", "thirty", "1.5", 500):
        response = await put_realm(realm, {"attributes": {REALM_ATTR: bad}})
        assert response.status_code == 400, (bad, response.text)
        assert response.json()["error"] == "invalid_input" and REALM_ATTR in response.text
    assert REALM_ATTR not in await realm_attributes(realm)  # nothing was saved
    assert (await put_realm(realm, {"attributes": {REALM_ATTR: "45"}})).status_code == 204
    assert (await realm_attributes(realm))[REALM_ATTR] == "45"


async def test_the_client_override_round_trips_blank_inherits_and_bad_values_are_refused(realm: Env) -> None:
    headers = await realm.admin_headers()
    url = f"{REALM}/clients/{await client_uuid(realm, 'test', 'app')}"
    for bad in ("121", "-5", "soon"):
        response = await realm.http.put(url, json={"attributes": {CLIENT_ATTR: bad}}, headers=headers)
        assert response.status_code == 400 and CLIENT_ATTR in response.json()["error_description"], response.text
    assert (await realm.http.put(url, json={"attributes": {CLIENT_ATTR: "0"}}, headers=headers)).status_code == 204
    assert (await realm.http.get(url, headers=headers)).json()["attributes"][CLIENT_ATTR] == "0"
    assert (await realm.http.put(url, json={"attributes": {CLIENT_ATTR: ""}}, headers=headers)).status_code == 204
    assert CLIENT_ATTR not in (await realm.http.get(url, headers=headers)).json()["attributes"]


async def test_both_settings_survive_export_and_import_and_a_bad_one_is_refused_on_import(realm: Env) -> None:
    headers = await realm.admin_headers()
    await put_realm(realm, {"attributes": {REALM_ATTR: "20"}})
    url = f"{REALM}/clients/{await client_uuid(realm, 'test', 'app')}"
    await realm.http.put(url, json={"attributes": {CLIENT_ATTR: "90"}}, headers=headers)
    exported = await files.export_realm(realm.db, "test")
    assert exported["attributes"][REALM_ATTR] == "20"
    app = next(c for c in exported["clients"] if c["clientId"] == "app")
    assert app["attributes"][CLIENT_ATTR] == "90"
    copy = {**exported, "realm": "copy", "id": None}
    copy["clients"] = [{k: v for k, v in c.items() if k != "id"} for c in exported["clients"]]
    copy["roles"] = {"realm": [], "client": {}}
    plan = parse_realm(copy)
    assert plan.realm.attributes[REALM_ATTR] == "20"
    assert next(p.client for p in plan.clients if p.client.client_id == "app").attributes[CLIENT_ATTR] == "90"
    with pytest.raises(ImportError_, match=re.escape(f"attributes.{REALM_ATTR}: expected a whole number")):
        parse_realm({**copy, "attributes": {REALM_ATTR: "600"}})


@pytest.fixture
async def admin(realm: Env) -> AsyncIterator[httpx.AsyncClient]:
    """A realm administrator of ``test`` (realm-admin), signed in to its console."""
    await make_admin(realm, "test", "boss", "realm-admin")
    async with client_at(realm, "127.0.0.2") as http:
        start = await http.get("/admin/test/console/", headers=HTML)
        login = await http.get(start.headers["location"])
        form = {**form_fields(login.text), "username": "boss", "password": "password"}
        done = await http.post(form_action(login.text), data=form)
        await http.get((await http.get(done.headers["location"])).headers["location"], headers=HTML)
        yield http


async def submit(http: httpx.AsyncClient, path: str, **fields: str) -> httpx.Response:
    page = await http.get(path, headers=HTML)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert page.status_code == 200 and token, page.text[:300]
    return await http.post(path, data={"csrf_token": token.group(1), **fields}, headers=ORIGIN)


async def test_the_console_tokens_tab_shows_and_saves_the_realm_grace_period(
    realm: Env, admin: httpx.AsyncClient
) -> None:
    path = f"{CONSOLE}/realm-settings/tokens"
    common = {"accessTokenLifespan": "5", "accessTokenLifespan.unit": "minutes", "refreshTokenMaxReuse": "0"}
    refused = await submit(admin, path, **common, revokeRefreshToken="on", refreshTokenGracePeriod="300")
    assert refused.status_code == 400 and "whole number of seconds from 0 to 120" in refused.text
    saved = await submit(admin, path, **common, revokeRefreshToken="on", refreshTokenGracePeriod="60")
    assert saved.status_code in (200, 303), saved.text[:300]
    assert (await realm_attributes(realm))[REALM_ATTR] == "60"
    shown = await admin.get(path, headers=HTML)
    assert re.search(r'name="refreshTokenGracePeriod"\s+value="60"', shown.text)


async def test_the_console_advanced_tab_sets_and_clears_the_client_override(
    realm: Env, admin: httpx.AsyncClient
) -> None:
    url = f"{REALM}/clients/{await client_uuid(realm, 'test', 'app')}"
    path = f"{CONSOLE}/clients/{await client_uuid(realm, 'test', 'app')}/advanced"
    units = {f"{spec.name}.unit": "minutes" for spec in ADVANCED}
    saved = await submit(admin, path, **units, **{CLIENT_ATTR: "15"})
    assert saved.status_code in (200, 303), saved.text[:300]
    headers = await realm.admin_headers()
    assert (await realm.http.get(url, headers=headers)).json()["attributes"][CLIENT_ATTR] == "15"
    assert 'value="15"' in (await admin.get(path, headers=HTML)).text
    refused = await submit(admin, path, **units, **{CLIENT_ATTR: "abc"})
    assert refused.status_code == 400 and "whole number of seconds from 0 to 120" in refused.text
    await submit(admin, path, **units, **{CLIENT_ATTR: ""})
    assert CLIENT_ATTR not in (await realm.http.get(url, headers=headers)).json()["attributes"]
