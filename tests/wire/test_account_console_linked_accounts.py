"""Account Console → Account security → Linked accounts (Keycloak 26's LinkedAccounts.tsx): the linked providers and
those the user may link, "Unlink account" after a confirm step as ``DELETE /account/linked-accounts/{alias}`` does
it, and the hostile cases: no CSRF token, someone else's link, a provider of another realm, no manage-account."""

from __future__ import annotations

import pytest

from broker_support import ALIAS, browser, provider_login, query, served
from browser_flow import form_action, form_fields
from console_support import HTML, ORIGIN, act, csrf, sign_in
from link_support import link, links, provider
from support import grant_client_roles, seed_realm, seed_user, update_realm, update_user
from wire_env import Env

pytestmark = pytest.mark.anyio
ACCOUNT = "/realms/test/account"
LINKED = f"{ACCOUNT}/account-security/linked-accounts"


PROVIDERS = (
    provider("corp", displayName="Corporate SSO", config={"guiOrder": "1"}),
    provider("github-ish", displayName="Another IdP"),
    provider("never", config={"showInAccountConsole": "NEVER"}),
    provider("when-linked", config={"showInAccountConsole": "WHEN_LINKED"}),
    provider("when-linked-2", config={"showInAccountConsole": "WHEN_LINKED"}),
    provider("off", enabled=False),
    provider("org-owned", organizationId="org-1"),
)


async def account_user(env: Env, username: str, *roles: str) -> None:
    """``username`` holding only these roles of the ``account`` client."""
    user = await seed_user(env.db, env.clock, "test", username, default_roles=False)
    await grant_client_roles(env.db, user, "account", *roles)


@pytest.fixture
async def linked(realm: Env) -> Env:
    """user1 linked to ``corp`` (as ``alice-ext``) and ``when-linked``; user2 linked to ``github-ish``."""
    await update_realm(realm.db, "test", identity_providers=PROVIDERS, events_enabled=True)
    await seed_user(realm.db, realm.clock, "test", "user2")
    await link(realm, "user1", "corp", "alice-ext")
    await link(realm, "user1", "when-linked")
    await link(realm, "user2", "github-ish")
    return realm


def section(page: str, heading: str) -> str:
    start = page.index(f'-heading">{heading}</h2>')
    return page[start : page.index("</section>", start)]


async def test_the_page_lists_the_linked_and_the_linkable_providers_as_keycloak_does(linked: Env) -> None:
    page = await sign_in(linked.http, LINKED)
    assert page.status_code == 200 and 'aria-current="page">Linked accounts<' in page.text
    assert "Manage logins through third-party accounts." in page.text
    mine = section(page.text, "Linked login providers")
    assert '<td id="corp-idp-name">Corporate SSO</td>' in mine and '<td id="corp-idp-username">alice-ext</td>' in mine
    assert 'id="when-linked-idp-name"' in mine and 'id="corp-idp-unlink"' in mine
    assert mine.index("corp-idp") < mine.index("when-linked-idp")  # guiOrder first
    others = section(page.text, "Unlinked login providers")
    assert 'id="github-ish-idp-name">Another IdP<' in others and 'id="github-ish-idp-link"' in others
    for hidden in ("never", "when-linked-2", "off", "org-owned"):
        assert f'id="{hidden}-idp' not in page.text, hidden


async def test_the_link_is_offered_in_the_navigation_only_while_the_realm_has_a_provider(realm: Env) -> None:
    page = await sign_in(realm.http, f"{ACCOUNT}/")
    assert "Linked accounts" not in page.text
    await update_realm(realm.db, "test", identity_providers=(provider("corp"),))
    empty = await realm.http.get(LINKED, headers=HTML)
    assert 'aria-current="page">Linked accounts<' in empty.text and "No linked providers" in empty.text
    assert 'id="corp-idp-link"' in empty.text


