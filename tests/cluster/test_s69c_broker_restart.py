"""A brokered login that a server restart interrupts (Doorkeep as broker in front of tests/fake_idp.py's provider).

Keycloak keeps what the provider's answer is checked against (the state's tab and client, the nonce, the PKCE
verifier) in the authentication session; Doorkeep keeps them on the login's rows, so a restart between the
redirect to the provider and the provider's answer loses nothing: the answer, taken by the other process after the
restart, completes the login (IdentityBrokerService.authenticated), and the ID token's nonce and the verifier sent
to the provider's token endpoint are those of the redirect. Likewise the first broker login's Review Profile page
(IdpReviewProfileAuthenticator, ``update.profile.on.first.login`` on) shown before a crash (SIGKILL) is answered
after the restart.
On SQLite (two processes on one file) and PostgreSQL (two workers of one server), each restarted whole.
"""

from __future__ import annotations

import base64
import hashlib
import json
import time
from typing import Any
from urllib.parse import quote

import pytest

from browser_flow import REDIRECT, form_action, form_fields
from fake_idp import FakeIdp
from otp_port import realm_rep
from worker_broker import ALIAS, app_tokens, provider_answer, to_provider
from worker_pair import Browser, Pair, new_realm, path

pytestmark = [pytest.mark.interop, pytest.mark.postgres]

FIRST_LOGIN = quote("first broker login", safe="")


def _brokering_realm(pair: Pair, idp: FakeIdp, review: str = "missing") -> str:
    """A realm with the app and provider ``kc`` (PKCE on); its first broker login's Review Profile set to
    ``review``."""
    realm = new_realm(pair, realm_rep())
    rep = idp.rep(ALIAS, pkceEnabled="true", pkceMethod="S256")
    pair.admin(0, "POST", path(realm, "identity-provider", "instances"), rep, 201)
    auth = path(realm, "authentication")
    rows = pair.admin(0, "GET", f"{auth}/flows/{FIRST_LOGIN}/executions", status=200).json()
    (step,) = [r for r in rows if r.get("providerId") == "idp-review-profile"]
    config_url = f"{auth}/config/{step['authenticationConfig']}"
    config = pair.admin(0, "GET", config_url, status=200).json()
    config["config"]["update.profile.on.first.login"] = review
    pair.admin(0, "PUT", config_url, config, 204)
    idp.id_token = lambda nonce: idp.signed(idp.claims(int(time.time()), nonce=nonce))
    return realm


def _claims(token: str) -> dict[str, Any]:
    payload = token.split(".")[1]
    return dict(json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))))


def _challenge(verifier: str) -> str:
    return base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()


def _linked(pair: Pair, realm: str) -> list[tuple[str, str]]:
    users = pair.admin(1, "GET", f"{path(realm, 'users')}?username=mallory&exact=true", status=200).json()
    assert [u["email"] for u in users] == ["mallory@idp.example"]
    links = pair.admin(1, "GET", path(realm, "users", users[0]["id"], "federated-identity"), status=200).json()
    return [(link["identityProvider"], link["userId"]) for link in links]


def test_the_providers_answer_after_a_restart_completes_the_login_on_the_other_process(
    pair: Pair, idp: FakeIdp
) -> None:
    realm = _brokering_realm(pair, idp)
    browser = Browser(pair)
    sent = to_provider(browser, 0, realm, idp)
    pair.restart()
    done = provider_answer(browser, 1, realm, sent["state"])
    tokens = app_tokens(pair, 0, realm, done)
    assert _claims(tokens["access_token"])["preferred_username"] == "mallory"
    verifier = idp.token_requests[-1]["code_verifier"]
    assert _challenge(verifier) == sent["code_challenge"] and sent["code_challenge_method"] == "S256"
    assert _linked(pair, realm) == [(ALIAS, "mallory-sub")]


def test_the_review_profile_page_shown_before_a_restart_is_answered_after_it(pair: Pair, idp: FakeIdp) -> None:
    realm = _brokering_realm(pair, idp, review="on")
    browser = Browser(pair)
    sent = to_provider(browser, 0, realm, idp)
    review = provider_answer(browser, 0, realm, sent["state"])
    assert review.status_code == 200 and 'id="kc-idp-review-profile-form"' in review.text, review.text[:800]
    pair.restart(crash=True)
    fields = {**form_fields(review.text), "username": "mallory", "email": "mallory@idp.example"}
    posted = browser.post(1, form_action(review.text), {**fields, "firstName": "Mal", "lastName": "Lory"})
    tokens = app_tokens(pair, 1, realm, browser.follow(1, posted, REDIRECT))
    assert _claims(tokens["access_token"])["preferred_username"] == "mallory"
    assert _linked(pair, realm) == [(ALIAS, "mallory-sub")]


def test_a_second_login_through_the_provider_after_a_restart_finds_the_linked_user(pair: Pair, idp: FakeIdp) -> None:
    """The link made before a restart signs the same user in after it, through the other process, with no first
    broker login."""
    realm = _brokering_realm(pair, idp)
    first = Browser(pair)
    app_tokens(pair, 0, realm, provider_answer(first, 0, realm, to_provider(first, 0, realm, idp)["state"]))
    pair.restart()
    second = Browser(pair)
    sent = to_provider(second, 1, realm, idp)
    answer = second.get(1, f"/realms/{realm}/broker/{ALIAS}/endpoint", {"code": "code-4712", "state": sent["state"]})
    tokens = app_tokens(pair, 1, realm, answer)  # straight to the app: no first broker login redirect
    assert _claims(tokens["access_token"])["preferred_username"] == "mallory"
    assert _linked(pair, realm) == [(ALIAS, "mallory-sub")]
