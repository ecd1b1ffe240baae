"""The Admin Console's Advanced settings switches of an identity provider: ``sendIdTokenOnLogout`` (on when unset),
``sendClientIdOnLogout``, ``requiresShortStateParameter`` and ``allowAdminRoleMapping`` (off when unset), as
Keycloak's admin UI shows them (js/apps/admin-ui identity-providers/add: ExtendedNonDiscoverySettings for an
OpenID Connect provider, ExtendedOAuth2Settings for an OAuth v2 one, AdvancedSettings). Each page shows the stored value and saving the form changes it, through the
form's CSRF-checked POST; turning ``allowAdminRoleMapping`` on needs manage-realm as well
(IdentityProviderResource, RealmAdminAccessTest#testNonRealmAdminCannotEnableAllowAdminRoleMapping: 403 over
REST), the console's refusal the form's error with nothing stored."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from admin_support import make_admin
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
KEEP = {**FIELDS, "clientSecret": ""}  # an edit: a blank secret keeps the stored one
SEND_ID_TOKEN = "Send &#39;id_token_hint&#39; in logout requests"


@pytest.fixture
async def admin(realm: Env) -> AsyncIterator[httpx.AsyncClient]:
    await make_admin(realm, "test", "boss", "realm-admin")
    async with client_at(realm, "127.0.0.2") as http:
        await sign_in(http, "/admin/test/console/", "boss")
        yield http


async def stored_config(env: Env, alias: str = "corp") -> dict[str, Any]:
    response = await env.http.get(f"{REST}/{alias}", headers=await env.admin_headers())
    assert response.status_code == 200, response.text
    config: dict[str, Any] = response.json()["config"]
    return config


async def save(http: httpx.AsyncClient, path: str, **form: str) -> httpx.Response:
    page = await http.get(CONSOLE, headers=HTML)
    return await http.post(CONSOLE + path, data={"csrf_token": csrf(page), **form}, headers=ORIGIN)


def checked(page: str, name: str) -> bool:
    """Is the checkbox ``name`` of the page ticked?"""
    start = page.index(f'id="f-{name}"')
    tag = page[page.rindex("<input", 0, start) : page.index(">", start)]
    return " checked" in tag


async def make(env: Env, config: dict[str, str]) -> None:
    body = {"alias": "corp", "providerId": "oidc", "config": {"clientId": "demo", **config}}
    response = await env.http.post(REST, json=body, headers=await env.admin_headers())
    assert response.status_code == 201, response.text


async def test_the_advanced_settings_show_the_stored_switches_and_their_keycloak_labels(
    realm: Env, admin: httpx.AsyncClient
) -> None:
    await make(realm, {})
    page = (await admin.get(CONSOLE + "/instances/corp", headers=HTML)).text
    assert "<legend>Advanced settings</legend>" in page
    assert SEND_ID_TOKEN in page and "Send &#39;client_id&#39; in logout requests" in page
    assert "Requires short state parameter" in page and "Allow admin role mapping" in page
    # unset: sendIdTokenOnLogout on, the others off
    assert checked(page, "sendIdTokenOnLogout")
    for off in ("sendClientIdOnLogout", "requiresShortStateParameter", "allowAdminRoleMapping"):
        assert not checked(page, off), off
    added = (await admin.get(CONSOLE + "/add", headers=HTML)).text
    assert checked(added, "sendIdTokenOnLogout") and not checked(added, "allowAdminRoleMapping")


async def test_the_page_shows_each_switch_as_stored(realm: Env, admin: httpx.AsyncClient) -> None:
    await make(
        realm,
        {
            "sendIdTokenOnLogout": "false",
            "sendClientIdOnLogout": "true",
            "requiresShortStateParameter": "true",
            "allowAdminRoleMapping": "true",
        },
    )
    page = (await admin.get(CONSOLE + "/instances/corp", headers=HTML)).text
    assert not checked(page, "sendIdTokenOnLogout")
    for on in ("sendClientIdOnLogout", "requiresShortStateParameter", "allowAdminRoleMapping"):
        assert checked(page, on), on


async def test_saving_the_form_stores_each_switch(realm: Env, admin: httpx.AsyncClient) -> None:
    assert (await save(admin, "/add", alias="corp", **FIELDS, sendIdTokenOnLogout="on")).status_code == 303
    config = await stored_config(realm)  # switches left at their meaning when unset are not written
    assert not {"sendIdTokenOnLogout", "sendClientIdOnLogout", "requiresShortStateParameter"} & set(config)
    assert "allowAdminRoleMapping" not in config
    switches = {
        "sendClientIdOnLogout": "on",
        "requiresShortStateParameter": "on",
        "allowAdminRoleMapping": "on",
    }
    assert (await save(admin, "/instances/corp", **KEEP, **switches)).status_code == 303
    config = await stored_config(realm)
    assert config["sendIdTokenOnLogout"] == "false"  # unticked: the form sends nothing
    assert config["sendClientIdOnLogout"] == config["requiresShortStateParameter"] == "true"
    assert config["allowAdminRoleMapping"] == "true"
    page = (await admin.get(CONSOLE + "/instances/corp", headers=HTML)).text
    assert not checked(page, "sendIdTokenOnLogout") and checked(page, "allowAdminRoleMapping")


async def test_an_oauth2_provider_shows_the_short_state_and_a_social_one_only_admin_role_mapping(
    realm: Env, admin: httpx.AsyncClient
) -> None:
    """Keycloak's console shows the logout switches for an OpenID Connect provider only, the short state for it and
    an OAuth v2 one (ExtendedNonDiscoverySettings, ExtendedOAuth2Settings); a GitHub one has neither."""
    oauth2 = {
        "providerId": "oauth2",
        "enabled": "on",
        "authorizationUrl": "http://localhost/auth",
        "tokenUrl": "http://localhost/token",
        "userInfoUrl": "http://localhost/me",
        "clientId": "demo",
        "clientSecret": "s3cret-value",
        "clientAuthMethod": "client_secret_post",
    }
    assert (await save(admin, "/add", alias="o2", **oauth2, requiresShortStateParameter="on")).status_code == 303
    assert (await stored_config(realm, "o2"))["requiresShortStateParameter"] == "true"
    page = (await admin.get(CONSOLE + "/instances/o2", headers=HTML)).text
    assert "sendIdTokenOnLogout" not in page and checked(page, "requiresShortStateParameter")
    form = {"providerId": "github", "enabled": "on", "clientId": "demo", "clientSecret": "s3cret-value"}
    assert (await save(admin, "/add", alias="gh", **form, allowAdminRoleMapping="on")).status_code == 303
    assert (await stored_config(realm, "gh"))["allowAdminRoleMapping"] == "true"
    page = (await admin.get(CONSOLE + "/instances/gh", headers=HTML)).text
    assert "sendIdTokenOnLogout" not in page and "requiresShortStateParameter" not in page
    assert checked(page, "allowAdminRoleMapping")


async def test_without_manage_realm_turning_admin_role_mapping_on_is_the_forms_error(realm: Env) -> None:
    """A manage-identity-providers administrator saves the other switches but may not turn allowAdminRoleMapping
    on: the page answers 400 with the refusal, never the success message, and the stored value stays off."""
    await make(realm, {})
    await make_admin(realm, "test", "idp-manager", "manage-identity-providers")
    async with client_at(realm, "127.0.0.3") as http:
        await sign_in(http, "/admin/test/console/", "idp-manager")
        refused = await save(http, "/instances/corp", **KEEP, allowAdminRoleMapping="on")
        assert refused.status_code == 400, refused.text
        assert "The form was not saved" in refused.text and "manage-realm" in refused.text
        assert "saved." not in refused.text and 'aria-invalid="true"' in refused.text
        assert (await stored_config(realm)).get("allowAdminRoleMapping") != "true"
        fine = await save(http, "/instances/corp", **KEEP, sendClientIdOnLogout="on")
        assert fine.status_code == 303
        assert (await stored_config(realm))["sendClientIdOnLogout"] == "true"
        made = await save(http, "/add", alias="other", **FIELDS, allowAdminRoleMapping="on")
        assert made.status_code == 400 and "manage-realm" in made.text
        response = await realm.http.get(f"{REST}/other", headers=await realm.admin_headers())
        assert response.status_code == 404


async def test_a_provider_already_allowed_keeps_the_switch_for_an_admin_without_manage_realm(realm: Env) -> None:
    """Only turning it on needs manage-realm: saving a provider whose switch is already on passes."""
    await make(realm, {"allowAdminRoleMapping": "true"})
    await make_admin(realm, "test", "idp-manager", "manage-identity-providers")
    async with client_at(realm, "127.0.0.3") as http:
        await sign_in(http, "/admin/test/console/", "idp-manager")
        kept = await save(http, "/instances/corp", **KEEP, displayName="Corp", allowAdminRoleMapping="on")
        assert kept.status_code == 303
    assert (await stored_config(realm))["allowAdminRoleMapping"] == "true"


async def test_a_post_without_the_csrf_token_changes_no_switch(realm: Env, admin: httpx.AsyncClient) -> None:
    await make(realm, {})
    forged = await admin.post(
        CONSOLE + "/instances/corp", data={**FIELDS, "sendClientIdOnLogout": "on"}, headers=ORIGIN
    )
    assert forged.status_code == 403
    assert "sendClientIdOnLogout" not in await stored_config(realm)
