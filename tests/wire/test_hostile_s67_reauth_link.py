"""Hostile variants of the first broker login's "Verify Existing Account by Re-authentication" form
(IdpUsernamePasswordForm) now that its username is editable (s67): whoever the form names must prove their password
before the brokered identity is linked to them, and nothing typed there is a 500.

- A user who already holds a link to the same provider (another identity of it): Keycloak's afterFirstBrokerLogin
  adds the link anyway and the store refuses it (the (user, provider) key: JpaUserProvider.addFederatedIdentity's
  flush fails), which its ``catch (Exception e)`` answers with redirectToErrorPage's "Unexpected error when
  authenticating with identity provider" page. Never a second link, the first one unchanged.
- A service account, a disabled user, a user locked by Brute Force Detection, an e-mail two users share, spaces
  around the name, a 10,000-character name, NUL and U+2028 in it: the form again with the login form's error and
  event, nothing linked.
- Two posts of the form at once: one link at most.
- Wrong passwords count toward the named user's lockout, as on the login form.
"""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest

from broker_support import ALIAS, Broker, broker_login, browser, served
from browser_flow import REDIRECT, form_action, form_fields, typed_fields
from support import seed_user, update_realm
from wire_env import Env

pytestmark = pytest.mark.anyio

INVALID = "Invalid username or password."
DISABLED = "Account is disabled, contact your administrator."
UNEXPECTED = "Unexpected error when authenticating with identity provider"
EVENTS = ("IDENTITY_PROVIDER_FIRST_LOGIN_ERROR", "FEDERATED_IDENTITY_LINK", "IDENTITY_PROVIDER_LOGIN_ERROR")


async def _user(env: Env, username: str) -> dict[str, Any]:
    headers = await env.admin_headers()
    found = await env.http.get(
        "/admin/realms/test/users", params={"username": username, "exact": "true"}, headers=headers
    )
    assert found.status_code == 200, found.text
    [user] = [u for u in found.json() if u["username"] == username]
    return dict(user)


async def _links(env: Env, user_id: str) -> list[dict[str, Any]]:
    headers = await env.admin_headers()
    got = await env.http.get(f"/admin/realms/test/users/{user_id}/federated-identity", headers=headers)
    assert got.status_code == 200, got.text
    return list(got.json())


async def _all_links(env: Env) -> list[tuple[str, str]]:
    """Every link of the provider in the realm: (user id, the provider's user id)."""
    headers = await env.admin_headers()
    users = (await env.http.get("/admin/realms/test/users", params={"max": "100"}, headers=headers)).json()
    found: list[tuple[str, str]] = []
    for user in users:
        found.extend(
            (user["id"], link["userId"]) for link in await _links(env, user["id"]) if link["identityProvider"] == ALIAS
        )
    return found


async def _events(env: Env, kind: str) -> list[dict[str, Any]]:
    got = await env.http.get("/admin/realms/test/events", params={"type": kind}, headers=await env.admin_headers())
    assert got.status_code == 200, got.text
    return list(got.json())


async def _reauth_page(http: httpx.AsyncClient) -> httpx.Response:
    """ "Account already exists" (alice@example.org is alice-local's e-mail), then "Add to existing account"."""
    confirm = await broker_login(http)
    assert confirm.status_code == 200 and "Account already exists" in confirm.text, confirm.text
    data = {**form_fields(confirm.text), "submitAction": "linkAccount"}
    reauth = await http.post(form_action(confirm.text), data=data)
    assert reauth.status_code == 200 and f"Authenticate to link your account with {ALIAS}" in reauth.text
    return reauth


async def _ready(env: Env, broker: Broker) -> None:
    await seed_user(env.db, env.clock, "test", "alice-local", "local-pass", email="alice@example.org")
    await seed_user(env.db, env.clock, "test", "foobar", "foobar-pass", email="foo@bar.baz")
    await broker.add_provider()
    await update_realm(env.db, "test", enabled_event_types=EVENTS)


async def _post(http: httpx.AsyncClient, page: httpx.Response, username: str, password: str) -> httpx.Response:
    data = {**typed_fields(page.text), "username": username, "password": password}
    return await http.post(form_action(page.text), data=data)


