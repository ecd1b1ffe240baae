""" "Try Another Way" on the first broker login's e-mail page (IdpEmailVerificationAuthenticator is ALTERNATIVE to
"Verify Existing Account by Re-authentication"): Keycloak's select-authenticator page (DefaultAuthenticationFlow
.processAction, AuthenticationSelectionResolver) lists both, named by their factories' message keys, over real HTTP
with another realm of the same server as the provider and a real SMTP server."""

from __future__ import annotations

from urllib.parse import quote

import httpx
import pytest

from broker_email_support import ALICE, SENT, add_to_existing, ready
from broker_support import broker_login, browser, served
from browser_flow import REDIRECT, form_action, form_fields, typed_fields
from mail_sink import Sink
from recovery_flow import listed
from support import update_realm
from wire_env import Env

pytestmark = pytest.mark.anyio

EMAIL = ("Email Verification", "Link your account by validating your email.")
PASSWORD = ("Username and password", "Link your account by logging in.")


async def _another_way(http: httpx.AsyncClient, page: httpx.Response) -> httpx.Response:
    assert 'id="try-another-way"' in page.text, page.text
    fields = form_fields(page.text.split('id="kc-select-try-another-way-form"')[1])
    return await http.post(form_action(page.text), data={**fields, "tryAnotherWay": "on"})


async def _pick(http: httpx.AsyncClient, page: httpx.Response, execution: str) -> httpx.Response:
    data = {**form_fields(page.text), "authenticationExecution": execution}
    return await http.post(form_action(page.text), data=data)


async def _executions(env: Env) -> dict[str, str]:
    """The first broker login flow's executions: authenticator (or sub-flow name) to id."""
    flow = quote("first broker login", safe="")
    got = await env.http.get(
        f"/admin/realms/test/authentication/flows/{flow}/executions", headers=await env.admin_headers()
    )
    return {e.get("providerId") or e["displayName"]: e["id"] for e in got.json()}


async def test_the_list_offers_the_email_and_the_password_and_the_password_links_the_account(
    env: Env, mail: Sink
) -> None:
    """The list shows the two ways with their display names and help texts, each posting its execution; the
    password form picked refuses a wrong password, and the right one links the account and ends the login."""
    async with served(env) as broker:
        await ready(broker, mail)
        ids = await _executions(env)
        async with browser(broker) as http:
            page = await add_to_existing(http)
            assert "Try Another Way" in page.text, page.text
            chosen = await _another_way(http, page)
            assert chosen.status_code == 200 and "Select login method" in chosen.text, chosen.text
            assert listed(chosen) == [
                (ids["idp-email-verification"], *EMAIL),
                (ids["idp-username-password-form"], *PASSWORD),
            ]
            form = await _pick(http, chosen, ids["idp-username-password-form"])
            assert "Authenticate to link your account with kc" in form.text, form.text
            wrong = await http.post(form_action(form.text), data={**typed_fields(form.text), "password": "no"})
            # IdpUsernamePasswordForm inherits the generic message (keycloak@b137016c), no longer "Invalid password."
            assert "Invalid username or password." in wrong.text, wrong.text
            done = await http.post(form_action(wrong.text), data={**typed_fields(wrong.text), "password": "local-pass"})
            assert done.status_code == 302 and done.headers["location"].startswith(REDIRECT), done.text
        got = await env.http.get(
            "/admin/realms/test/users", params={"username": "alice-local"}, headers=await env.admin_headers()
        )
        [user] = got.json()
        links = await env.http.get(
            f"/admin/realms/test/users/{user['id']}/federated-identity", headers=await env.admin_headers()
        )
        assert [link["userName"] for link in links.json()] == ["alice"] and len(mail.received) == 1


async def test_picking_the_email_again_shows_its_page_without_a_second_mail(env: Env, mail: Sink) -> None:
    """The e-mail step picked from the list runs again: its page, the link already sent not sent twice; the list
    posted without a pick shows the list again; German names the ways in German."""
    async with served(env) as broker:
        await ready(broker, mail)
        ids = await _executions(env)
        async with browser(broker) as http:
            chosen = await _another_way(http, await add_to_existing(http))
            again = await http.post(form_action(chosen.text), data=form_fields(chosen.text))
            assert [name for _, name, _ in listed(again)] == [EMAIL[0], PASSWORD[0]], again.text
            back = await _pick(http, again, ids["idp-email-verification"])
            assert back.status_code == 200 and SENT.format("alice") in back.text, back.text
            assert len(mail.received) == 1 and mail.received[0].recipients == [ALICE]
        await update_realm(
            env.db, "test", internationalization_enabled=True, supported_locales=("en", "de"), default_locale="de"
        )
        async with browser(broker) as http:
            confirm = await broker_login(http, "alice")
            data = {**form_fields(confirm.text), "submitAction": "linkAccount"}
            chosen = await _another_way(http, await http.post(form_action(confirm.text), data=data))
            assert "Login Methode auswählen" in chosen.text, chosen.text
            assert [name for _, name, _ in listed(chosen)] == ["E-Mail Verifizierung", "Passwort Verifizierung"]


async def test_an_execution_not_on_the_list_ends_the_login(env: Env, mail: Sink) -> None:
    """Any other execution (another flow's, junk) is "Requested authentication execution is not allowed": the 400
    page and IDENTITY_PROVIDER_FIRST_LOGIN_ERROR ``invalid_user_credentials``; nothing is linked."""
    async with served(env) as broker:
        await ready(broker, mail)
        await update_realm(
            env.db, "test", enabled_event_types=("IDENTITY_PROVIDER_FIRST_LOGIN_ERROR", "FEDERATED_IDENTITY_LINK")
        )
        ids = await _executions(env)
        async with browser(broker) as http:
            chosen = await _another_way(http, await add_to_existing(http))
            refused = await _pick(http, chosen, ids["idp-confirm-link"])
            assert refused.status_code == 400, refused.text
            assert "Unexpected error when handling authentication request to identity provider." in refused.text
        got = await env.http.get("/admin/realms/test/events", headers=await env.admin_headers())
        [event] = got.json()
        assert event["type"] == "IDENTITY_PROVIDER_FIRST_LOGIN_ERROR" and event["error"] == "invalid_user_credentials"
        assert (
            event["details"]["identity_provider"] == "kc" and event["details"]["identity_provider_identity"] == "alice"
        )
