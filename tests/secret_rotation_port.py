"""Shared set-up of the wire ports of Keycloak's ClientSecretTest and ClientSecretRotationTest: the realm ``test``
with ``test-user@localhost``, the ``secret-rotation`` profile and its policy (client-access-type confidential),
``createClientByAdmin`` (a confidential client with the fixed secret and the secret's creation time),
OIDCClientSecretConfigWrapper's readings of a client's attributes, the server clock moved as ``setTimeOffset``
moves Keycloak's, and the code flow ``successfulLoginAndLogout`` and its failing variant drive."""

from __future__ import annotations

import itertools
from typing import Any

import httpx

from browser_flow import REDIRECT, code_from, exchange, start, submit
from keycloak_port import get, put
from role_port import call
from wire_env import Env

CLIENT_NAME = "confidential-client"
DEFAULT_SECRET = "GFyDEriVTA9nAu92DenBknb5bjR5jdUM"
PROFILE_NAME, POLICY_NAME = "ClientSecretRotationProfile", "ClientSecretRotationPolicy"
USER, PASSWORD = "test-user@localhost", "password"
HOUR, TEN_MINUTES, HALF_HOUR = 3600, 600, 1800  # DEFAULT_EXPIRATION_PERIOD, ..._ROTATED_..., ..._REMAIN_...
INVALID_EXECUTOR = (
    "proposed client profile contains the executor, which does not have valid provider, or has invalid configuration."
)
_SUFFIX = itertools.count()
_BASE: dict[int, int] = {}


def realm_rep() -> dict[str, Any]:
    user = {
        "username": USER,
        "enabled": True,
        "email": USER,
        "emailVerified": True,
        "firstName": "Tom",
        "lastName": "Brady",
        "credentials": [{"type": "password", "value": PASSWORD}],
    }
    return {"realm": "test", "enabled": True, "sslRequired": "external", "eventsEnabled": True, "users": [user]}


def mark_start(env: Env) -> None:
    _BASE[id(env)] = env.clock.now()


def set_time_offset(env: Env, seconds: int) -> None:
    """``setTimeOffset``: the server's time ``seconds`` after the test began (0 is ``resetTimeOffset``)."""
    env.clock.set(_BASE[id(env)] + seconds)


def now(env: Env) -> int:
    return env.clock.now()


def suffixed(name: str) -> str:
    """``generateSuffixedName``."""
    return f"{name}-{next(_SUFFIX)}"


def executor_config(expiration: int, rotated: int, remaining: int) -> dict[str, int]:
    return {
        "expiration-period": expiration,
        "rotated-expiration-period": rotated,
        "remaining-rotation-period": remaining,
    }


async def update_profiles(env: Env, profiles: list[dict[str, Any]]) -> httpx.Response:
    return await call(env, "PUT", "/client-policies/profiles", {"profiles": profiles})


async def set_policy(env: Env, enabled: bool) -> None:
    """The policy for client secret rotation: confidential clients get the profile (``disableProfile``: off)."""
    policy = {
        "name": POLICY_NAME,
        "description": "Policy for Client Secret Rotation",
        "enabled": enabled,
        "conditions": [{"condition": "client-access-type", "configuration": {"type": ["confidential"]}}],
        "profiles": [PROFILE_NAME],
    }
    await put(env, "/client-policies/policies", {"policies": [policy]})


async def configure_profile_and_policy(
    env: Env, expiration: int = HOUR, rotated: int = TEN_MINUTES, remaining: int = HALF_HOUR
) -> None:
    """``configureDefaultProfileAndPolicy`` / ``configureCustomProfileAndPolicy``."""
    profile = {
        "name": PROFILE_NAME,
        "description": "Enable Client Secret Rotation",
        "executors": [
            {"executor": "secret-rotation", "configuration": executor_config(expiration, rotated, remaining)}
        ],
    }
    answer = await update_profiles(env, [profile])
    assert answer.status_code == 204, answer.text
    await set_policy(env, True)


async def revert_to_builtin(env: Env) -> None:
    """The Java ``@After``: no policies, no profiles, the clock back."""
    await put(env, "/client-policies/policies", {"policies": []})
    await put(env, "/client-policies/profiles", {"profiles": []})
    set_time_offset(env, 0)


async def create_client_by_admin(env: Env, client_id: str) -> str:
    """``createClientByAdmin``: the client's id."""
    rep = {
        "clientId": client_id,
        "name": CLIENT_NAME,
        "secret": DEFAULT_SECRET,
        "attributes": {"client.secret.creation.time": str(now(env))},
        "protocol": "openid-connect",
        "bearerOnly": False,
        "publicClient": False,
        "serviceAccountsEnabled": True,
        "standardFlowEnabled": True,
        "implicitFlowEnabled": True,
        "clientAuthenticatorType": "client-secret",
        "redirectUris": [REDIRECT],
    }
    response = await call(env, "POST", "/clients", rep)
    assert response.status_code == 201, response.text
    return str(response.headers["location"]).rsplit("/", 1)[-1]