async def test_a_user_already_linked_to_the_provider_gets_no_second_link(env: Env) -> None:
    """foobar already holds a link to the provider (another of its users): his right password does not add a
    second one nor replace the first; the login ends on Keycloak's "Unexpected error" page (its store refuses the
    link, afterFirstBrokerLogin's catch answers), not a crash, and alice-local stays unlinked."""
    async with served(env) as broker:
        await _ready(env, broker)
        foobar = await _user(env, "foobar")
        headers = await env.admin_headers()
        link = {"identityProvider": ALIAS, "userId": "someone-else", "userName": "someone"}
        made = await env.http.post(
            f"/admin/realms/test/users/{foobar['id']}/federated-identity/{ALIAS}", json=link, headers=headers
        )
        assert made.status_code == 204, made.text
        async with browser(broker) as http:
            reauth = await _reauth_page(http)
            answer = await _post(http, reauth, "foobar", "foobar-pass")
            _unexpected_page(answer)
            again = await http.post(form_action(reauth.text), data={**typed_fields(reauth.text), "password": "x"})
            assert again.status_code == 400 and 'id="kc-error-message"' in again.text, again.text  # the login ended
        [kept] = await _links(env, foobar["id"])
        assert (kept["identityProvider"], kept["userId"], kept["userName"]) == (ALIAS, "someone-else", "someone")
        assert await _all_links(env) == [(foobar["id"], "someone-else")]
        assert await _events(env, "FEDERATED_IDENTITY_LINK") == []
        [error] = await _events(env, "IDENTITY_PROVIDER_LOGIN_ERROR")
        assert (error["error"], error["userId"]) == ("identityProviderUnexpectedErrorMessage", foobar["id"]), error
        assert error["details"]["identity_provider"] == ALIAS and error["details"]["username"] == "foobar", error


def _unexpected_page(answer: httpx.Response) -> None:
    """redirectToErrorPage's IDENTITY_PROVIDER_UNEXPECTED_ERROR page, not a crash (no JSON, no traceback), at 400
    where Keycloak says 500: the refusal is caused by the input, and no answer of Doorkeep's to input is a 500."""
    assert answer.status_code == 400, answer.text
    assert answer.headers["content-type"].startswith("text/html"), answer.headers
    assert UNEXPECTED in answer.text and 'id="kc-error-message"' in answer.text, answer.text


async def test_the_matched_account_already_linked_gets_no_second_link(env: Env) -> None:
    """The same for the account the e-mail matched, its own name prefilled: its password proves it, but it holds a
    link to the provider already."""
    async with served(env) as broker:
        await _ready(env, broker)
        alice = await _user(env, "alice-local")
        headers = await env.admin_headers()
        link = {"identityProvider": ALIAS, "userId": "old-sub", "userName": "old"}
        made = await env.http.post(
            f"/admin/realms/test/users/{alice['id']}/federated-identity/{ALIAS}", json=link, headers=headers
        )
        assert made.status_code == 204, made.text
        async with browser(broker) as http:
            reauth = await _reauth_page(http)
            answer = await http.post(
                form_action(reauth.text), data={**typed_fields(reauth.text), "password": "local-pass"}
            )
            _unexpected_page(answer)
        assert await _all_links(env) == [(alice["id"], "old-sub")]


async def _refused(env: Env, broker: Broker, username: str, password: str, message: str) -> httpx.Response:
    async with browser(broker) as http:
        reauth = await _reauth_page(http)
        answer = await _post(http, reauth, username, password)
        assert answer.status_code == 200 and message in answer.text, answer.text[:2000]
        assert 'name="password"' in answer.text and "Sign In" in answer.text  # the form again
    assert await _all_links(env) == []
    assert await _events(env, "FEDERATED_IDENTITY_LINK") == []
    return answer


async def _first_login_errors(env: Env) -> list[tuple[str, str | None, str | None]]:
    """The IDENTITY_PROVIDER_FIRST_LOGIN_ERROR events, oldest first: (error, user id, typed username)."""
    found = await _events(env, "IDENTITY_PROVIDER_FIRST_LOGIN_ERROR")
    return [(e["error"], e.get("userId"), e.get("details", {}).get("username")) for e in reversed(found)]


