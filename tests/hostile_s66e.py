"""The shared steps of session 66's sweep of offline tokens across identity and configuration changes
(tests/wire/test_hostile_s66e_offline_*.py, named "offline" so that `make test` runs them on PostgreSQL too): an
offline and an online token family for user1 on ``app``, a change made through the admin API, then every use of
each token checked together.

``probe`` answers what Keycloak's endpoints answer for one refresh token: its refresh (200, or the error and
description), its introspection by its own client (``active``; it agrees with the refresh except where the refresh
alone checks something, as the offline_access role), userinfo with the refreshed access token (200 whenever the
refresh was), and revocation (always 200, RFC 7009 §2.2).
"""

from __future__ import annotations

import dataclasses
from typing import Any

from keycloak_port import ADMIN, admin_headers
from support import password_grant, refresh, token_url
from wire_env import Env

OK = (200, "")


@dataclasses.dataclass(frozen=True)
class Families:
    """The refresh tokens of an offline grant and of an online one, both of user1 on ``app``."""

    offline: str
    online: str


async def families(env: Env, client_id: str = "app", secret: str | None = "secret") -> Families:
    """An offline token, then an online refresh token (a password grant with ``offline_access`` keeps no online
    session, so the online family comes from a grant of its own)."""
    tokens = []
    for scope in ("openid offline_access", "openid"):
        response = await password_grant(env.http, "test", client_id, scope=scope, secret=secret)
        assert response.status_code == 200, response.text
        tokens.append(str(response.json()["refresh_token"]))
    return Families(*tokens)


async def refreshed(
    env: Env, token: str, client_id: str = "app", secret: str | None = "secret", realm: str = "test"
) -> tuple[int, str]:
    """A refresh's status and its error description ("" on success), the new access token checked at userinfo."""
    response = await refresh(env.http, realm, client_id, token, secret=secret)
    body: dict[str, Any] = response.json()
    if response.status_code != 200:
        return response.status_code, f"{body.get('error')}: {body.get('error_description')}"
    bearer = {"Authorization": f"Bearer {body['access_token']}"}
    info = await env.http.get(token_url(realm, "userinfo"), headers=bearer)
    assert info.status_code == 200, ("userinfo with a refreshed access token", info.text)
    return OK


async def active(env: Env, token: str, client_id: str = "app", secret: str = "secret", realm: str = "test") -> bool:
    """The refresh token introspected by its own client."""
    form = {"client_id": client_id, "client_secret": secret, "token": token, "token_type_hint": "refresh_token"}
    response = await env.http.post(token_url(realm, "token/introspect"), data=form)
    assert response.status_code == 200, response.text
    return bool(response.json()["active"])


async def probe(
    env: Env,
    token: str,
    client_id: str = "app",
    secret: str | None = "secret",
    *,
    introspect: bool = True,
    realm: str = "test",
) -> tuple[bool | None, tuple[int, str]]:
    """Introspection (None when the client is public: it may not introspect), refresh (with userinfo) and
    revocation of ``token``: whether it introspected active, and the refresh's outcome. Revocation answers 200
    whatever the token's state."""
    live = await active(env, token, client_id, secret or "secret", realm) if introspect else None
    outcome = await refreshed(env, token, client_id, secret, realm)
    form = {"client_id": client_id, "token": token, **({"client_secret": secret} if secret else {})}
    revoked = await env.http.post(token_url(realm, "revoke"), data=form)
    assert revoked.status_code == 200, revoked.text
    return live, outcome


def agreeing(outcome: tuple[int, str], *, introspect: bool = True) -> tuple[bool | None, tuple[int, str]]:
    """What ``probe`` answers when introspection agrees with the refresh (Keycloak's usual case)."""
    return (outcome == OK if introspect else None), outcome


async def admin(env: Env, method: str, path: str, body: Any = None, status: int = 204) -> Any:
    """An admin-API call on realm ``test`` (``path`` may be absolute, from ``/admin``), answering ``status``."""
    url = path if path.startswith("/admin") else ADMIN + path
    response = await env.http.request(method, url, json=body, headers=await admin_headers(env))
    assert response.status_code == status, (method, path, response.status_code, response.text)
    return response.json() if response.content else None
