"""Identity providers → Mappers in the Admin Console, over HTTP against the real app (both engines): the provider's
mappers listed, one of each type Doorkeep runs added and deleted after a confirmation, as the provider's
``mappers`` REST calls do (their checks and texts, their admin events); the mapper added here is applied at the
next brokered login. Hostile: CSRF, a view-only administrator, a forged type or sync mode, a taken name."""

from __future__ import annotations

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
MAPPERS = "/admin/test/console/test/identity-providers/instances/corp/mappers"
REST = "/admin/realms/test/identity-provider/instances/corp/mappers"


@pytest.fixture
async def admin(realm: Env) -> AsyncIterator[httpx.AsyncClient]:
    body = {"alias": "corp", "providerId": "oidc"}
    created = await realm.http.post(
        "/admin/realms/test/identity-provider/instances", json=body, headers=await realm.admin_headers()
    )
    assert created.status_code == 201, created.text
    await make_admin(realm, "test", "boss", "realm-admin")
    async with client_at(realm, "127.0.0.2") as http:
        await sign_in(http, "/admin/test/console/", "boss")
        yield http


async def listed(env: Env, path: str = REST) -> list[dict[str, Any]]:
    response = await env.http.get(path, headers=await env.admin_headers())
    assert response.status_code == 200, response.text
    found: list[dict[str, Any]] = response.json()
    return found


async def post(http: httpx.AsyncClient, path: str, base: str = MAPPERS, **form: str) -> httpx.Response:
    page = await http.get(base, headers=HTML)
    return await http.post(base + path, data={"csrf_token": csrf(page), **form}, headers=ORIGIN)


@pytest.mark.parametrize(
    ("kind", "config"),
    [
        ("hardcoded-attribute-idp-mapper", {"attribute": "department", "attribute.value": "sales"}),
        ("oidc-hardcoded-role-idp-mapper", {"role": "offline_access"}),
        ("oidc-role-idp-mapper", {"claim": "groups", "claim.value": "admins", "role": "offline_access"}),
        ("oidc-user-attribute-idp-mapper", {"claim": "locale", "user.attribute": "locale"}),
        ("oidc-username-idp-mapper", {"template": "${ALIAS}.${CLAIM.email}", "target": "BROKER_ID"}),
        (
            "oidc-advanced-role-idp-mapper",
            {
                "claims": '[{"key":"groups","value":"admins"}]',
                "are.claim.values.regex": "true",
                "role": "offline_access",
            },
        ),
        (
            "oidc-advanced-group-idp-mapper",
            {"claims": '[{"key":"groups","value":"admins"}]', "are.claim.values.regex": "true", "group": "/staff"},
        ),
    ],
)
async def test_each_type_is_added_as_the_rest_api_adds_it_and_deleted_after_confirming(
    realm: Env, admin: httpx.AsyncClient, kind: str, config: dict[str, str]
) -> None:
    page = await admin.get(MAPPERS, headers=HTML)
    assert page.status_code == 200 and "No mappers." in page.text and f"/add/{kind}" in page.text
    form = await admin.get(f"{MAPPERS}/add/{kind}", headers=HTML)
    assert form.status_code == 200 and all(f'name="{name}"' in form.text for name in config)
    added = await post(admin, f"/add/{kind}", name="from console", syncMode="FORCE", **config)
    assert added.status_code == 303, added.text
    [mapper] = await listed(realm)
    assert (mapper["name"], mapper["identityProviderMapper"]) == ("from console", kind)
    assert mapper["config"] == {"syncMode": "FORCE", **config}
    asked = await post(admin, f"/{mapper['id']}/delete")
    assert asked.status_code == 200 and "Delete the mapper from console of corp?" in asked.text
    assert len(await listed(realm)) == 1
    assert (await post(admin, f"/{mapper['id']}/delete", confirmed="yes")).status_code == 303
    assert await listed(realm) == []


async def test_adding_and_deleting_record_the_events_of_the_rest_calls(realm: Env, admin: httpx.AsyncClient) -> None:
    await enable_admin_events(realm, clear=True)
    kind = "hardcoded-attribute-idp-mapper"
    assert (
        await post(admin, f"/add/{kind}", name="dept", attribute="d", **{"attribute.value": "x"})
    ).status_code == 303
    [mapper] = await listed(realm)
    assert (await post(admin, f"/{mapper['id']}/delete", confirmed="yes")).status_code == 303
    deleted, created = await admin_events(realm)
    path = f"identity-provider/instances/corp/mappers/{mapper['id']}"
    assert (created["operationType"], created["resourceType"], created["resourcePath"]) == (
        "CREATE",
        "IDENTITY_PROVIDER_MAPPER",
        path,
    )
    assert (deleted["operationType"], deleted["resourcePath"]) == ("DELETE", path)


