"""Security sweep s49 (review L1, deep JSON) over the wire, without any credentials: a ``claims`` parameter of a
thousand nested brackets at the authorization endpoint, and a ``client_data`` of the same at the login actions,
were a RecursionError and a 500 (before any client or session was checked). The claims parameter is now invalid
and ignored, as other malformed claims are (the login page), and the client data is no client data (the page a
malformed one gets, once the browser has an authentication session); the same request with malformed JSON
answers alike."""

from __future__ import annotations

import base64

import pytest

from browser_flow import REDIRECT
from support import seed_login_realm
from wire_env import Env

pytestmark = pytest.mark.anyio
AUTH = "/realms/test/protocol/openid-connect/auth"
DEEP = "[" * 3000
QUERY = {"client_id": "app", "redirect_uri": REDIRECT, "response_type": "code", "scope": "openid"}


def _b64(text: str) -> str:
    return base64.urlsafe_b64encode(text.encode()).rstrip(b"=").decode()


async def test_deep_claims_at_the_authorization_endpoint_are_ignored_as_malformed(env: Env) -> None:
    await seed_login_realm(env.db, env.clock)
    malformed = await env.http.get(AUTH, params={**QUERY, "claims": "[x"})
    deep = await env.http.get(AUTH, params={**QUERY, "claims": DEEP})
    assert deep.status_code == malformed.status_code == 200, deep.text
    assert 'name="username"' in deep.text


async def test_deep_client_data_at_the_login_actions_is_no_client_data(env: Env) -> None:
    await seed_login_realm(env.db, env.clock)
    started = await env.http.get(AUTH, params=QUERY)  # the browser's authentication session cookie
    assert started.status_code == 200, started.text
    path = "/realms/test/login-actions/authenticate"
    common = {"client_id": "app", "tab_id": "x"}
    malformed = await env.http.get(path, params={**common, "client_data": _b64("[x")})
    deep = await env.http.get(path, params={**common, "client_data": _b64(DEEP)})
    assert deep.status_code == malformed.status_code != 500, deep.text
