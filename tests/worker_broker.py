"""A login through provider ``kc`` (tests/fake_idp.py) at a server pair (tests/worker_pair.py), step by step, each
step through the node named: the provider button of the app's login page, the provider's answer at the broker
endpoint, the app's code exchanged for tokens. Shared by the cluster tests of brokered logins."""

from __future__ import annotations

from typing import Any

import httpx

from broker_support import button, query
from browser_flow import REDIRECT
from fake_idp import FakeIdp
from otp_port import APP, SECRET
from worker_pair import Browser, Pair

ALIAS = "kc"


def to_provider(browser: Browser, node: int, realm: str, idp: FakeIdp) -> dict[str, str]:
    """The app's login page through ``node``, its provider button: the query of the redirect to the provider (its
    nonce given to the provider's ID tokens)."""
    auth = {"client_id": APP, "redirect_uri": REDIRECT, "response_type": "code", "scope": "openid"}
    page = browser.get(node, f"/realms/{realm}/protocol/openid-connect/auth", auth)
    assert page.status_code == 200, page.text[:500]
    sent = browser.get(node, button(page, ALIAS))
    assert sent.status_code == 302 and sent.headers["location"].startswith(idp.base + "/auth?"), sent.text[:500]
    params = query(sent.headers["location"])
    idp.nonce = params["nonce"]
    return params


def provider_answer(browser: Browser, node: int, realm: str, state: str, code: str = "code-4711") -> httpx.Response:
    """The provider's answer at the broker endpoint through ``node``, the redirects within the server followed."""
    answer = browser.get(node, f"/realms/{realm}/broker/{ALIAS}/endpoint", {"code": code, "state": state})
    return browser.follow(node, answer, REDIRECT)


def app_tokens(pair: Pair, node: int, realm: str, done: httpx.Response) -> dict[str, Any]:
    """``done``, the redirect back to the app, its code exchanged through ``node``: the token response."""
    assert done.status_code == 302 and done.headers["location"].startswith(REDIRECT + "?"), done.text[:800]
    form = {
        "grant_type": "authorization_code",
        "code": query(done.headers["location"])["code"],
        "client_id": APP,
        "client_secret": SECRET,
        "redirect_uri": REDIRECT,
    }
    answer = pair.form(node, f"/realms/{realm}/protocol/openid-connect/token", form)
    assert answer.status_code == 200, answer.text
    tokens: dict[str, Any] = answer.json()
    return tokens