async def test_a_service_account_cannot_be_named(env: Env) -> None:
    """A client's service account has no password: ``invalid_user_credentials`` on it, nothing linked."""
    async with served(env) as broker:
        await _ready(env, broker)
        headers = await env.admin_headers()
        client = {"clientId": "svc", "serviceAccountsEnabled": True, "publicClient": False, "secret": "s3cret"}
        made = await env.http.post("/admin/realms/test/clients", json=client, headers=headers)
        assert made.status_code == 201, made.text
        account = await _user(env, "service-account-svc")
        await _refused(env, broker, "service-account-svc", "s3cret", INVALID)
        assert await _first_login_errors(env) == [("invalid_user_credentials", account["id"], "service-account-svc")]


async def test_a_disabled_user_is_not_linked(env: Env) -> None:
    """foobar disabled: a wrong password is ``invalid_user_credentials``, the right one "Account is disabled"
    (``user_disabled``), as on the login form; nothing linked either way."""
    async with served(env) as broker:
        await _ready(env, broker)
        foobar = await _user(env, "foobar")
        headers = await env.admin_headers()
        put = await env.http.put(f"/admin/realms/test/users/{foobar['id']}", json={"enabled": False}, headers=headers)
        assert put.status_code == 204, put.text
        await _refused(env, broker, "foobar", "wrong", INVALID)
        await _refused(env, broker, "foobar", "foobar-pass", DISABLED)
        assert await _first_login_errors(env) == [
            ("invalid_user_credentials", foobar["id"], "foobar"),
            ("user_disabled", foobar["id"], "foobar"),
        ]


async def test_a_locked_user_is_not_linked_even_with_the_right_password(env: Env) -> None:
    """foobar locked by Brute Force Detection: his right password links nothing (``user_temporarily_disabled``,
    the generic message, as the login form answers a locked user)."""
    async with served(env) as broker:
        await _ready(env, broker)
        await update_realm(env.db, "test", brute_force_protected=True, failure_factor=1, wait_increment_seconds=60)
        foobar = await _user(env, "foobar")
        await _refused(env, broker, "foobar", "wrong", INVALID)  # the one failure that locks him
        await _refused(env, broker, "foobar", "foobar-pass", INVALID)
        assert await _first_login_errors(env) == [
            ("invalid_user_credentials", foobar["id"], "foobar"),
            ("user_temporarily_disabled", foobar["id"], "foobar"),
        ]


async def test_an_email_two_users_share_names_nobody(env: Env) -> None:
    """Shared e-mails allowed and two users holding shared@example.org: the address names nobody
    (``username_in_use``, "Username already exists." as on the login form: setDuplicateUserChallenge), even with one
    of their passwords."""
    async with served(env) as broker:
        await _ready(env, broker)
        await update_realm(env.db, "test", duplicate_emails_allowed=True)
        # shared e-mails allowed, the e-mail matches nobody: the provider's username does ("alice")
        await seed_user(env.db, env.clock, "test", "alice", "alice-pass", email="other@example.org")
        await seed_user(env.db, env.clock, "test", "twin1", "twin-pass", email="shared@example.org")
        await seed_user(env.db, env.clock, "test", "twin2", "twin-pass", email="shared@example.org")
        await _refused(env, broker, "shared@example.org", "twin-pass", "Username already exists.")
        assert await _first_login_errors(env) == [("username_in_use", None, "shared@example.org")]


async def test_spaces_around_the_name_are_trimmed_as_on_the_login_form(env: Env) -> None:
    """Tabs, spaces and NULs around foobar are trimmed (``username.trim()``, which drops every character up to
    U+0020): a wrong password counts for foobar, the right one links foobar and nobody else."""
    async with served(env) as broker:
        await _ready(env, broker)
        foobar = await _user(env, "foobar")
        async with browser(broker) as http:
            reauth = await _reauth_page(http)
            wrong = await _post(http, reauth, "\t foobar  ", "wrong")
            assert wrong.status_code == 200 and INVALID in wrong.text, wrong.text
            done = await _post(http, wrong, "\x00 foobar\t\x00", "foobar-pass")  # Java's trim(): all of U+0000-U+0020
            assert done.status_code == 302 and done.headers["location"].startswith(REDIRECT), done.text
        assert [user for user, _ in await _all_links(env)] == [foobar["id"]]
        assert await _first_login_errors(env) == [("invalid_user_credentials", foobar["id"], "foobar")]


