"""The consent screen as Keycloak 26 builds it: ``prompt=consent`` asks again whatever was granted
(OIDCAdvancedRequestParamsTest.promptConsent, AuthenticationManager.getEffectiveGrantedConsent), and a client
whose ``display.on.consent.screen`` is true is listed itself, by its consent text, else its name, else its
clientId (OIDCScopeTest.testClientDisplayedOnConsentScreen, ...WithEmptyConsentText)."""

from __future__ import annotations

import re

import httpx
import pytest

from browser_flow import code_from, exchange, start, submit
from support import claims, seed_client, seed_realm, seed_user, update_client
from wire_env import Env

pytestmark = pytest.mark.anyio

SCOPES = ["User profile", "Email address", "User roles"]


@pytest.fixture
async def realm(env: Env) -> Env:
    await seed_realm(env.db, env.clock)
    await seed_client(env.db, "test", "third-party", redirect_uris=("http://127.0.0.1:9999/*",), consent_required=True)
    await seed_user(env.db, env.clock, "test", "john")
    return env


def listed(page: httpx.Response) -> list[str]:
    assert page.status_code == 200 and 'name="accept"' in page.text, (page.status_code, page.text[:500])
    return re.findall(r"<li><span>([^<]*)</span></li>", page.text)


async def granted_scopes(env: Env) -> list[str]:
    headers = await env.admin_headers()
    users = (await env.http.get("/admin/realms/test/users", headers=headers, params={"username": "john"})).json()
    consents = await env.http.get(f"/admin/realms/test/users/{users[0]['id']}/consents", headers=headers)
    return sorted(consents.json()[0]["grantedClientScopes"])


async def first_login(env: Env, **params: str) -> httpx.Response:
    page = await start(env.http, "test", "third-party", **params)
    return await submit(env.http, page, username="john", password="password")


async def test_prompt_consent_shows_the_consent_screen_again(realm: Env) -> None:
    consent = await first_login(realm)
    assert sorted(listed(consent)) == sorted(SCOPES)
    first = code_from(await submit(realm.http, consent, accept="yes"))
    assert "code" in code_from(await start(realm.http, "test", "third-party"))  # granted: no screen
    again = await start(realm.http, "test", "third-party", prompt="consent")
    assert sorted(listed(again)) == sorted(SCOPES)
    second = code_from(await submit(realm.http, again, accept="yes"))
    assert "code" in second and second["session_state"] == first["session_state"]


async def test_prompt_consent_among_other_values_also_asks_again(realm: Env) -> None:
    await submit(realm.http, await first_login(realm), accept="yes")
    login_page = await start(realm.http, "test", "third-party", prompt="login consent")
    assert 'name="password"' in login_page.text  # the password first, then the screen
    assert sorted(listed(await submit(realm.http, login_page, username="john", password="password"))) == sorted(SCOPES)
    page = await start(realm.http, "test", "third-party", prompt="select_account consent")
    assert sorted(listed(page)) == sorted(SCOPES)


async def test_prompt_consent_on_a_client_without_consent_required_shows_no_screen(realm: Env) -> None:
    await update_client(realm.db, "test", "third-party", consent_required=False)
    page = await start(realm.http, "test", "third-party", prompt="consent")
    assert "code" in code_from(await submit(realm.http, page, username="john", password="password"))


async def test_the_client_is_listed_with_its_consent_text(realm: Env) -> None:
    client = await update_client(
        realm.db,
        "test",
        "third-party",
        attributes={"display.on.consent.screen": "true", "consent.screen.text": "ThirdParty permissions"},
    )
    consent = await first_login(realm)
    assert sorted(listed(consent)) == sorted([*SCOPES, "ThirdParty permissions"])
    params = code_from(await submit(realm.http, consent, accept="yes"))
    body = (await exchange(realm.http, "test", "third-party", params["code"])).json()
    assert claims(body["id_token"])["email"] == "john@example.com"
    async with realm.db.transaction() as tx:  # the client itself is granted, so it is not asked again
        stored = await tx.sessions.get_consent(claims(body["id_token"])["sub"], client.id)
    assert stored is not None and client.id in stored.granted_scopes
    assert "code" in code_from(await start(realm.http, "test", "third-party"))


async def test_a_blank_consent_text_falls_back_to_the_client_id_and_the_scope_name(realm: Env) -> None:
    await update_client(
        realm.db, "test", "third-party", attributes={"display.on.consent.screen": "true", "consent.screen.text": ""}
    )
    headers = await realm.admin_headers()
    scopes = (await realm.http.get("/admin/realms/test/client-scopes", headers=headers)).json()
    profile = next(s for s in scopes if s["name"] == "profile")
    profile["attributes"]["consent.screen.text"] = " "
    updated = await realm.http.put(f"/admin/realms/test/client-scopes/{profile['id']}", headers=headers, json=profile)
    assert updated.status_code == 204, updated.text
    assert sorted(listed(await first_login(realm))) == sorted(["profile", "Email address", "User roles", "third-party"])


async def test_a_client_not_marked_for_the_screen_is_not_listed(realm: Env) -> None:
    await update_client(realm.db, "test", "third-party", attributes={"consent.screen.text": "ThirdParty permissions"})
    assert sorted(listed(await first_login(realm))) == sorted(SCOPES)
