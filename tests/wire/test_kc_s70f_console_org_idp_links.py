"""An organization's Identity providers tab in the Admin Console with Keycloak 26.8's shared providers
(keycloak#48916, the console's per-link settings): the dialog offers every realm provider not yet linked to this
organization (one linked to another organization too), and links or edits with "Auto membership" and "Membership
type" (``PUT organizations/{id}/identity-providers/{alias}``); the list shows both; MANAGED keeps auto-membership on
(the console locks the switch on); a second MANAGED link of a provider is refused on the field (C1), nothing linked.
Both engines."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from admin_support import make_admin
from console_support import HTML, post_pairs, sign_in
from link_support import provider
from support import update_realm
from wire_env import Env, client_at

pytestmark = pytest.mark.anyio
CONSOLE = "/admin/test/console/test/organizations"
REST = "/admin/realms/test/organizations"


@pytest.fixture
async def orgs(realm: Env) -> Env:
    """Organizations on; ``acme`` (acme.org) and ``globex`` (globex.org); providers ``corp`` and ``partner``; the
    realm administrator ``boss``."""
    h = await realm.admin_headers()
    assert (await realm.http.put("/admin/realms/test", json={"organizationsEnabled": True}, headers=h)).is_success
    corp = provider("corp", displayName="Corp SSO", internalId="i-corp")
    await update_realm(realm.db, "test", identity_providers=(corp, provider("partner", internalId="i-partner")))
    for name in ("acme", "globex"):
        made = await realm.http.post(REST, json={"name": name, "domains": [{"name": f"{name}.org"}]}, headers=h)
        assert made.status_code == 201, made.text
    await make_admin(realm, "test", "boss", "realm-admin")
    return realm


@pytest.fixture
async def admin(orgs: Env) -> AsyncIterator[httpx.AsyncClient]:
    async with client_at(orgs, "127.0.0.2") as http:
        await sign_in(http, "/admin/test/console/", "boss")
        yield http


async def _rest(env: Env, path: str = "", **params: Any) -> Any:
    response = await env.http.get(REST + path, params=params, headers=await env.admin_headers())
    assert response.status_code == 200, response.text
    return response.json()


async def _org(env: Env, name: str) -> str:
    return str((await _rest(env, search=name, exact="true"))[0]["id"])


async def _link_of(env: Env, org: str, alias: str) -> dict[str, Any]:
    rep = await _rest(env, f"/{org}/identity-providers/{alias}")
    return next(link for link in rep["organizationLinks"] if link["organizationId"] == org)


async def _post(http: httpx.AsyncClient, path: str, pairs: list[tuple[str, str]]) -> httpx.Response:
    return await post_pairs(http, path, pairs, token_from=CONSOLE)


async def test_a_provider_of_another_organization_is_offered_and_linked_with_its_settings(
    orgs: Env, admin: httpx.AsyncClient
) -> None:
    acme, globex = await _org(orgs, "acme"), await _org(orgs, "globex")
    h = await orgs.admin_headers()
    assert (await orgs.http.post(f"{REST}/{acme}/identity-providers", json="corp", headers=h)).status_code == 204
    here = f"{CONSOLE}/{globex}/identity-providers"
    tab = await admin.get(here, headers=HTML)
    assert '<option value="corp">Corp SSO</option>' in tab.text and '<option value="partner">' in tab.text
    assert (
        'id="f-auto" name="auto" value="on" checked' in tab.text and '<option value="UNMANAGED" selected>' in tab.text
    )
    done = await _post(admin, f"{here}/link", [("alias", "corp"), ("domain", ""), ("membership", "UNMANAGED")])
    assert done.status_code == 303, done.text
    assert await _link_of(orgs, globex, "corp") == {
        "organizationId": globex,
        "autoMembership": False,
        "membershipType": "UNMANAGED",
    }
    assert (await _link_of(orgs, acme, "corp"))["autoMembership"] is True  # the other organization's link as it was
    listed = await admin.get(here, headers=HTML)
    assert '<td data-label="Auto membership">No</td>' in listed.text
    assert '<td data-label="Membership type">Unmanaged</td>' in listed.text
    assert '<option value="corp">' not in listed.text  # linked here: no longer offered


async def test_edit_shows_and_changes_the_link_settings(orgs: Env, admin: httpx.AsyncClient) -> None:
    acme = await _org(orgs, "acme")
    here = f"{CONSOLE}/{acme}/identity-providers"
    made = await _post(admin, f"{here}/link", [("alias", "corp"), ("auto", "on"), ("membership", "MANAGED")])
    assert made.status_code == 303, made.text
    assert await _link_of(orgs, acme, "corp") == {
        "organizationId": acme,
        "autoMembership": True,
        "membershipType": "MANAGED",
    }
    edit = await admin.get(here, params={"edit": "corp"}, headers=HTML)
    assert '<option value="MANAGED" selected>' in edit.text and 'name="auto" value="on" checked' in edit.text
    assert '<td data-label="Membership type">Managed</td>' in edit.text
    changed = await _post(admin, f"{here}/link", [("alias", "corp"), ("membership", "UNMANAGED")])
    assert changed.status_code == 303, changed.text
    link = await _link_of(orgs, acme, "corp")
    assert (link["autoMembership"], link["membershipType"]) == (False, "UNMANAGED")


async def test_managed_keeps_auto_membership_on(orgs: Env, admin: httpx.AsyncClient) -> None:
    """The console locks "Auto membership" on for MANAGED: a form without it still links with auto-membership."""
    acme = await _org(orgs, "acme")
    done = await _post(
        admin, f"{CONSOLE}/{acme}/identity-providers/link", [("alias", "corp"), ("membership", "MANAGED")]
    )
    assert done.status_code == 303, done.text
    assert (await _link_of(orgs, acme, "corp"))["autoMembership"] is True


async def test_a_second_managed_link_is_refused_on_the_field_and_nothing_is_linked(
    orgs: Env, admin: httpx.AsyncClient
) -> None:
    acme, globex = await _org(orgs, "acme"), await _org(orgs, "globex")
    first = await _post(
        admin, f"{CONSOLE}/{acme}/identity-providers/link", [("alias", "corp"), ("membership", "MANAGED")]
    )
    assert first.status_code == 303
    refused = await _post(
        admin, f"{CONSOLE}/{globex}/identity-providers/link", [("alias", "corp"), ("membership", "MANAGED")]
    )
    assert refused.status_code == 400
    assert 'id="e-membership">Identity provider is already linked to another organization with managed membership' in (
        refused.text
    )
    assert await _rest(orgs, f"/{globex}/identity-providers") == []  # the link made before the refusal rolled back


async def test_an_unknown_membership_type_is_refused(orgs: Env, admin: httpx.AsyncClient) -> None:
    acme = await _org(orgs, "acme")
    refused = await _post(
        admin, f"{CONSOLE}/{acme}/identity-providers/link", [("alias", "corp"), ("membership", "OWNER")]
    )
    assert refused.status_code == 400 and 'id="e-membership">Choose Managed or Unmanaged.' in refused.text
    assert await _rest(orgs, f"/{acme}/identity-providers") == []
