"""The first broker login's "Verify existing account by Email" (IdpEmailVerificationAuthenticator and
IdpVerifyAccountLinkActionTokenHandler), over real HTTP with another realm of the same server as the provider and a
real SMTP server (AbstractFirstBrokerLoginTest.testLinkAccountByEmailVerification, ...InAnotherBrowser,
testLinkAccountByReauthenticationWhenSmtpNotConfigured)."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import pytest

from broker_email_support import ALICE, SENT, add_to_existing, click, ready
from broker_support import broker_login, browser, served
from browser_flow import REDIRECT, form_action, form_fields
from mail_sink import DOWN_PORT, Sink
from support import seed_user, update_realm
from wire_env import Env

pytestmark = pytest.mark.anyio

FLOW = quote("first broker login", safe="")


async def _account(env: Env, username: str) -> dict[str, Any]:
    headers = await env.admin_headers()
    got = await env.http.get(
        "/admin/realms/test/users", params={"username": username, "exact": "true"}, headers=headers
    )
    [user] = got.json()
    links = await env.http.get(f"/admin/realms/test/users/{user['id']}/federated-identity", headers=headers)
    found: dict[str, Any] = user | {"links": [link["userName"] for link in links.json()]}
    return found


async def _kinds(env: Env) -> list[str]:
    got = await env.http.get("/admin/realms/test/events", headers=await env.admin_headers())
    return [e["type"] for e in got.json()]


async def test_the_link_followed_in_the_same_browser_links_the_account_and_logs_in(env: Env, mail: Sink) -> None:
    """testLinkAccountByEmailVerification: the e-mail page, the mail with its link, "Click here" sends it again, and
    the link in the same browser links the identity and ends the login at the client. Since Keycloak 26.8
    (keycloak#50946) it no longer verifies the address."""
    async with served(env) as broker:
        await ready(broker, mail)
        async with browser(broker) as http:
            page = await add_to_existing(http)
            assert page.status_code == 200, page.text
            assert "<title>Link Provider Realm</title>" in page.text and SENT.format("alice") in page.text
            assert "If you already verified the email in different browser" in page.text
            [sent] = mail.received
            assert sent.recipients == [ALICE] and sent.subject == "Link Provider Realm"
            assert 'Someone wants to link your "Test" account with "Provider Realm" account of user alice' in sent.part(
                "plain"
            )
            assert "This link will expire within 5 minutes." in sent.part("plain")
            probe = await http.head(click(page, "kc-resend"))
            assert probe.status_code == 200 and len(mail.received) == 1  # a HEAD sends nothing
            again = await http.get(click(page, "kc-resend"))
            assert again.status_code == 200 and SENT.format("alice") in again.text, again.text
            assert len(mail.received) == 2
            done = await http.get(mail.received[-1].link())
            assert done.status_code == 302 and done.headers["location"].startswith(REDIRECT), done.text
        account = await _account(env, "alice-local")
        assert account["emailVerified"] is False and account["links"] == ["alice"]
        kinds = await _kinds(env)
        assert kinds.count("SEND_IDENTITY_PROVIDER_LINK") == 2
        assert {"IDENTITY_PROVIDER_LINK_ACCOUNT", "FEDERATED_IDENTITY_LINK", "LOGIN"} <= set(kinds)
        got = await env.http.get(
            "/admin/realms/test/events",
            params={"type": "SEND_IDENTITY_PROVIDER_LINK"},
            headers=await env.admin_headers(),
        )
        details = got.json()[0]["details"]
        assert details["identity_provider"] == "kc" and details["identity_provider_identity"] == "alice"
        assert details["username"] == "alice-local" and details["email"] == ALICE and "auth_method" not in details


async def test_the_link_confirmed_in_another_browser_lets_the_first_one_continue(env: Env, mail: Sink) -> None:
    """testLinkAccountByEmailVerificationInAnotherBrowser: elsewhere the link asks for a confirmation, then sends the
    user back; the first browser's "Click here ... to continue" links the account there. A replay links nothing
    more."""
    async with served(env) as broker:
        await ready(broker, mail)
        async with browser(broker) as http:
            page = await add_to_existing(http)
            async with browser(broker) as other:
                asked = await other.get(mail.received[0].link())
                assert asked.status_code == 200, asked.text
                assert "Confirm linking the account alice of identity provider kc with your account." in asked.text
                told = await other.get(click(asked, "kc-proceed"))
                assert told.status_code == 200, told.text
                assert "You successfully verified your email. Please go back to your original browser" in told.text
                assert 'id="kc-back"' not in told.text
            assert (await _account(env, "alice-local"))["links"] == []
            done = await http.get(click(page, "kc-continue"))
            assert done.status_code == 302 and done.headers["location"].startswith(REDIRECT), done.text
            assert len(mail.received) == 1  # going on sent nothing more
        async with browser(broker) as late:  # the same link once more: a confirmation, then nothing changes
            asked = await late.get(mail.received[0].link())
            told = await late.get(click(asked, "kc-proceed"))
            assert told.status_code == 200, told.text
        account = await _account(env, "alice-local")
        assert account["emailVerified"] is False and account["links"] == ["alice"]


async def test_without_smtp_or_with_the_execution_disabled_the_password_is_asked(env: Env, mail: Sink) -> None:
    """testLinkAccountByReauthenticationWhenSmtpNotConfigured, and the execution DISABLED in the flow: "Verify
    Existing Account by Re-authentication" follows at once, no mail sent."""
    async with served(env) as broker:
        await ready(broker, mail)
        headers = await env.admin_headers()
        base = "/admin/realms/test/authentication"
        rows = (await env.http.get(f"{base}/flows/{FLOW}/executions", headers=headers)).json()
        [row] = [r for r in rows if r.get("providerId") == "idp-email-verification"]
        assert row["displayName"] == "Verify existing account by Email" and row["requirement"] == "ALTERNATIVE"
        put = await env.http.put(
            f"{base}/flows/{FLOW}/executions", json={**row, "requirement": "DISABLED"}, headers=headers
        )
        assert put.status_code == 202, put.text
        async with browser(broker) as http:
            page = await add_to_existing(http)
            assert "Authenticate to link your account with kc" in page.text, page.text
        put = await env.http.put(
            f"{base}/flows/{FLOW}/executions", json={**row, "requirement": "ALTERNATIVE"}, headers=headers
        )
        assert put.status_code == 202, put.text
        await update_realm(env.db, "test", smtp_server={})
        async with browser(broker) as http:
            page = await add_to_existing(http)
            assert "Authenticate to link your account with kc" in page.text, page.text
        assert mail.received == []


async def test_an_email_changed_on_review_skips_the_email_verification(env: Env, mail: Sink) -> None:
    """IdpEmailVerificationAuthenticator: the e-mail changed on the review page is not the provider's, so the
    password form verifies the account."""
    async with served(env) as broker:
        await ready(broker, mail)
        await seed_user(env.db, env.clock, "test", "other-local", "other-pass", email="other@example.org")
        async with browser(broker) as http:
            confirm = await broker_login(http)
            review = await http.post(
                form_action(confirm.text), data={**form_fields(confirm.text), "submitAction": "updateProfile"}
            )
            data = {**form_fields(review.text), "email": "other@example.org", "firstName": "A", "lastName": "L"}
            confirm = await http.post(form_action(review.text), data=data)
            assert "User with email other@example.org already exists" in confirm.text, confirm.text
            data = {**form_fields(confirm.text), "submitAction": "linkAccount"}
            page = await http.post(form_action(confirm.text), data=data)
            assert "Authenticate to link your account with kc" in page.text, page.text
        assert mail.received == []


async def test_a_mail_that_cannot_be_sent_is_the_error_page(env: Env, mail: Sink) -> None:
    """sendVerifyEmail's EmailException: 500 with "Failed to send email, please try again later." and
    SEND_IDENTITY_PROVIDER_LINK_ERROR (``email_send_failed``)."""
    async with served(env) as broker:
        await ready(broker, mail, port=DOWN_PORT)
        async with browser(broker) as http:
            page = await add_to_existing(http)
            assert page.status_code == 500 and "Failed to send email, please try again later." in page.text
        got = await env.http.get(
            "/admin/realms/test/events",
            params={"type": "SEND_IDENTITY_PROVIDER_LINK_ERROR"},
            headers=await env.admin_headers(),
        )
        [failed] = got.json()
        assert failed["error"] == "email_send_failed"
