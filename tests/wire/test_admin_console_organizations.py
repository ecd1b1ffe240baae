"""Organizations in the Admin Console, over HTTP against the real app (both engines): the list, Create, Settings,
Attributes and Delete are ``organizations``' writes (organizations/writes.py) with their messages and admin events;
the Members and Identity providers tabs are ``organizations/{id}/members`` and ``…/identity-providers``'s. Only
manage-realm administrators see any of it; hostile posts (XSS, CSRF, another realm's ids) change nothing."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from admin_support import admin_events, enable_admin_events, make_admin
from console_support import HTML, post_pairs, sign_in
from link_support import provider
from mail_sink import DOWN_PORT, Sink
from support import seed_realm, seed_user, update_realm
from wire_env import Env, client_at

pytestmark = pytest.mark.anyio
ORGS = "/admin/test/console/test/organizations"
REST = "/admin/realms/test/organizations"
XSS = '<script>alert("x")</script>'


@pytest.fixture
async def orgs(realm: Env) -> Env:
    """Organizations on; ``acme`` (acme.org) with user1 as member; providers ``corp`` and ``partner``; ``boss``."""
    h = await realm.admin_headers()
    assert (await realm.http.put("/admin/realms/test", json={"organizationsEnabled": True}, headers=h)).is_success
    await update_realm(
        realm.db,
        "test",
        identity_providers=(
            provider("corp", displayName="Corp SSO", internalId="i-corp"),
            provider("partner", internalId="i-partner"),
        ),
    )
    await seed_user(realm.db, realm.clock, "test", "user2")
    made = await realm.http.post(REST, json={"name": "acme", "domains": [{"name": "acme.org"}]}, headers=h)
    assert made.status_code == 201
    user1 = (await realm.http.get("/admin/realms/test/users", params={"username": "user1"}, headers=h)).json()[0]
    assert (await realm.http.post(f"{REST}/{org_id(made)}/members", content=user1["id"], headers=h)).status_code == 201
    await make_admin(realm, "test", "boss", "realm-admin")
    return realm


@pytest.fixture
async def admin(orgs: Env) -> AsyncIterator[httpx.AsyncClient]:
    async with client_at(orgs, "127.0.0.2") as http:
        await sign_in(http, "/admin/test/console/", "boss")
        yield http


def org_id(created: httpx.Response) -> str:
    return str(created.headers["location"].rsplit("/", 1)[1])


async def rest(env: Env, path: str = "", **params: Any) -> Any:
    response = await env.http.get(REST + path, params=params, headers=await env.admin_headers())
    assert response.status_code == 200, response.text
    return response.json()


async def acme(env: Env) -> str:
    return str((await rest(env, search="acme", exact="true"))[0]["id"])


async def post(
    http: httpx.AsyncClient, path: str, pairs: list[tuple[str, str]], token: str | None = None
) -> httpx.Response:
    return await post_pairs(http, path, pairs, token_from=ORGS, token=token)


def settings(name: str, domains: str = "", **more: str) -> list[tuple[str, str]]:
    pairs = [("name", name), ("domains", domains), ("enabled", "on")]
    return pairs + list(more.items())


async def test_the_list_searches_and_pages_and_create_is_the_rest_post(orgs: Env, admin: httpx.AsyncClient) -> None:
    await enable_admin_events(orgs, clear=True)
    listed = await admin.get(ORGS, headers=HTML)
    assert listed.status_code == 200 and ">acme</a>" in listed.text and "acme.org" in listed.text
    made = await post(admin, f"{ORGS}/new", settings("Beta Corp", "beta.org\nBETA.net", alias="beta"))
    assert made.status_code == 303
    [beta] = await rest(orgs, search="beta.org", exact="true", briefRepresentation="false")
    assert made.headers["location"].endswith(f"/organizations/{beta['id']}/settings")
    assert (beta["alias"], sorted(d["name"] for d in beta["domains"]), beta["enabled"]) == (
        "beta",
        ["beta.net", "beta.org"],
        True,
    )
    [event] = await admin_events(orgs)
    assert (event["operationType"], event["resourceType"], event["resourcePath"]) == (
        "CREATE",
        "ORGANIZATION",
        f"organizations/{beta['id']}",
    )
    found = await admin.get(ORGS, params={"search": "beta"}, headers=HTML)
    assert ">Beta Corp</a>" in found.text and ">acme</a>" not in found.text
    for n in range(12):
        await post(admin, f"{ORGS}/new", settings(f"org{n:02}"))
    first = await admin.get(ORGS, params={"max": "10"}, headers=HTML)
    assert first.text.count('data-label="Name"') == 10 and "14 in all" in first.text and "Next page" in first.text
    last = await admin.get(ORGS, params={"max": "10", "first": "10"}, headers=HTML)
    assert last.text.count('data-label="Name"') == 4 and "Previous page" in last.text


async def test_create_and_settings_refusals_are_the_rest_messages_on_their_fields(
    orgs: Env, admin: httpx.AsyncClient
) -> None:
    blank = await post(admin, f"{ORGS}/new", settings(""))
    assert blank.status_code == 400 and '<p class="field-error" id="e-name">Name can not be null</p>' in blank.text
    taken = await post(admin, f"{ORGS}/new", settings("other", "acme.org"))
    assert taken.status_code == 400 and "Domain acme.org is already linked to another organization" in taken.text
    bad = await post(admin, f"{ORGS}/new", settings("other", redirectUrl="javascript:alert(1)"))
    assert bad.status_code == 400 and "Organization redirect URL is not valid." in bad.text
    spaced = await post(admin, f"{ORGS}/new", settings("other", alias="a b"))
    assert (
        spaced.status_code == 400 and '<p class="field-error" id="e-alias">Empty Space not allowed.</p>' in spaced.text
    )
    assert [o["name"] for o in await rest(orgs)] == ["acme"]
    here = f"{ORGS}/{await acme(orgs)}/settings"
    saved = await post(admin, here, settings("Acme Inc", "acme.org\nacme.com", description="Anvils", alias="zzz"))
    assert saved.status_code == 303
    [org] = await rest(orgs)
    assert (org["name"], org["alias"], org["description"], len(org["domains"])) == ("Acme Inc", "acme", "Anvils", 2)
    assert "Organization Acme Inc saved." in (await admin.get(here, headers=HTML)).text


async def test_attributes_and_delete_are_the_rest_put_and_delete(orgs: Env, admin: httpx.AsyncClient) -> None:
    await enable_admin_events(orgs, clear=True)
    oid = await acme(orgs)
    pairs = [("key", "tier"), ("value", "gold"), ("key", "tier"), ("value", "silver"), ("key", ""), ("value", "x")]
    assert (await post(admin, f"{ORGS}/{oid}/attributes", pairs)).status_code == 303
    assert (await rest(orgs, f"/{oid}"))["attributes"] == {"tier": ["gold", "silver"]}
    shown = await admin.get(f"{ORGS}/{oid}/attributes", headers=HTML)
    assert 'value="silver"' in shown.text
    confirm = await post(admin, f"{ORGS}/{oid}/delete", [])
    assert confirm.status_code == 200 and "Delete organization?" in confirm.text and await rest(orgs)
    assert (await post(admin, f"{ORGS}/{oid}/delete", [("confirmed", "yes")])).status_code == 303
    assert await rest(orgs) == []
    events = [(e["operationType"], e["resourceType"]) for e in await admin_events(orgs)]
    assert sorted(events) == [("DELETE", "ORGANIZATION"), ("UPDATE", "ORGANIZATION")]


async def test_members_are_listed_added_and_removed_as_the_rest_calls(orgs: Env, admin: httpx.AsyncClient) -> None:
    await enable_admin_events(orgs, clear=True)
    oid = await acme(orgs)
    tab = await admin.get(f"{ORGS}/{oid}/members", headers=HTML)
    assert ">user1</a>" in tab.text and "Unmanaged" in tab.text
    managed = await admin.get(f"{ORGS}/{oid}/members", params={"membershipType": "MANAGED"}, headers=HTML)
    assert ">user1</a>" not in managed.text and "No members." in managed.text
    offered = await admin.get(f"{ORGS}/{oid}/members/add", headers=HTML)
    assert ">user2</a>" in offered.text and ">user1</a>" not in offered.text
    user2 = (
        await orgs.http.get(
            "/admin/realms/test/users", params={"username": "user2"}, headers=await orgs.admin_headers()
        )
    ).json()[0]["id"]
    assert (await post(admin, f"{ORGS}/{oid}/members/add", [("id", user2), ("id", user2)])).status_code == 303
    assert sorted(m["username"] for m in await rest(orgs, f"/{oid}/members")) == ["user1", "user2"]
    again = await post(admin, f"{ORGS}/{oid}/members/add", [("id", user2)])
    assert (
        "User is already a member of the organization."
        in (await admin.get(again.headers["location"], headers=HTML)).text
    )
    assert (await post(admin, f"{ORGS}/{oid}/members/{user2}/remove", [("confirmed", "yes")])).status_code == 303
    assert [m["username"] for m in await rest(orgs, f"/{oid}/members")] == ["user1"]
    recorded = await admin_events(orgs)
    events = [(e["operationType"], e["resourceType"], e["resourcePath"]) for e in recorded]
    assert sorted(events) == [
        ("CREATE", "ORGANIZATION_MEMBERSHIP", f"organizations/{oid}/members"),
        ("DELETE", "ORGANIZATION_MEMBERSHIP", f"organizations/{oid}/members/{user2}"),
    ]
    assert [e["details"]["username"] for e in recorded] == ["user2", "user2"]  # as the REST calls' .detail(...)


async def test_identity_providers_are_linked_then_unlinked_without_writing_the_provider(
    orgs: Env, admin: httpx.AsyncClient
) -> None:
    """Keycloak 26.8's LinkIdentityProviderModal: the provider and the link's settings, no domain and no redirect
    switch, and nothing written on the provider (no ``kc.org.domain``, no admin event: the link's REST calls record
    none)."""
    await enable_admin_events(orgs, clear=True)
    oid = await acme(orgs)
    here = f"{ORGS}/{oid}/identity-providers"
    tab = await admin.get(here, headers=HTML)
    assert '<option value="corp">Corp SSO</option>' in tab.text and 'name="domain"' not in tab.text
    assert 'name="redirect"' not in tab.text
    done = await post(admin, f"{here}/link", [("alias", "corp"), ("domain", "acme.org"), ("redirect", "on")])
    assert done.status_code == 303
    [linked] = await rest(orgs, f"/{oid}/identity-providers")
    assert linked["alias"] == "corp" and "kc.org.domain" not in linked["config"]
    assert "kc.org.broker.redirect.mode.email-matches" not in linked["config"]
    assert (await rest(orgs, f"/{oid}"))["domains"] == [{"name": "acme.org", "verified": False, "autoRedirect": False}]
    edit = await admin.get(here, params={"edit": "corp"}, headers=HTML)
    assert "<legend>Edit identity provider</legend>" in edit.text
    assert (await post(admin, f"{here}/link", [("alias", "corp"), ("auto", "on")])).status_code == 303
    assert (await post(admin, f"{here}/corp/unlink", [("confirmed", "yes")])).status_code == 303
    assert await rest(orgs, f"/{oid}/identity-providers") == []
    assert await admin_events(orgs) == []


async def test_names_domains_and_attributes_are_escaped(orgs: Env, admin: httpx.AsyncClient) -> None:
    h = await orgs.admin_headers()
    rep = {"name": XSS, "alias": "x", "description": XSS, "attributes": {XSS: [XSS]}}
    oid = org_id(await orgs.http.post(REST, json=rep, headers=h))
    for path in ("", f"/{oid}/settings", f"/{oid}/attributes", f"/{oid}/members", f"/{oid}/invitations"):
        page = await admin.get(ORGS + path, headers=HTML)
        assert page.status_code == 200 and XSS not in page.text and "&lt;script&gt;" in page.text, path


async def test_csrf_missing_or_wrong_and_another_realms_ids_change_nothing(orgs: Env, admin: httpx.AsyncClient) -> None:
    oid = await acme(orgs)
    for token in ("", "forged"):
        assert (await post(admin, f"{ORGS}/new", settings("evil"), token=token)).status_code == 403
        assert (await post(admin, f"{ORGS}/{oid}/delete", [("confirmed", "yes")], token=token)).status_code == 403
    await seed_realm(orgs.db, orgs.clock, "other", identity_providers=(provider("elsewhere", internalId="i-else"),))
    stranger = (await seed_user(orgs.db, orgs.clock, "other", "stranger")).id
    h = await orgs.admin_headers()
    assert (await orgs.http.put("/admin/realms/other", json={"organizationsEnabled": True}, headers=h)).is_success
    theirs = org_id(await orgs.http.post("/admin/realms/other/organizations", json={"name": "theirs"}, headers=h))
    assert (await admin.get(f"{ORGS}/{theirs}/settings", headers=HTML)).status_code == 404
    assert (await post(admin, f"{ORGS}/{theirs}/delete", [("confirmed", "yes")])).status_code == 404
    assert (await admin.get(f"{ORGS}/{theirs}/invitations", headers=HTML)).status_code == 404
    refused = await post(admin, f"{ORGS}/{oid}/members/add", [("id", stranger)])
    assert "User does not exist" in (await admin.get(refused.headers["location"], headers=HTML)).text
    elsewhere = await post(admin, f"{ORGS}/{oid}/identity-providers/link", [("alias", "elsewhere")])
    assert elsewhere.status_code == 400 and "Choose an identity provider of this realm" in elsewhere.text
    assert (await admin.get("/admin/test/console/other/organizations", headers=HTML)).status_code == 404
    assert [o["name"] for o in await rest(orgs)] == ["acme"] and len(await rest(orgs, f"/{oid}/members")) == 1
    assert await rest(orgs, f"/{oid}/identity-providers") == []


async def test_a_view_only_administrator_sees_no_organizations_and_cannot_post(orgs: Env) -> None:
    await make_admin(orgs, "test", "watcher", "view-realm", "view-users", "manage-users")
    oid = await acme(orgs)
    async with client_at(orgs, "127.0.0.4") as http:
        await sign_in(http, "/admin/test/console/", "watcher")
        assert ">Organizations</a>" not in (await http.get("/admin/test/console/test/users", headers=HTML)).text
        assert (await http.get(ORGS, headers=HTML)).status_code == 403
        users = "/admin/test/console/test/users"
        for path, pairs in (
            (f"{ORGS}/new", [("name", "x")]),
            (f"{ORGS}/{oid}/delete", [("confirmed", "yes")]),
            (f"{ORGS}/{oid}/invitations/any/delete", [("confirmed", "yes")]),
            (f"{ORGS}/{oid}/invitations/any/resend", []),
        ):
            assert (await post_pairs(http, path, pairs, token_from=users)).status_code == 403, path
        assert (await http.get(f"{ORGS}/{oid}/invitations", headers=HTML)).status_code == 403
    assert [o["name"] for o in await rest(orgs)] == ["acme"]


async def test_the_pages_say_so_while_the_realm_has_organizations_off(orgs: Env, admin: httpx.AsyncClient) -> None:
    h = await orgs.admin_headers()
    assert ">Organizations</a>" in (await admin.get(ORGS, headers=HTML)).text  # in the navigation while on
    assert (await orgs.http.put("/admin/realms/test", json={"organizationsEnabled": False}, headers=h)).is_success
    page = await admin.get(ORGS, headers=HTML)
    assert page.status_code == 404 and "Organizations are not enabled for this realm." in page.text
    users = await admin.get("/admin/test/console/test/users", headers=HTML)
    assert ">Users</a>" in users.text and ">Organizations</a>" not in users.text


async def test_invite_member_mails_the_rest_invitation_and_records_its_action(
    orgs: Env, admin: httpx.AsyncClient, mail: Sink
) -> None:
    await update_realm(orgs.db, "test", smtp_server=mail.settings())
    await enable_admin_events(orgs, clear=True)
    oid = await acme(orgs)
    here = f"{ORGS}/{oid}/members/invite"
    assert "Invite member" in (await admin.get(f"{ORGS}/{oid}/members", headers=HTML)).text
    blank = await post(admin, here, [("email", " ")])
    assert blank.status_code == 400 and "Email is required to invite a member" in blank.text
    sent = await post(admin, here, [("email", "new@acme.org"), ("firstName", "Nia"), ("lastName", XSS)])
    assert sent.status_code == 303 and sent.headers["location"].endswith(f"/organizations/{oid}/members")
    [message] = mail.received
    assert message.recipients == ["new@acme.org"] and "acme" in message.subject
    assert "/protocol/openid-connect/registrations?" in message.link() and "token=" in message.link()
    [event] = await admin_events(orgs)
    assert (event["operationType"], event["resourceType"], event["resourcePath"]) == (
        "ACTION",
        "ORGANIZATION_MEMBERSHIP",
        f"organizations/{oid}/members/invite-user",
    )
    await update_realm(orgs.db, "test", smtp_server={"host": "127.0.0.1", "port": str(DOWN_PORT), "from": "a@b.c"})
    failed = await post(admin, here, [("email", "other@acme.org")])
    assert failed.status_code == 303 and failed.headers["location"].endswith("/members/invite")
    assert "Failed to send invite email" in (await admin.get(failed.headers["location"], headers=HTML)).text
    assert len(await admin_events(orgs)) == 1


async def test_the_invitations_tab_lists_resends_and_deletes_as_the_rest_calls(
    orgs: Env, admin: httpx.AsyncClient, mail: Sink
) -> None:
    """Keycloak 26.4's Invitations tab: the stored invitations (escaped), a status filter, Resend invitation (a
    new invitation and mail, ACTION at the REST resend path), Delete invitation after its confirm step."""
    await update_realm(orgs.db, "test", smtp_server=mail.settings())
    oid = await acme(orgs)
    here = f"{ORGS}/{oid}/invitations"
    sent = await post(admin, f"{ORGS}/{oid}/members/invite", [("email", "new@acme.org"), ("firstName", XSS)])
    assert sent.status_code == 303
    await enable_admin_events(orgs, clear=True)
    [old] = await rest(orgs, f"/{oid}/invitations")
    page = await admin.get(here, headers=HTML)
    assert page.status_code == 200 and "new@acme.org" in page.text and XSS not in page.text and "Pending" in page.text
    assert "new@acme.org" not in (await admin.get(here, params={"status": "EXPIRED"}, headers=HTML)).text
    assert (await post(admin, f"{here}/{old['id']}/resend", [])).status_code == 303
    [new] = await rest(orgs, f"/{oid}/invitations")
    assert new["id"] != old["id"] and len(mail.received) == 2
    [event] = await admin_events(orgs)
    assert (event["operationType"], event["resourcePath"]) == (
        "ACTION",
        f"organizations/{oid}/invitations/{old['id']}/resend",
    )
    asked = await post(admin, f"{here}/{new['id']}/delete", [])
    assert asked.status_code == 200 and "Delete invitation?" in asked.text
    assert len(await rest(orgs, f"/{oid}/invitations")) == 1  # the confirm step deletes nothing
    assert (await post(admin, f"{here}/{new['id']}/delete", [("confirmed", "yes")])).status_code == 303
    assert await rest(orgs, f"/{oid}/invitations") == []
    gone = await post(admin, f"{here}/{new['id']}/resend", [])
    assert gone.status_code == 303 and "Invitation not found" in (await admin.get(here, headers=HTML)).text
    assert [e["operationType"] for e in await admin_events(orgs)] == ["DELETE", "ACTION"]


async def test_a_domain_routed_by_the_rest_api_shows_on_the_domains_tab(orgs: Env, admin: httpx.AsyncClient) -> None:
    """Keycloak 26.8 keeps the routing on the domain: the Domains tab and its Edit dialog show the provider and the
    auto redirect of a domain routed through the REST API."""
    oid = await acme(orgs)
    h = await orgs.admin_headers()
    assert (await orgs.http.post(f"{REST}/{oid}/identity-providers", content="corp", headers=h)).status_code == 204
    routed = [{"name": "acme.org", "identityProviderAlias": "corp", "autoRedirect": True}]
    assert (await orgs.http.put(f"{REST}/{oid}", json={"name": "acme", "domains": routed}, headers=h)).is_success
    edit = await admin.get(f"{ORGS}/{oid}/domains", params={"edit": "acme.org"}, headers=HTML)
    assert '<td data-label="Identity provider">corp</td>' in edit.text, edit.text
    assert '<option value="corp" selected>' in edit.text and 'name="autoRedirect" value="on" checked' in edit.text


async def test_the_domains_tab_routes_a_domain_and_unlinking_clears_it(orgs: Env, admin: httpx.AsyncClient) -> None:
    """DomainsTab's Edit: the domain's provider (one linked to the organization) and auto redirect, saved through
    the organization's PUT (recorded as that call); a provider not linked is refused on the field; unlinking the
    provider clears the route."""
    await enable_admin_events(orgs, clear=True)
    oid = await acme(orgs)
    here = f"{ORGS}/{oid}/domains"
    unlinked = await post(admin, f"{here}/save", [("name", "acme.org"), ("identityProviderAlias", "corp")])
    assert unlinked.status_code == 400 and "Choose an identity provider linked to this organization" in unlinked.text
    assert (await post(admin, f"{ORGS}/{oid}/identity-providers/link", [("alias", "corp")])).is_redirect
    saved = await post(
        admin, f"{here}/save", [("name", "acme.org"), ("identityProviderAlias", "corp"), ("autoRedirect", "on")]
    )
    assert saved.is_redirect
    domains = (await rest(orgs, f"/{oid}"))["domains"]
    assert domains == [{"name": "acme.org", "verified": False, "identityProviderAlias": "corp", "autoRedirect": True}]
    [event] = await admin_events(orgs)
    assert (event["operationType"], event["resourcePath"]) == ("UPDATE", f"organizations/{oid}")
    foreign = await post(admin, f"{here}/save", [("name", "evil.org"), ("identityProviderAlias", "corp")])
    assert foreign.status_code == 400 and "Choose one of the organization" in foreign.text
    assert (await post(admin, f"{here}/save", [("name", "acme.org"), ("identityProviderAlias", "")])).is_redirect
    assert (await rest(orgs, f"/{oid}"))["domains"] == [{"name": "acme.org", "verified": False, "autoRedirect": False}]
    assert (await post(admin, f"{here}/save", [("name", "acme.org"), ("identityProviderAlias", "corp")])).is_redirect
    assert (await post(admin, f"{ORGS}/{oid}/identity-providers/corp/unlink", [("confirmed", "yes")])).is_redirect
    assert (await rest(orgs, f"/{oid}"))["domains"] == [{"name": "acme.org", "verified": False, "autoRedirect": False}]


async def test_saving_the_settings_keeps_the_domains_routing(orgs: Env, admin: httpx.AsyncClient) -> None:
    """The Settings form names domains only: a save keeps each kept domain's verified flag and routing."""
    oid = await acme(orgs)
    h = await orgs.admin_headers()
    assert (await orgs.http.post(f"{REST}/{oid}/identity-providers", content="corp", headers=h)).status_code == 204
    routed = [{"name": "acme.org", "verified": True, "identityProviderAlias": "corp", "autoRedirect": True}]
    assert (await orgs.http.put(f"{REST}/{oid}", json={"name": "acme", "domains": routed}, headers=h)).is_success
    fields = settings("acme", "acme.org\nnew.org", description="changed")
    assert (await post(admin, f"{ORGS}/{oid}/settings", fields)).is_redirect
    after = await rest(orgs, f"/{oid}")
    assert after["description"] == "changed"
    assert after["domains"] == [*routed, {"name": "new.org", "verified": False, "autoRedirect": False}]
