"""Attempts to forge or keep Keycloak 26.8's impersonation ``act`` claim (TokenManager.setActClaimFromImpersonator:
the session notes IMPERSONATOR_ID / IMPERSONATOR_USERNAME, written only by the admin impersonation endpoint).

- Nothing a client or a user sends names an impersonator: authorization-request parameters named like the notes,
  ``act``/``impersonator`` fields on the token request, a ``claims`` request for ``act``; the tokens carry no
  ``act``, introspection shows none, and no event carries ``impersonator`` / ``impersonator_id``.
- In an impersonated session a user attribute mapped to ``act`` (the user may write their own attributes) does not
  replace the administrator.
- An offline token of an impersonated session keeps naming the administrator on refresh (the offline session keeps
  the user session's notes, UserSessionManager.createOfflineUserSession copies them), and once the impersonated
  session is logged out its refresh token is refused and the user's next own login has no ``act``.
- A standard token exchange keeps the subject session's administrator, and its RFC 8693 ``actor_token`` parameter
  (which Doorkeep, as Keycloak's standard token exchange, does not use) names none.
"""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from browser_flow import code_from, exchange, start, submit
from impersonation_port import RESOURCE_AUDIENCE, actor_realm, impersonate_test_user, introspect, user
from keycloak_port import import_realm, poll, user_id
from support import claims, password_grant, refresh, token_url
from wire_env import Env

pytestmark = pytest.mark.anyio

NOTE_NAMES = ("IMPERSONATOR_ID", "IMPERSONATOR_USERNAME", "impersonator", "impersonator_id", "act")


def _user(username: str, *roles: str, attributes: dict[str, list[str]] | None = None) -> dict[str, Any]:
    return user(username, *roles, attributes=attributes or {}, realmRoles=["default-roles-test"])


ATTRIBUTE_ACT = {
    "name": "act from attribute",
    "protocol": "openid-connect",
    "protocolMapper": "oidc-usermodel-attribute-mapper",
    "config": {
        "user.attribute": "act",
        "claim.name": "act",
        "jsonType.label": "String",
        "access.token.claim": "true",
        "id.token.claim": "true",
        "introspection.token.claim": "true",
    },
}

REALM = actor_realm(
    [ATTRIBUTE_ACT, RESOURCE_AUDIENCE],
    [
        _user("impersonator", "impersonation", "view-users"),
        _user("test-user", attributes={"act": ["forged-admin"]}),
    ],
)


@pytest.fixture
async def kc(env: Env) -> Env:
    await import_realm(env, REALM)
    return env


def _no_impersonator(events: list[dict[str, Any]]) -> None:
    for event in events:
        details = event.get("details") or {}
        assert "impersonator" not in details and "impersonator_id" not in details, event


def _actor(token: str) -> Any:
    return claims(token).get("act")


async def test_request_parameters_named_like_the_notes_name_no_impersonator(kc: Env) -> None:
    admin_id = await user_id(kc, "impersonator")
    await poll(kc)
    forged = {name: admin_id for name in NOTE_NAMES}
    wanted = json.dumps({"id_token": {"act": {"value": admin_id}}, "userinfo": {"act": None}})
    page = await start(kc.http, "test", "test-app", claims=wanted, **forged)
    assert page.status_code == 200, page.text[:300]
    code = code_from(await submit(kc.http, page, username="test-user", password="password"))["code"]
    answer = await exchange(kc.http, "test", "test-app", code, **forged)
    assert answer.status_code == 200, answer.text
    tokens = answer.json()
    for token in (tokens["access_token"], tokens["id_token"]):
        assert _actor(token) == "forged-admin"  # the attribute mapper's plain claim, no administrator object
    assert _introspect_actor(await introspect(kc, tokens["access_token"])) != {"sub": admin_id}
    refreshed = await refresh(kc.http, "test", "test-app", tokens["refresh_token"], **forged)
    assert refreshed.status_code == 200, refreshed.text
    assert _actor(refreshed.json()["access_token"]) == "forged-admin"
    _no_impersonator(await poll(kc))


def _introspect_actor(answer: dict[str, Any]) -> Any:
    assert answer["active"] is True
    return answer.get("act")


async def test_password_grant_fields_name_no_impersonator(kc: Env) -> None:
    admin_id = await user_id(kc, "impersonator")
    await poll(kc)
    forged = {name: admin_id for name in NOTE_NAMES}
    answer = await password_grant(kc.http, "test", "test-app", "test-user", **forged)
    assert answer.status_code == 200, answer.text
    assert _actor(answer.json()["access_token"]) == "forged-admin"
    _no_impersonator(await poll(kc))


async def test_a_user_attribute_mapped_to_act_does_not_replace_the_administrator(kc: Env) -> None:
    admin_id = await impersonate_test_user(kc)
    actor = {"sub": admin_id, "preferred_username": "impersonator"}
    signed_in = await start(kc.http, "test", "test-app")
    answer = await exchange(kc.http, "test", "test-app", code_from(signed_in)["code"])
    assert answer.status_code == 200, answer.text
    tokens = answer.json()
    assert _actor(tokens["access_token"]) == actor
    assert _actor(tokens["id_token"]) == actor
    assert _introspect_actor(await introspect(kc, tokens["access_token"])) == actor


