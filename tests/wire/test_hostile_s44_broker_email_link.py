"""The link "Verify existing account by Email" mails, under attack: a tampered, foreign-realm, expired or garbage
token, an address changed after the mail, and another login's link opened in the middle of one's own login are
each Keycloak's error page (or link only the login they name), never a 500; the token never reaches a log line."""

from __future__ import annotations

import logging
from urllib.parse import parse_qs, urlsplit

import pytest

from broker_email_support import SENT, STALE, add_to_existing, click, ready
from broker_support import browser, served
from browser_flow import REDIRECT
from mail_sink import Sink
from support import seed_user
from wire_env import Env

pytestmark = pytest.mark.anyio


def _key(link: str) -> str:
    return parse_qs(urlsplit(link).query)["key"][0]


async def test_tampered_foreign_and_garbage_links_are_refused_with_keycloaks_pages(env: Env, mail: Sink) -> None:
    """handleActionToken: a token whose signature does not verify, the same token at another realm's endpoint
    (IdpVerifyAccountLinkActionTokenHandler's STALE_CODE), and a key that is no token (INVALID_CODE) are 400s."""
    async with served(env) as broker:
        await ready(broker, mail)
        async with browser(broker) as http:
            await add_to_existing(http)
            link = mail.received[0].link()
            key = _key(link)
            head, body, signature = key.split(".")
            forged = f"{head}.{body}.{signature[:-4]}{'AAAA' if signature[-4:] != 'AAAA' else 'BBBB'}"
            tampered = await http.get(link.replace(key, forged))
            assert tampered.status_code == 400 and STALE in tampered.text, tampered.text
            foreign = await http.get(link.replace("/realms/test/", "/realms/provider/"))
            assert foreign.status_code == 400 and STALE in foreign.text, foreign.text
            garbage = await http.get(link.replace(key, "not-a-token"))
            assert garbage.status_code == 400
            assert "An error occurred, please login again through your application." in garbage.text
        account = await env.http.get(
            "/admin/realms/test/users", params={"username": "alice-local"}, headers=await env.admin_headers()
        )
        assert account.json()[0]["emailVerified"] is False


async def test_an_expired_link_or_a_changed_address_links_nothing(env: Env, mail: Sink) -> None:
    """An expired token is "Action expired." elsewhere; a token for an address the account no longer has is
    "Invalid email address." (AbstractActionTokenHandler.verifyEmail)."""
    async with served(env) as broker:
        await ready(broker, mail)
        async with browser(broker) as http:
            await add_to_existing(http)
        link = mail.received[0].link()
        env.clock.advance(301)  # the user lifespan of the link: five minutes
        async with browser(broker) as other:
            late = await other.get(link)
            assert late.status_code == 400 and "Action expired." in late.text, late.text
        async with browser(broker) as http:
            await add_to_existing(http)
        headers = await env.admin_headers()
        [user] = (
            await env.http.get("/admin/realms/test/users", params={"username": "alice-local"}, headers=headers)
        ).json()
        moved = await env.http.put(
            f"/admin/realms/test/users/{user['id']}", json={"email": "moved@example.org"}, headers=headers
        )
        assert moved.status_code == 204, moved.text
        async with browser(broker) as other:
            stale = await other.get(mail.received[-1].link())
            assert stale.status_code == 400 and "Invalid email address." in stale.text, stale.text
        links = await env.http.get(f"/admin/realms/test/users/{user['id']}/federated-identity", headers=headers)
        assert links.json() == []


async def test_another_logins_link_confirms_that_login_only(env: Env, mail: Sink) -> None:
    """Bob, in the middle of his own login, opens alice's link: it asks for a confirmation and, confirmed, lets
    alice's login go on; bob's own login stays on its e-mail page ("Click here" sends his mail again), linked to
    nothing."""
    async with served(env) as broker:
        await ready(broker, mail)
        await seed_user(env.db, env.clock, "provider", "bob", email="bob@example.org", first_name="Bob")
        await seed_user(env.db, env.clock, "test", "bob-local", "bob-pass", email="bob@example.org")
        async with browser(broker) as alice, browser(broker) as bob:
            alice_page = await add_to_existing(alice)
            alice_link = mail.received[-1].link()
            bob_page = await add_to_existing(bob, "bob")
            assert SENT.format("bob") in bob_page.text, bob_page.text
            asked = await bob.get(alice_link)
            assert "Confirm linking the account alice of identity provider kc" in asked.text, asked.text
            told = await bob.get(click(asked, "kc-proceed"))
            assert "You successfully verified your email." in told.text, told.text
            sent = len(mail.received)
            still = await bob.get(click(bob_page, "kc-continue"))  # not confirmed: bob's mail goes again
            assert still.status_code == 200 and SENT.format("bob") in still.text, still.text
            assert len(mail.received) == sent + 1 and mail.received[-1].recipients == ["bob@example.org"]
            done = await alice.get(click(alice_page, "kc-continue"))
            assert done.status_code == 302 and done.headers["location"].startswith(REDIRECT), done.text
        headers = await env.admin_headers()
        for username, expected in (("alice-local", ["alice"]), ("bob-local", [])):
            [user] = (
                await env.http.get("/admin/realms/test/users", params={"username": username}, headers=headers)
            ).json()
            links = await env.http.get(f"/admin/realms/test/users/{user['id']}/federated-identity", headers=headers)
            assert [link["userName"] for link in links.json()] == expected, username


async def test_the_link_never_reaches_a_log_line(env: Env, mail: Sink, caplog: pytest.LogCaptureFixture) -> None:
    """Nothing the server logs holds the token (the test's own SMTP server and HTTP client do): the whole flow, from
    the mail to the linked login, at DEBUG."""
    caplog.set_level(logging.DEBUG)
    async with served(env) as broker:
        await ready(broker, mail)
        async with browser(broker) as http:
            await add_to_existing(http)
            link = mail.received[0].link()
            done = await http.get(link)
            assert done.status_code == 302, done.text
    own = ("mail.log", "httpx", "httpcore")  # the test's SMTP server and HTTP client
    server = [r.getMessage() for r in caplog.records if not r.name.startswith(own)]
    assert any(_key(link).split(".")[2] in r.getMessage() for r in caplog.records), "the capture saw no token at all"
    assert not [line for line in server if _key(link).split(".")[2] in line]