async def test_unlink_asks_first_then_removes_the_link_and_records_the_event(linked: Env) -> None:
    await sign_in(linked.http, LINKED)
    confirm = await linked.http.get(f"{LINKED}/corp/unlink", headers=HTML)
    assert confirm.status_code == 200 and "Unlink your account from corp?" in confirm.text
    assert f'action="{LINKED}/corp/unlink"' in confirm.text
    done = await act(linked.http, confirm, f"{LINKED}/corp/unlink")
    assert done.status_code == 303 and done.headers["location"] == LINKED
    shown = await linked.http.get(LINKED, headers=HTML)
    assert "Successfully unlinked account" in shown.text
    assert 'id="corp-idp-link"' in section(shown.text, "Unlinked login providers")
    assert await links(linked) == ["when-linked"]
    events = await linked.http.get(
        "/admin/realms/test/events", params={"type": "REMOVE_FEDERATED_IDENTITY"}, headers=await linked.admin_headers()
    )
    [event] = events.json()
    assert (event["clientId"], event["details"]["identity_provider"]) == ("account", "corp")
    assert event["details"]["identity_provider_identity"] == "alice-ext"


async def test_unlink_without_the_csrf_token_or_from_another_origin_changes_nothing(linked: Env) -> None:
    page = await sign_in(linked.http, LINKED)
    missing = await linked.http.post(f"{LINKED}/corp/unlink", data={}, headers=ORIGIN)
    forged = await linked.http.post(f"{LINKED}/corp/unlink", data={"csrf_token": "forged"}, headers=ORIGIN)
    elsewhere = await linked.http.post(
        f"{LINKED}/corp/unlink", data={"csrf_token": csrf(page)}, headers={"Origin": "http://evil.example"}
    )
    assert [r.status_code for r in (missing, forged, elsewhere)] == [403, 403, 403]
    assert await links(linked) == ["corp", "when-linked"]


async def test_unlinking_another_users_link_or_another_realms_provider_is_refused(linked: Env) -> None:
    await seed_realm(linked.db, linked.clock, "other", identity_providers=(provider("elsewhere"),))
    page = await sign_in(linked.http, LINKED)
    theirs = await act(linked.http, page, f"{LINKED}/github-ish/unlink")
    assert theirs.status_code == 303
    assert "This identity is not active anymore." in (await linked.http.get(LINKED, headers=HTML)).text
    other_realm = await act(linked.http, page, f"{LINKED}/elsewhere/unlink")
    assert other_realm.status_code == 303
    shown = await linked.http.get(LINKED, headers=HTML)
    assert "Could not find an identity provider with the identifier." in shown.text
    assert await links(linked, "user2") == ["github-ish"] and await links(linked) == ["corp", "when-linked"]


async def test_the_last_link_of_a_user_without_a_password_stays(linked: Env) -> None:
    page = await sign_in(linked.http, LINKED)
    async with linked.db.transaction() as tx:
        test = await tx.realms.get_by_name("test")
        assert test is not None
        user = await tx.users.get_by_username(test.id, "user1")
        assert user is not None
        for credential in await tx.users.credentials(user.id):
            await tx.users.delete_credential(user.id, credential.id)
    assert (await act(linked.http, page, f"{LINKED}/when-linked/unlink")).status_code == 303
    last = await act(linked.http, page, f"{LINKED}/corp/unlink")
    assert last.status_code == 303
    shown = await linked.http.get(LINKED, headers=HTML)
    assert "You can&#39;t remove last federated identity as you don&#39;t have a password." in shown.text
    assert await links(linked) == ["corp"]


async def test_a_user_with_view_profile_only_sees_the_lists_without_the_buttons_and_cannot_unlink(
    linked: Env,
) -> None:
    await account_user(linked, "viewer", "view-profile")
    await link(linked, "viewer", "corp")
    page = await sign_in(linked.http, LINKED, "viewer")
    assert page.status_code == 200 and 'id="corp-idp-name"' in page.text
    assert 'id="corp-idp-unlink"' not in page.text and 'id="github-ish-idp-link"' not in page.text
    refused = await act(linked.http, page, f"{LINKED}/corp/unlink")
    assert refused.status_code == 303
    assert "your account lacks the role it needs" in (await linked.http.get(LINKED, headers=HTML)).text
    link_refused = await act(linked.http, page, f"{LINKED}/github-ish/link")
    assert link_refused.status_code == 303 and link_refused.headers["location"] == LINKED
    assert await links(linked, "viewer") == ["corp"]