async def representation(env: Env, cid: str) -> dict[str, Any]:
    return dict(await get(env, f"/clients/{cid}"))


async def update(env: Env, cid: str, rep: dict[str, Any]) -> None:
    """``clientResource.update(rep)``."""
    await put(env, f"/clients/{cid}", rep)


async def touch(env: Env, cid: str, description: str | None = None) -> None:
    """The client's representation read and sent back (with a new description when given)."""
    rep = await representation(env, cid)
    if description is not None:
        rep["description"] = description
    await update(env, cid, rep)


async def secret(env: Env, cid: str) -> str:
    """``getSecret().getValue()``."""
    return str((await get(env, f"/clients/{cid}/client-secret"))["value"])


async def generate_new_secret(env: Env, cid: str) -> str:
    response = await call(env, "POST", f"/clients/{cid}/client-secret")
    assert response.status_code == 200, response.text
    return str(response.json()["value"])


async def rotated_secret(env: Env, cid: str) -> httpx.Response:
    """``getClientRotatedSecret()``: 200 with the secret, or 404 (the Java NotFoundException)."""
    return await call(env, "GET", f"/clients/{cid}/client-secret/rotated")


class Wrapper:
    """OIDCClientSecretConfigWrapper over a client representation's attributes."""

    def __init__(self, rep: dict[str, Any]) -> None:
        self.attributes: dict[str, Any] = rep.get("attributes") or {}

    def _int(self, key: str) -> int:
        value = self.attributes.get(key)
        return int(value) if value not in (None, "") else 0

    @property
    def creation_time(self) -> int:
        return self._int("client.secret.creation.time")

    @property
    def expiration_time(self) -> int:
        return self._int("client.secret.expiration.time")

    @property
    def rotated_expiration_time(self) -> int:
        return self._int("client.secret.rotated.expiration.time")

    @property
    def has_rotated_secret(self) -> bool:
        return bool(self.attributes.get("client.secret.rotated")) and bool(
            self.attributes.get("client.secret.rotated.creation.time")
        )

    @property
    def rotated_secret(self) -> str | None:
        value = self.attributes.get("client.secret.rotated")
        return None if value is None else str(value)


async def wrapper(env: Env, cid: str) -> Wrapper:
    return Wrapper(await representation(env, cid))


async def code_to_token(env: Env, client_id: str, client_secret: str) -> httpx.Response:
    """``oauth.doLogin`` then ``doAccessTokenRequest``: the token endpoint's answer."""
    env.http.cookies.clear()
    page = await start(env.http, "test", client_id)
    assert page.status_code == 200, (page.status_code, page.text[:300])
    code = code_from(await submit(env.http, page, username=USER, password=PASSWORD))["code"]
    return await exchange(env.http, "test", client_id, code, client_secret)


async def logout(env: Env, client_id: str, client_secret: str, refresh_token: str) -> httpx.Response:
    """``oauth.doLogout(refreshToken)``."""
    form = {"refresh_token": refresh_token, "client_id": client_id, "client_secret": client_secret}
    return await env.http.post("/realms/test/protocol/openid-connect/logout", data=form)


async def successful_login_and_logout(env: Env, client_id: str, client_secret: str) -> None:
    """``successfulLoginAndLogout``: the LOGIN and CODE_TO_TOKEN events of the client, then its LOGOUT."""
    tokens = await code_to_token(env, client_id, client_secret)
    assert tokens.status_code == 200, tokens.text
    (login,) = await get(env, "/events", type="LOGIN", client=client_id)
    (exchanged,) = await get(env, "/events", type="CODE_TO_TOKEN", client=client_id)
    assert exchanged["sessionId"] == login["sessionId"], (login, exchanged)
    assert exchanged["details"]["code_id"] == login["details"]["code_id"], (login, exchanged)
    out = await logout(env, client_id, client_secret, tokens.json()["refresh_token"])
    assert out.status_code == 204, out.text
    (logged_out,) = await get(env, "/events", type="LOGOUT", client=client_id)
    assert logged_out["sessionId"] == tokens.json()["session_state"], logged_out


async def refused_code_to_token(env: Env, client_id: str, client_secret: str) -> None:
    """A login whose code exchange the client authenticator refuses: 401 ``unauthorized_client``."""
    tokens = await code_to_token(env, client_id, client_secret)
    assert tokens.status_code == 401, tokens.text
    assert tokens.json() == {
        "error": "unauthorized_client",
        "error_description": "Invalid client or Invalid client credentials",
    }
