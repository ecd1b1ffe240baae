"""A client's Advanced tab in the Admin Console: the request object settings (``request.object.signature.alg``,
``request.object.required``, ``request.uris``) and "Pushed authorization request required", stored as the
client attributes ``PUT clients/{id}`` stores, and obeyed at once by the authorization endpoint."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from admin_support import client_uuid, make_admin
from browser_flow import REDIRECT, start
from console_support import HTML, ORIGIN, csrf, sign_in
from doorkeep.web.admin_console.views_clients import ADVANCED
from support import seed_client
from wire_env import Env, client_at

pytestmark = pytest.mark.anyio
UNITS = {f"{spec.name}.unit": "minutes" for spec in ADVANCED}


@pytest.fixture
async def admin(realm: Env) -> AsyncIterator[httpx.AsyncClient]:
    await make_admin(realm, "test", "boss", "realm-admin")
    await seed_client(realm.db, "test", "web", redirect_uris=(REDIRECT,))
    async with client_at(realm, "127.0.0.2") as http:
        await sign_in(http, "/admin/test/console/", "boss")
        yield http


async def attributes(env: Env, uuid: str) -> dict[str, Any]:
    response = await env.http.get(f"/admin/realms/test/clients/{uuid}", headers=await env.admin_headers())
    assert response.status_code == 200, response.text
    found: dict[str, Any] = response.json()["attributes"]
    return found


def error_of(response: httpx.Response) -> tuple[str, str]:
    assert response.status_code == 302, response.text[:300]
    query = parse_qs(urlsplit(response.headers["location"]).query)
    return query["error"][0], query["error_description"][0]


async def test_the_advanced_tab_sets_the_request_object_and_par_settings_and_authorize_obeys(
    realm: Env, admin: httpx.AsyncClient
) -> None:
    web = await client_uuid(realm, "test", "web")
    path = f"/admin/test/console/test/clients/{web}/advanced"
    tab = await admin.get(path, headers=HTML)
    assert tab.status_code == 200 and '<option value="any" selected>any</option>' in tab.text
    form = {
        "csrf_token": csrf(tab),
        **UNITS,
        "request.object.signature.alg": "RS256",
        "request.object.required": "request only",
        "request.uris": "https://files.example/*\nhttps://other.example/r",
    }
    saved = await admin.post(path, data=form, headers=ORIGIN)
    assert saved.status_code == 303, saved.text[:500]
    found = await attributes(realm, web)
    assert found["request.object.signature.alg"] == "RS256"
    assert found["request.object.required"] == "request only"
    assert found["request.uris"] == "https://files.example/*##https://other.example/r"
    assert "require.pushed.authorization.requests" not in found
    refused = await start(realm.http, "test", "web")  # an error page, not a redirect (request_parser.refused)
    assert refused.status_code == 400 and "We are sorry..." in refused.text
    shown = await admin.get(path, headers=HTML)
    assert "https://files.example/*\nhttps://other.example/r</textarea>" in shown.text
    form = {"csrf_token": csrf(tab), **UNITS, "require.pushed.authorization.requests": "on"}
    assert (await admin.post(path, data=form, headers=ORIGIN)).status_code == 303
    found = await attributes(realm, web)
    assert found["require.pushed.authorization.requests"] == "true"
    assert "request.object.required" not in found and "request.object.signature.alg" not in found
    assert error_of(await start(realm.http, "test", "web")) == (
        "invalid_request",
        "Pushed Authorization Request is only allowed.",
    )
    form = {"csrf_token": csrf(tab), **UNITS}  # switched off again: stored as "false", as Keycloak's console
    assert (await admin.post(path, data=form, headers=ORIGIN)).status_code == 303
    assert (await attributes(realm, web))["require.pushed.authorization.requests"] == "false"
    assert (await start(realm.http, "test", "web")).status_code == 200


async def test_a_forged_choice_is_refused_in_words_and_nothing_is_saved(realm: Env, admin: httpx.AsyncClient) -> None:
    web = await client_uuid(realm, "test", "web")
    path = f"/admin/test/console/test/clients/{web}/advanced"
    tab = await admin.get(path, headers=HTML)
    before = await attributes(realm, web)
    form = {"csrf_token": csrf(tab), **UNITS, "request.object.signature.alg": "<b>x</b>"}
    refused = await admin.post(path, data=form, headers=ORIGIN)
    assert refused.status_code == 400
    assert "Request object signature algorithm: unknown value &lt;b&gt;x&lt;/b&gt;." in refused.text
    assert await attributes(realm, web) == before


async def test_the_compatibility_modes_switch_the_26_6_2_escape_hatches_on_and_off(
    realm: Env, admin: httpx.AsyncClient
) -> None:
    """ "OpenID Connect Compatibility Modes": the two Keycloak 26.6.2 switches, stored as Keycloak's console sends
    them ("true", then "false" once set), shown checked while on."""
    web = await client_uuid(realm, "test", "web")
    path = f"/admin/test/console/test/clients/{web}/advanced"
    tab = await admin.get(path, headers=HTML)
    assert "OpenID Connect Compatibility Modes" in tab.text and "Allow token introspection without audience" in tab.text
    names = ("allow.token.introspection.without.audience.check", "allow.userinfo.with.lightweight.access.token")
    form = {"csrf_token": csrf(tab), **UNITS, **{name: "on" for name in names}}
    assert (await admin.post(path, data=form, headers=ORIGIN)).status_code == 303
    found = await attributes(realm, web)
    assert [found[name] for name in names] == ["true", "true"]
    shown = await admin.get(path, headers=HTML)
    assert shown.text.count('value="on" aria-describedby="h-') == 2 and shown.text.count(" checked>") >= 2
    form = {"csrf_token": csrf(tab), **UNITS, names[1]: "on"}
    assert (await admin.post(path, data=form, headers=ORIGIN)).status_code == 303
    found = await attributes(realm, web)
    assert [found[name] for name in names] == ["false", "true"]