async def test_an_offline_token_of_an_impersonated_session_keeps_the_administrator(kc: Env) -> None:
    admin_id = await impersonate_test_user(kc)
    actor = {"sub": admin_id, "preferred_username": "impersonator"}
    signed_in = await start(kc.http, "test", "test-app", scope="openid offline_access")
    answer = await exchange(kc.http, "test", "test-app", code_from(signed_in)["code"])
    assert answer.status_code == 200, answer.text
    offline = answer.json()["refresh_token"]
    assert claims(offline)["typ"] == "Offline"
    target = await user_id(kc, "test-user")
    h = await kc.admin_headers()
    sessions = await kc.http.get(f"/admin/realms/test/users/{target}/sessions", headers=h)
    for session in sessions.json():  # the online session ends; the offline one stays
        assert (await kc.http.delete(f"/admin/realms/test/sessions/{session['id']}", headers=h)).status_code == 204
    refreshed = await refresh(kc.http, "test", "test-app", offline)
    assert refreshed.status_code == 200, refreshed.text
    assert _actor(refreshed.json()["access_token"]) == actor


async def test_after_the_impersonated_session_ends_nothing_keeps_the_administrator(kc: Env) -> None:
    admin_id = await impersonate_test_user(kc)
    signed_in = await start(kc.http, "test", "test-app")
    answer = await exchange(kc.http, "test", "test-app", code_from(signed_in)["code"])
    tokens = answer.json()
    assert _actor(tokens["access_token"])["sub"] == admin_id
    target = await user_id(kc, "test-user")
    ended = await kc.http.post(f"/admin/realms/test/users/{target}/logout", headers=await kc.admin_headers())
    assert ended.status_code == 204, ended.text
    refused = await refresh(kc.http, "test", "test-app", tokens["refresh_token"])
    assert refused.status_code == 400 and refused.json()["error"] == "invalid_grant", refused.text
    await poll(kc)
    page = await start(kc.http, "test", "test-app")
    assert page.status_code == 200, page.text[:300]  # the impersonated SSO session is gone: a login form
    code = code_from(await submit(kc.http, page, username="test-user", password="password"))["code"]
    own = await exchange(kc.http, "test", "test-app", code)
    assert own.status_code == 200, own.text
    assert _actor(own.json()["access_token"]) == "forged-admin"
    own_refresh = await refresh(kc.http, "test", "test-app", own.json()["refresh_token"])
    assert _actor(own_refresh.json()["access_token"]) == "forged-admin"
    _no_impersonator(await poll(kc))


async def _exchange(kc: Env, subject: str, **extra: str) -> httpx.Response:
    form = {
        "grant_type": "urn:ietf:params:oauth:grant-type:token-exchange",
        "subject_token": subject,
        "subject_token_type": "urn:ietf:params:oauth:token-type:access_token",
        "client_id": "test-app",
        "client_secret": "secret",
        **extra,
    }
    return await kc.http.post(token_url("test"), data=form)


async def _exchanging(kc: Env) -> None:
    h = await kc.admin_headers()
    app = await kc.http.get("/admin/realms/test/clients", params={"clientId": "test-app"}, headers=h)
    rep = app.json()[0]
    rep["attributes"] = {**rep.get("attributes", {}), "standard.token.exchange.enabled": "true"}
    assert (await kc.http.put(f"/admin/realms/test/clients/{rep['id']}", json=rep, headers=h)).status_code == 204


async def test_an_actor_token_on_a_token_exchange_names_no_impersonator(kc: Env) -> None:
    """RFC 8693's ``actor_token`` is no way in: the exchanged token of the user's own session has no administrator."""
    await _exchanging(kc)
    admin = await password_grant(kc.http, "test", "myclient", "impersonator", secret=None)
    own = await password_grant(kc.http, "test", "test-app", "test-user")
    assert own.status_code == 200 and admin.status_code == 200
    answer = await _exchange(
        kc,
        own.json()["access_token"],
        actor_token=admin.json()["access_token"],
        actor_token_type="urn:ietf:params:oauth:token-type:access_token",
    )
    assert answer.status_code == 200, answer.text  # the parameter is ignored
    assert _actor(answer.json()["access_token"]) == "forged-admin"


async def test_an_exchanged_token_of_an_impersonated_session_keeps_the_administrator(kc: Env) -> None:
    await _exchanging(kc)
    admin_id = await impersonate_test_user(kc)
    signed_in = await start(kc.http, "test", "test-app")
    tokens = (await exchange(kc.http, "test", "test-app", code_from(signed_in)["code"])).json()
    answer = await _exchange(kc, tokens["access_token"])
    assert answer.status_code == 200, answer.text
    assert _actor(answer.json()["access_token"]) == {"sub": admin_id, "preferred_username": "impersonator"}