@pytest.mark.parametrize(
    ("kind", "form", "status", "message"),
    [
        (
            "hardcoded-attribute-idp-mapper",
            {"name": "m", "syncMode": "SOMETIMES"},
            400,
            "Failed to add mapper &#39;m&#39;",
        ),
        ("hardcoded-attribute-idp-mapper", {"name": ""}, 400, "Failed to add mapper"),
        ("saml-username-idp-mapper", {"name": "m"}, 404, "No such mapper type."),
    ],
)
async def test_a_refused_mapper_is_an_error_and_nothing_is_stored(
    realm: Env, admin: httpx.AsyncClient, kind: str, form: dict[str, str], status: int, message: str
) -> None:
    refused = await post(admin, f"/add/{kind}", **form)
    assert refused.status_code == status and message in refused.text
    assert await listed(realm) == []


async def test_a_taken_name_is_refused_and_markup_is_shown_as_text(realm: Env, admin: httpx.AsyncClient) -> None:
    name = "<b>dept</b>"
    kind = "hardcoded-attribute-idp-mapper"
    assert (await post(admin, f"/add/{kind}", name=name, attribute="d")).status_code == 303
    assert name not in (await admin.get(MAPPERS, headers=HTML)).text
    taken = await post(admin, f"/add/{kind}", name=name, attribute="e")
    assert taken.status_code == 400 and "Failed to add mapper &#39;&lt;b&gt;dept&lt;/b&gt;&#39;" in taken.text
    assert len(await listed(realm)) == 1


async def test_csrf_and_a_view_only_administrator_are_refused(realm: Env, admin: httpx.AsyncClient) -> None:
    kind = "hardcoded-attribute-idp-mapper"
    forged = await admin.post(f"{MAPPERS}/add/{kind}", data={"name": "m"}, headers=ORIGIN)
    assert forged.status_code == 403
    await make_admin(realm, "test", "watcher", "view-identity-providers")
    async with client_at(realm, "127.0.0.4") as http:
        await sign_in(http, "/admin/test/console/", "watcher")
        page = await http.get(MAPPERS, headers=HTML)
        assert page.status_code == 200 and "/add/" not in page.text
        refused = await http.post(f"{MAPPERS}/add/{kind}", data={"csrf_token": csrf(page), "name": "m"}, headers=ORIGIN)
        assert refused.status_code == 403 and "manage-identity-providers" in refused.text
    assert await listed(realm) == []


async def test_a_mapper_added_here_is_applied_at_the_next_brokered_login(env: Env) -> None:
    async with served(env) as broker:
        await broker.add_provider()
        await make_admin(env, "test", "boss", "realm-admin")
        base = f"/admin/test/console/test/identity-providers/instances/{ALIAS}/mappers"
        async with client_at(env, "127.0.0.2") as http:
            await sign_in(http, "/admin/test/console/", "boss")
            form = {"name": "dept", "attribute": "department", "attribute.value": "sales", "syncMode": "INHERIT"}
            added = await post(http, "/add/hardcoded-attribute-idp-mapper", base, **form)
            assert added.status_code == 303, added.text
        async with browser(broker) as user:
            done = await broker_login(user)
            assert done.status_code == 302 and done.headers["location"].startswith(REDIRECT), done.text
        headers = await env.admin_headers()
        [alice] = (await env.http.get("/admin/realms/test/users", params={"search": "alice"}, headers=headers)).json()
        assert alice["attributes"]["department"] == ["sales"]


async def test_the_form_offers_a_types_defaults_options_and_switches(admin: httpx.AsyncClient) -> None:
    template = await admin.get(f"{MAPPERS}/add/oidc-username-idp-mapper", headers=HTML)
    assert template.status_code == 200
    assert 'value="${ALIAS}.${CLAIM.preferred_username}"' in template.text
    assert '<select id="f-target" name="target"' in template.text
    assert '<option value="LOCAL" selected>LOCAL</option>' in template.text
    assert '<option value="BROKER_USERNAME">BROKER_USERNAME</option>' in template.text
    advanced = await admin.get(f"{MAPPERS}/add/oidc-advanced-role-idp-mapper", headers=HTML)
    assert 'type="checkbox" id="f-are.claim.values.regex" name="are.claim.values.regex" value="true"' in advanced.text
    assert "checked" not in advanced.text
