"""Hostile input against the client-policy executors whose regular expressions a realm administrator writes
(secure-client-uris-pattern's ``allowed-patterns``, secure-redirect-uris-enforcer's ``allow-permitted-domains``),
matched against URIs anyone may send: a dynamic registration's, an authorization request's ``redirect_uri``.

Keycloak (SecureClientUrisPatternExecutor, SecureRedirectUrisEnforcerExecutor) matches them with Java's
``String.matches`` and no limit. Doorkeep refuses a URI whose match runs past the run's time budget (the
executors' ``pattern_budget``): a catastrophic-backtracking pattern answers the executor's ordinary refusal
instead of holding the server. The requests carry a generous client timeout only so that a regression fails
instead of hanging the suite; nothing here asserts a duration.
"""

from __future__ import annotations

import itertools
from typing import Any

import httpx
import pytest

import group_port
from browser_flow import start
from group_port import fresh_realm
from keycloak_port import put
from role_port import call
from wire_env import Env

pytestmark = pytest.mark.anyio
anyio_backend, shared_env = group_port.anyio_backend, group_port.shared_env

DCR = "/realms/test/clients-registrations/openid-connect"
PROFILE, POLICY = "hostile-profile", "hostile-policy"
GUARD = httpx.Timeout(60.0)  # a hang fails the test rather than the suite; not a timing assertion
EVIL = r"https://(a+)+\.example\.com/cb"  # exponential backtracking on a run of a's that does not match
CRAFTED = "https://" + "a" * 64 + "!.example.com/cb"
_SUFFIX = itertools.count()


@pytest.fixture(scope="module")
async def env(shared_env: Env) -> Env:
    await fresh_realm(shared_env, {"realm": "test", "enabled": True, "sslRequired": "external"})
    return shared_env


@pytest.fixture(autouse=True)
async def no_policies(env: Env) -> Any:
    env.http.cookies.clear()
    yield
    await put(env, "/client-policies/policies", {"policies": []})
    await put(env, "/client-policies/profiles", {"profiles": []})


async def enforce(env: Env, provider: str, config: dict[str, Any]) -> None:
    profile = {"name": PROFILE, "executors": [{"executor": provider, "configuration": config}]}
    await put(env, "/client-policies/profiles", {"profiles": [profile]})
    policy = {
        "name": POLICY,
        "enabled": True,
        "conditions": [{"condition": "any-client", "configuration": {}}],
        "profiles": [PROFILE],
    }
    await put(env, "/client-policies/policies", {"policies": [policy]})


async def register(env: Env, redirect_uris: list[str]) -> httpx.Response:
    made = await call(env, "POST", "/clients-initial-access", {"count": 1})
    assert made.status_code == 201, made.text
    body = {"client_name": f"hostile-{next(_SUFFIX)}", "redirect_uris": redirect_uris}
    headers = {"Authorization": f"Bearer {made.json()['token']}"}
    return await env.http.post(DCR, json=body, headers=headers, timeout=GUARD)


async def test_a_backtracking_allowed_pattern_refuses_a_crafted_registration(env: Env) -> None:
    """An admin's ``(a+)+`` pattern and a registration crafted to backtrack it: the executor's "Invalid
    redirectUris", and the server goes on answering (a URI the pattern allows registers)."""
    await enforce(env, "secure-client-uris-pattern", {"allowed-patterns": [EVIL]})
    refused = await register(env, [CRAFTED])
    assert refused.status_code == 400, refused.text
    assert refused.json() == {"error": "invalid_client_metadata", "error_description": "Invalid redirectUris"}
    allowed = await register(env, ["https://aaa.example.com/cb"])
    assert allowed.status_code == 201, allowed.text


async def test_many_crafted_uris_share_one_budget(env: Env) -> None:
    """Fifty crafted URIs against two backtracking patterns: still one refusal, not fifty hangs."""
    other = r"https://(a|aa)+\.example\.com/cb"
    await enforce(env, "secure-client-uris-pattern", {"allowed-patterns": [EVIL, other]})
    refused = await register(env, [CRAFTED] * 50)
    assert refused.status_code == 400, refused.text
    assert refused.json()["error_description"] == "Invalid redirectUris"


async def test_a_pattern_the_engine_would_unroll_for_hours_is_ignored_as_invalid(env: Env) -> None:
    """``(?:x{65535}){65535}`` is refused before it is compiled (users.admin_regex), so it is ignored as an
    invalid pattern is: with no other pattern, "No valid allowed patterns configured"."""
    await enforce(env, "secure-client-uris-pattern", {"allowed-patterns": ["(?:x{65535}){65535}", "(("]})
    refused = await register(env, ["https://app.example.com/cb"])
    assert refused.status_code == 400, refused.text
    assert refused.json()["error_description"] == "Invalid redirectUris: No valid allowed patterns configured"


async def test_unicode_and_huge_uris_against_the_patterns_are_refused_without_a_500(env: Env) -> None:
    await enforce(env, "secure-client-uris-pattern", {"allowed-patterns": [r"https://[a-z]+\.example\.com/.*"]})
    for uri in ["https://ä.example.com/cb", "https://\u202eevil.example.com/cb", "https://" + "a" * 20_000]:
        refused = await register(env, [uri])
        assert refused.status_code == 400, refused.text
    too_big = await register(env, ["https://" + "a" * 1_000_000])
    assert too_big.status_code == 413, too_big.text
    unicode_path = await register(env, ["https://app.example.com/ü/\U0001f600"])
    assert unicode_path.status_code == 201, unicode_path.text


async def test_a_backtracking_permitted_domain_refuses_an_anonymous_authorization_request(env: Env) -> None:
    """allow-permitted-domains ``(a+)+\\.example\\.com`` and an anonymous authorization request whose
    redirect_uri host is crafted to backtrack it (PRE_AUTHORIZATION_REQUEST): the executor's error page."""
    domain = r"(a+)+\.example\.com"
    rep = {"clientId": "hostile-app", "redirectUris": ["https://aaa.example.com/*"], "publicClient": True}
    made = await call(env, "POST", "/clients", rep)
    assert made.status_code == 201, made.text
    await enforce(env, "secure-redirect-uris-enforcer", {"allow-permitted-domains": [domain]})
    page = await start(env.http, "test", "hostile-app", redirect_uri=CRAFTED)
    assert page.status_code == 400, (page.status_code, page.headers.get("location"))
    assert "Invalid Redirect Uri" in page.text
    env.http.cookies.clear()
    good = await start(env.http, "test", "hostile-app", redirect_uri="https://aaa.example.com/cb")
    assert good.status_code == 200, (good.status_code, good.headers.get("location"))


async def test_a_backtracking_permitted_domain_refuses_a_crafted_registration(env: Env) -> None:
    await enforce(env, "secure-redirect-uris-enforcer", {"allow-permitted-domains": [r"(a+)+\.example\.com"]})
    refused = await register(env, [CRAFTED])
    assert refused.status_code == 400, refused.text
    assert refused.json()["error"] == "invalid_request", refused.text
    allowed = await register(env, ["https://aaaa.example.com/cb"])
    assert allowed.status_code == 201, allowed.text