@pytest.mark.parametrize(
    "typed",
    ["f" * 10_000, "foo\x00bar", "\x00foo\x00bar", "foo\u2028bar", "foobar\u2028", "\u2028", "\x00"],
    ids=["10000-chars", "nul-inside", "nul-around", "u2028-inside", "u2028-after", "only-u2028", "only-nul"],
)
async def test_hostile_names_are_nobody(env: Env, typed: str) -> None:
    """An over-long name, NUL or U+2028 in it: nobody is named (``user_not_found`` or, for a name with nothing left,
    the same generic answer), the form comes back, nothing is linked, nothing answers 500."""
    async with served(env) as broker:
        await _ready(env, broker)
        await _refused(env, broker, typed, "foobar-pass", INVALID)
        errors = await _first_login_errors(env)
        assert [(error, user) for error, user, _ in errors] == [("user_not_found", None)], errors


async def test_two_posts_at_once_link_once(env: Env) -> None:
    """The form posted twice at once, the right password in one and a wrong one in the other: one link at most,
    to the user whose password was given."""
    async with served(env) as broker:
        await _ready(env, broker)
        foobar = await _user(env, "foobar")
        async with browser(broker) as http:
            reauth = await _reauth_page(http)
            right, wrong = await asyncio.gather(
                _post(http, reauth, "foobar", "foobar-pass"), _post(http, reauth, "alice-local", "nope")
            )
            assert right.status_code in (200, 302, 400) and wrong.status_code in (200, 302, 400), (right, wrong)
        assert [u for u, _ in await _all_links(env)] in ([], [foobar["id"]])
        assert len(await _events(env, "FEDERATED_IDENTITY_LINK")) <= 1


async def test_two_right_posts_at_once_link_once(env: Env) -> None:
    """The form posted twice at once with the right password for two different users: one link at most, never
    both users linked to the same identity."""
    async with served(env) as broker:
        await _ready(env, broker)
        async with browser(broker) as http:
            reauth = await _reauth_page(http)
            answers = await asyncio.gather(
                _post(http, reauth, "foobar", "foobar-pass"), _post(http, reauth, "alice-local", "local-pass")
            )
            assert all(a.status_code != 500 for a in answers), [a.text[:500] for a in answers]
        assert len(await _all_links(env)) <= 1
        assert len(await _events(env, "FEDERATED_IDENTITY_LINK")) <= 1


async def test_wrong_passwords_count_toward_the_named_users_lockout(env: Env) -> None:
    """Brute Force Detection on: each wrong password for foobar on the form is one of foobar's failures, read by
    attack-detection/brute-force/users/{id} as a failed login form's would be; the matched account's count is
    untouched."""
    async with served(env) as broker:
        await _ready(env, broker)
        await update_realm(env.db, "test", brute_force_protected=True, failure_factor=5, wait_increment_seconds=60)
        foobar, alice = await _user(env, "foobar"), await _user(env, "alice-local")
        async with browser(broker) as http:
            page = await _reauth_page(http)
            for _ in range(3):
                page = await _post(http, page, "foobar", "wrong")
                env.clock.advance(2)  # past quickLoginCheckMilliSeconds: no quick-login lock
                assert page.status_code == 200 and INVALID in page.text, page.text
        headers = await env.admin_headers()
        base = "/admin/realms/test/attack-detection/brute-force/users"
        status = (await env.http.get(f"{base}/{foobar['id']}", headers=headers)).json()
        assert status["numFailures"] == 3 and status["disabled"] is False, status
        assert status["lastIPFailure"] == "127.0.0.1", status
        other = (await env.http.get(f"{base}/{alice['id']}", headers=headers)).json()
        assert other["numFailures"] == 0, other
