"""Users → a user's Identity provider links tab of the Admin Console, over HTTP against the real app (both
engines): the list, Link account and Unlink are ``users/{id}/federated-identity``'s (broker/user_links.py), with its
refusals and admin events; a view-users administrator reads the tab only; hostile posts change nothing."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from admin_support import admin_events, enable_admin_events, make_admin
from console_support import HTML, post_pairs, sign_in
from link_support import link, links, provider
from support import seed_realm, seed_user, update_realm
from wire_env import Env, client_at

pytestmark = pytest.mark.anyio
USERS = "/admin/test/console/test/users"


@pytest.fixture
async def linked(realm: Env) -> Env:
    """Providers ``corp`` (Corporate SSO) and ``partner``; user1 linked to corp, user2 to partner."""
    await update_realm(
        realm.db, "test", identity_providers=(provider("corp", displayName="Corporate SSO"), provider("partner"))
    )
    await seed_user(realm.db, realm.clock, "test", "user2")
    await link(realm, "user1", "corp", "alice-ext")
    await link(realm, "user2", "partner", "bob-ext")
    await make_admin(realm, "test", "boss", "realm-admin")
    return realm


@pytest.fixture
async def admin(linked: Env) -> AsyncIterator[httpx.AsyncClient]:
    async with client_at(linked, "127.0.0.2") as http:
        await sign_in(http, "/admin/test/console/", "boss")
        yield http


async def tab(env: Env, username: str = "user1") -> str:
    async with env.db.transaction(write=False) as tx:
        test = await tx.realms.get_by_name("test")
        assert test is not None
        found = await tx.users.get_by_username(test.id, username)
        assert found is not None
        return f"{USERS}/{found.id}/identity-provider-links"


async def post(
    http: httpx.AsyncClient, path: str, pairs: list[tuple[str, str]], token: str | None = None
) -> httpx.Response:
    return await post_pairs(http, path, pairs, token_from=USERS, token=token)


def form(alias: str, account_id: str, username: str) -> list[tuple[str, str]]:
    return [("identityProvider", alias), ("userId", account_id), ("userName", username)]


async def test_the_tab_lists_the_links_and_link_account_is_the_rest_post(linked: Env, admin: httpx.AsyncClient) -> None:
    await enable_admin_events(linked, clear=True)
    here = await tab(linked)
    page = await admin.get(here, headers=HTML)
    assert page.status_code == 200 and ">Identity provider links<" in page.text
    assert '<td data-label="Name">Corporate SSO</td>' in page.text and ">alice-ext</td>" in page.text
    assert 'aria-label="Unlink account from Corporate SSO"' in page.text
    assert '<option value="partner">partner</option>' in page.text and '<option value="corp"' not in page.text
    done = await post(admin, f"{here}/link", form("partner", "p-42", "alice-partner"))
    assert done.status_code == 303 and done.headers["location"] == here
    assert "user1 is linked to partner." in (await admin.get(here, headers=HTML)).text
    assert await links(linked) == ["corp", "partner"]
    [event] = await admin_events(linked)
    assert (event["operationType"], event["resourceType"], event["resourcePath"]) == (
        "CREATE",
        "USER",
        f"users/{here.split('/')[-2]}/federated-identity/partner",
    )


async def test_link_account_refusals_are_form_errors_and_link_nothing(linked: Env, admin: httpx.AsyncClient) -> None:
    await seed_realm(linked.db, linked.clock, "other", identity_providers=(provider("elsewhere"),))
    here = await tab(linked)
    missing = await post(admin, f"{here}/link", form("partner", " ", ""))
    assert missing.status_code == 400
    for name in ("userId", "userName"):
        assert f'<p class="field-error" id="e-{name}">Required field</p>' in missing.text, name
    other_realm = await post(admin, f"{here}/link", form("elsewhere", "e-1", "e"))
    assert other_realm.status_code == 400 and "Choose an identity provider of this realm." in other_realm.text
    again = await post(admin, f"{here}/link", form("corp", "c-2", "c"))
    assert again.status_code == 400 and "User is already linked with provider" in again.text
    taken = await post(admin, f"{here}/link", form("partner", "user2@partner", "bob"))
    assert taken.status_code == 400 and "already linked to another user" in taken.text
    assert await links(linked) == ["corp"] and await links(linked, "user2") == ["partner"]


async def test_the_rest_call_refuses_an_account_linked_to_another_user_with_a_409(linked: Env) -> None:
    user_id = (await tab(linked)).split("/")[-2]
    answer = await linked.http.post(
        f"/admin/realms/test/users/{user_id}/federated-identity/partner",
        json={"userId": "user2@partner", "userName": "bob"},
        headers=await linked.admin_headers(),
    )
    assert answer.status_code == 409 and "already linked to another user" in answer.json()["errorMessage"]


async def test_unlink_asks_first_then_is_the_rest_delete(linked: Env, admin: httpx.AsyncClient) -> None:
    await enable_admin_events(linked, clear=True)
    here = await tab(linked)
    confirm = await post(admin, f"{here}/corp/unlink", [])
    assert confirm.status_code == 200 and "Unlink account from Corporate SSO?" in confirm.text
    assert await links(linked) == ["corp"]
    done = await post(admin, f"{here}/corp/unlink", [("confirmed", "yes")])
    assert done.status_code == 303 and done.headers["location"] == here
    shown = await admin.get(here, headers=HTML)
    assert "The provider link has been removed." in shown.text and "No identity providers linked." in shown.text
    assert await links(linked) == []
    [event] = await admin_events(linked)
    assert (event["operationType"], event["resourceType"], event["resourcePath"]) == (
        "DELETE",
        "USER",
        f"users/{here.split('/')[-2]}/federated-identity/corp",
    )


async def test_hostile_unlinks_change_nothing(linked: Env, admin: httpx.AsyncClient) -> None:
    here = await tab(linked)
    for token in ("", "forged"):
        refused = await post(admin, f"{here}/corp/unlink", [("confirmed", "yes")], token=token)
        assert refused.status_code == 403
    theirs = await post(admin, f"{here}/partner/unlink", [("confirmed", "yes")])  # user2's link, not user1's
    assert theirs.status_code == 303
    assert "Link not found" in (await admin.get(here, headers=HTML)).text
    assert await links(linked) == ["corp"] and await links(linked, "user2") == ["partner"]


async def test_a_view_users_administrator_reads_the_tab_and_cannot_change_it(linked: Env) -> None:
    await make_admin(linked, "test", "watcher", "view-users")
    here = await tab(linked)
    async with client_at(linked, "127.0.0.4") as http:
        await sign_in(http, "/admin/test/console/", "watcher")
        page = await http.get(here, headers=HTML)
        assert page.status_code == 200 and ">alice-ext</td>" in page.text
        assert "Unlink account" not in page.text and "<legend>Link account</legend>" not in page.text
        assert "<li>partner</li>" in page.text
        assert (await post(http, f"{here}/link", form("partner", "p-1", "p"))).status_code == 403
        assert (await post(http, f"{here}/corp/unlink", [("confirmed", "yes")])).status_code == 403
    assert await links(linked) == ["corp"]
