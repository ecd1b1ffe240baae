"""Attacks on Keycloak 26.8's "e-mail verified only by an e-mail verification" (keycloak#50946): an execute-actions
link verifies the address only when its actions name VERIFY_EMAIL exactly.

- The action list is checked as RequiredActionsValidator.validRequiredActions checks it: each name must be a
  required-action provider id, compared exactly (a factory lookup by id), so ``verify_email``, ``Verify_Email`` or a
  name with spaces is UserResource.executeActionsEmail's 400 "Provided invalid required actions" and no mail goes.
- Duplicates of another action do not turn into a verification.
- The link carries the address it went to (AbstractActionTokenHandler.verifyEmail): once the address changes, the
  same link (VERIFY_EMAIL is not a one-time action, so Keycloak lets it be reused) is refused and verifies nothing.
"""

from __future__ import annotations

from typing import Any

import pytest

from browser_flow import proceed_href
from mail_sink import Sink
from support import seed_mail_realm
from wire_env import Env

pytestmark = pytest.mark.anyio

CB = "http://127.0.0.1:9999/cb"
USERS = "/admin/realms/test/users"


@pytest.fixture
async def realm(env: Env, mail: Sink) -> Env:
    await seed_mail_realm(env.db, env.clock, mail.settings(), email="user1@example.org")
    return env


async def _user(env: Env) -> dict[str, Any]:
    got = await env.http.get(USERS, params={"username": "user1", "exact": "true"}, headers=await env.admin_headers())
    [user] = got.json()
    return dict(user)


async def _send(env: Env, body: object) -> Any:
    uid = (await _user(env))["id"]
    return await env.http.put(
        f"{USERS}/{uid}/execute-actions-email",
        json=body,
        params={"client_id": "app", "redirect_uri": CB},
        headers=await env.admin_headers(),
    )


@pytest.mark.parametrize(
    "actions",
    [["verify_email"], ["Verify_Email"], [" VERIFY_EMAIL"], ["VERIFY_EMAIL "], ["VERIFY_EMAIL\n"], ["VERIFY EMAIL"]],
)
async def test_a_look_alike_action_is_refused_and_sends_nothing(realm: Env, mail: Sink, actions: list[str]) -> None:
    answer = await _send(realm, actions)
    assert (answer.status_code, answer.json()) == (400, {"errorMessage": "Provided invalid required actions"})
    assert mail.received == []
    assert (await _user(realm))["emailVerified"] is False


async def test_a_look_alike_beside_a_real_action_is_refused_too(realm: Env, mail: Sink) -> None:
    answer = await _send(realm, ["UPDATE_PROFILE", "verify_email"])
    assert answer.status_code == 400
    assert mail.received == []


@pytest.mark.parametrize("body", [{"actions": ["VERIFY_EMAIL"]}, "VERIFY_EMAIL", [["VERIFY_EMAIL"]], [None]])
async def test_other_shapes_are_not_an_action_list(realm: Env, mail: Sink, body: object) -> None:
    answer = await _send(realm, body)
    assert answer.status_code == 400, answer.text
    assert mail.received == []


async def test_duplicated_other_actions_do_not_verify(realm: Env, mail: Sink) -> None:
    answer = await _send(realm, ["UPDATE_PROFILE", "UPDATE_PROFILE", "TERMS_AND_CONDITIONS"])
    assert answer.status_code == 204, answer.text
    confirm = await realm.http.get(mail.received[0].link())
    followed = await realm.http.get(proceed_href(confirm.text))
    assert followed.status_code == 200, followed.text
    again = await realm.http.get(mail.received[0].link())  # not a one-time action: the link opens again
    assert again.status_code == 200
    assert (await _user(realm))["emailVerified"] is False


async def test_duplicated_verify_email_verifies_once(realm: Env, mail: Sink) -> None:
    assert (await _send(realm, ["VERIFY_EMAIL", "VERIFY_EMAIL"])).status_code == 204
    confirm = await realm.http.get(mail.received[0].link())
    assert (await realm.http.get(proceed_href(confirm.text))).status_code == 200
    assert (await _user(realm))["emailVerified"] is True


async def test_a_link_reused_after_the_address_changed_verifies_nothing(realm: Env, mail: Sink) -> None:
    """The address the link went to is in it: another address is never verified by it, on a first or later use."""
    assert (await _send(realm, ["VERIFY_EMAIL"])).status_code == 204
    link = mail.received[0].link()
    confirm = await realm.http.get(link)
    assert (await realm.http.get(proceed_href(confirm.text))).status_code == 200
    assert (await _user(realm))["emailVerified"] is True
    user = await _user(realm)
    changed = await realm.http.put(
        f"{USERS}/{user['id']}",
        json={"email": "attacker@evil.example", "emailVerified": False},
        headers=await realm.admin_headers(),
    )
    assert changed.status_code == 204, changed.text
    reused = await realm.http.get(link)
    assert reused.status_code == 400, reused.text
    assert 'name="password-new"' not in reused.text and "kc-proceed" not in reused.text
    after = await _user(realm)
    assert (after["email"], after["emailVerified"]) == ("attacker@evil.example", False)


async def test_a_link_sent_before_the_address_changed_verifies_nothing(realm: Env, mail: Sink) -> None:
    assert (await _send(realm, ["VERIFY_EMAIL"])).status_code == 204
    user = await _user(realm)
    changed = await realm.http.put(
        f"{USERS}/{user['id']}", json={"email": "new@example.org"}, headers=await realm.admin_headers()
    )
    assert changed.status_code == 204
    opened = await realm.http.get(mail.received[0].link())
    assert opened.status_code == 400, opened.text
    assert (await _user(realm))["emailVerified"] is False