async def test_manage_account_links_is_enough_to_link_but_not_to_unlink(linked: Env) -> None:
    """IdpLinkAction accepts manage-account-links; the Account REST's unlink wants manage-account."""
    await account_user(linked, "linker", "view-profile", "manage-account-links")
    await link(linked, "linker", "corp")
    page = await sign_in(linked.http, LINKED, "linker")
    assert 'id="github-ish-idp-link"' in page.text and 'id="corp-idp-unlink"' not in page.text
    started = await act(linked.http, page, f"{LINKED}/github-ish/link")
    assert started.status_code == 302 and "kc_action=idp_link%3Agithub-ish" in started.headers["location"]
    assert (await act(linked.http, page, f"{LINKED}/corp/unlink")).status_code == 303
    assert await links(linked, "linker") == ["corp"]


async def test_link_starts_only_for_a_provider_the_page_offers(linked: Env) -> None:
    page = await sign_in(linked.http, LINKED)
    for alias in ("corp", "never", "off", "org-owned", "nosuch"):
        refused = await act(linked.http, page, f"{LINKED}/{alias}/link")
        assert refused.status_code == 303 and refused.headers["location"] == LINKED, alias
    started = await act(linked.http, page, f"{LINKED}/github-ish/link")
    assert started.status_code == 302
    assert "kc_action=idp_link%3Agithub-ish" in started.headers["location"]
    assert "client_id=account-console" in started.headers["location"]


async def test_the_page_speaks_german(linked: Env) -> None:
    await update_realm(linked.db, "test", internationalization_enabled=True, supported_locales=("en", "de"))
    await update_user(linked.db, "test", "user1", attributes={"locale": ["de"]})
    page = await sign_in(linked.http, LINKED)
    for text in ("Verknüpfte Konten", "Verknüpfte Login-Anbieter", "Nicht verknüpfte Login-Anbieter", "Konto trennen"):
        assert text in page.text, text
    assert "Account verknüpfen" in page.text and "Systemdefiniert" in page.text
    confirm = await linked.http.get(f"{LINKED}/corp/unlink", headers=HTML)
    assert "Ihr Konto von corp trennen?" in confirm.text
    await act(linked.http, confirm, f"{LINKED}/corp/unlink")
    assert "Verknüpftes Konto erfolgreich getrennt" in (await linked.http.get(LINKED, headers=HTML)).text


async def test_link_account_goes_through_the_provider_and_comes_back_linked(env: Env) -> None:
    """AccountRow's Link: ``login({action: "idp_link:kc"})``, the action's confirmation, the provider's login, then
    the console's callback back to this page, which now lists the provider as linked."""
    async with served(env) as broker:
        await broker.add_provider()
        async with browser(broker) as http:
            page = await sign_in(http, LINKED)
            assert 'id="kc-idp-link"' in section(page.text, "Unlinked login providers")
            origin = {"Origin": broker.base}
            started = await http.post(f"{LINKED}/{ALIAS}/link", data={"csrf_token": csrf(page)}, headers=origin)
            asked = await http.get(started.headers["location"])
            assert asked.status_code == 200 and "Do you want to link your account with Provider Realm?" in asked.text
            to_provider = await http.post(form_action(asked.text), data={**form_fields(asked.text), "continue": ""})
            done = await http.get(await provider_login(http, to_provider))
            assert done.status_code == 302 and query(done.headers["location"])["kc_action_status"] == "success"
            callback = await http.get(done.headers["location"])
            assert callback.status_code == 302 and callback.headers["location"] == LINKED, callback.text[:300]
            shown = await http.get(LINKED, headers=HTML)
    assert "Account linked." in shown.text
    assert f'<td id="{ALIAS}-idp-username">alice</td>' in section(shown.text, "Linked login providers")
    assert await links(env) == [ALIAS]
