"""Identity brokering tests: the test app served on a real port of 127.0.0.1, its realm ``provider`` the
external OpenID Connect provider of its realm ``test`` (alias ``kc``), and a browser driven with httpx over
real HTTP, as KcOidcBrokerTest's two Keycloak realms are."""

from __future__ import annotations

import contextlib
import re
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, quote, urlsplit

import httpx

from browser_flow import REDIRECT, form_action, form_fields
from doorkeep import outbound_tls
from fake_idp import FakeIdp, fake_idp
from flow_builder import admin
from login_client import BrowserClient
from served_app import serving
from support import seed_client, seed_login_realm, seed_realm, seed_user, update_realm, without_verify_profile
from wire_env import Env

ALIAS = "kc"
# The consumer realm's saved events: those of a login, and the broker's errors, which Keycloak saves only when asked.
SAVED = (
    "LOGIN",
    "LOGIN_ERROR",
    "REGISTER",
    "CODE_TO_TOKEN",
    "IDENTITY_PROVIDER_FIRST_LOGIN",
    "FEDERATED_IDENTITY_LINK",
    "IDENTITY_PROVIDER_LOGIN_ERROR",
    "UPDATE_PROFILE",
    "UPDATE_EMAIL",
)


@dataclass
class Broker:
    env: Env
    base: str  # http://127.0.0.1:port

    def provider_rep(self, **config: str) -> dict[str, Any]:
        """The consumer realm's IdentityProviderRepresentation of the provider realm (KcOidcBrokerConfiguration)."""
        oidc = f"{self.base}/realms/provider/protocol/openid-connect"
        return {
            "alias": ALIAS,
            "displayName": "Provider Realm",
            "providerId": "keycloak-oidc",
            "enabled": True,
            "config": {
                "clientId": "broker-app",
                "clientSecret": "provider-secret",
                "authorizationUrl": f"{oidc}/auth",
                "tokenUrl": f"{oidc}/token",
                "userInfoUrl": f"{oidc}/userinfo",
                "jwksUrl": f"{oidc}/certs",
                "issuer": f"{self.base}/realms/provider",
                "validateSignature": "true",
                "useJwksUrl": "true",
                "pkceEnabled": "true",
                "pkceMethod": "S256",
                "syncMode": "IMPORT",
                "clientAuthMethod": "client_secret_post",
                **config,
            },
        }

    async def add_provider(self, **changes: Any) -> None:
        rep = self.provider_rep()
        rep.update(changes)
        headers = await self.env.admin_headers()
        created = await self.env.http.post("/admin/realms/test/identity-provider/instances", json=rep, headers=headers)
        assert created.status_code == 201, created.text


@contextlib.asynccontextmanager
async def served(env: Env) -> AsyncIterator[Broker]:
    """The env's app on a real port, with realms ``provider`` (client ``broker-app``, user ``alice``) and ``test``
    (client ``app``, user ``user1``, events saved)."""
    async with serving(env.apps[0]) as base:
        await seed_login_realm(env.db, env.clock, events=True)
        await update_realm(env.db, "test", enabled_event_types=SAVED)
        await seed_realm(env.db, env.clock, "provider")
        # Keycloak's broker tests import both realms without VERIFY_PROFILE (removeVerifyProfileAtImport; the new
        # framework's relaxProviderProfileVerification): their users, brokered ones too, may have no names
        for name in ("provider", "test"):
            await without_verify_profile(env.db, name)
        endpoint = f"{base}/realms/test/broker/{ALIAS}/endpoint"
        await seed_client(env.db, "provider", "broker-app", secret="provider-secret", redirect_uris=(endpoint,))
        await seed_user(env.db, env.clock, "provider", "alice", email="alice@example.org", first_name="Alice")
        yield Broker(env, base)


def browser(broker: Broker) -> httpx.AsyncClient:
    # The server's one TLS context: a context of its own per browser loaded the CA bundle each time (~50 ms).
    return BrowserClient(base_url=broker.base, follow_redirects=False, timeout=30, verify=outbound_tls.context())


async def start_login(http: httpx.AsyncClient, **params: str) -> httpx.Response:
    query = {"client_id": "app", "redirect_uri": REDIRECT, "response_type": "code", "scope": "openid", **params}
    return await http.get("/realms/test/protocol/openid-connect/auth", params=query)


def button(page: httpx.Response, alias: str = ALIAS) -> str:
    found = re.search(rf'<a id="social-{alias}" type="button" href="([^"]+)"', page.text)
    assert found, page.text
    return found.group(1).replace("&amp;", "&")


async def provider_login(http: httpx.AsyncClient, to_provider: httpx.Response, username: str = "alice") -> str:
    """The provider's login page filled in: the URL of the consumer's broker endpoint with code and state."""
    assert to_provider.status_code == 302, to_provider.text
    page = await http.get(to_provider.headers["location"])
    assert page.status_code == 200, page.text
    posted = await http.post(
        form_action(page.text), data={**form_fields(page.text), "username": username, "password": "password"}
    )
    assert posted.status_code == 302, posted.text
    return posted.headers["location"]


def query(location: str) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(location).query).items()}


async def through_button(
    http: httpx.AsyncClient,
    broker_base: str,
    alias: str,
    authorize: str,
    scope: str,
    client_id: str,
    code: str,
    secret: str = "",
) -> httpx.Response:
    """A social provider's login run by its fake: the login page's ``alias`` button, the redirect to ``authorize``
    checked (``scope``, ``client_id``, a state, the broker endpoint as ``redirect_uri``), and the provider's answer
    ``code`` with that state at the broker endpoint; the client ``secret``, when given, never in the redirect."""
    page = await start_login(http)
    assert page.status_code == 200, page.text
    sent = await http.get(button(page, alias))
    assert sent.status_code == 302, sent.text
    location = sent.headers["location"]
    assert location.startswith(authorize + "?"), location
    params = query(location)
    assert params["scope"] == scope and params["client_id"] == client_id
    assert params["response_type"] == "code" and params["state"]
    assert params["redirect_uri"] == f"{broker_base}/realms/test/broker/{alias}/endpoint"
    assert not secret or secret not in location
    return await http.get(f"/realms/test/broker/{alias}/endpoint", params={"code": code, "state": params["state"]})


async def broker_login(http: httpx.AsyncClient, username: str = "alice", **params: str) -> httpx.Response:
    """From the client's authorization request to the answer of the consumer's broker endpoint."""
    page = await start_login(http, **params)
    assert page.status_code == 200, page.text
    to_provider = await http.get(button(page))
    return await http.get(await provider_login(http, to_provider, username))


async def hinted_login(http: httpx.AsyncClient, **params: str) -> httpx.Response:
    """``broker_login`` for alice by ``kc_idp_hint`` (an organization's provider has no button): no login page, the
    authorization request sent straight on to the provider."""
    hinted = await start_login(http, kc_idp_hint=ALIAS, **params)
    assert hinted.status_code == 303, hinted.text
    return await http.get(await provider_login(http, await http.get(hinted.headers["location"])))


async def signs_in_by_hint(broker: Broker) -> None:
    """alice of the provider realm through ``kc`` by ``kc_idp_hint``, back at the client."""
    async with browser(broker) as http:
        done = await hinted_login(http)
        assert done.status_code == 302 and done.headers["location"].startswith(REDIRECT), done.text


async def broker_tokens(http: httpx.AsyncClient, username: str = "alice", **params: str) -> dict[str, Any]:
    """``username`` in through the provider, straight back to the app (no first-login page): its token response."""
    return await code_tokens(http, await broker_login(http, username, **params))


async def code_tokens(http: httpx.AsyncClient, done: httpx.Response) -> dict[str, Any]:
    """``done``, the app's redirect with a code, redeemed by ``app``: its token response."""
    assert done.status_code == 302 and done.headers["location"].startswith(REDIRECT), done.text[:800]
    data = {
        "grant_type": "authorization_code",
        "code": query(done.headers["location"])["code"],
        "client_id": "app",
        "client_secret": "secret",
        "redirect_uri": REDIRECT,
    }
    answer = await http.post("/realms/test/protocol/openid-connect/token", data=data)
    assert answer.status_code == 200, answer.text
    tokens: dict[str, Any] = answer.json()
    return tokens


@contextlib.asynccontextmanager
async def served_with_fake(env: Env, **changes: Any) -> AsyncIterator[tuple[Broker, FakeIdp]]:
    """``served`` with a FakeIdp as provider ``kc`` (``changes`` to its representation), its ID token signed for
    the env's clock."""
    async with served(env) as broker, fake_idp() as idp:
        headers = await env.admin_headers()
        rep = idp.rep() | changes
        made = await env.http.post("/admin/realms/test/identity-provider/instances", json=rep, headers=headers)
        assert made.status_code == 201, made.text
        now = env.clock.now()
        idp.id_token = lambda nonce: idp.signed(idp.claims(now))
        yield broker, idp


async def to_provider(http: httpx.AsyncClient, idp: FakeIdp) -> dict[str, str]:
    """The login page's provider button: the query of the consumer's redirect to the FakeIdp."""
    page = await start_login(http)
    sent = await http.get(button(page))
    assert sent.status_code == 302 and sent.headers["location"].startswith(idp.base + "/auth?"), sent.text
    params = query(sent.headers["location"])
    idp.nonce = params["nonce"]
    return params


async def callback(http: httpx.AsyncClient, state: str, alias: str = ALIAS, **extra: str) -> httpx.Response:
    """The FakeIdp's answer at the consumer's broker endpoint."""
    return await http.get(f"/realms/test/broker/{alias}/endpoint", params={"code": "c1", "state": state, **extra})


async def user_named(env: Env, username: str) -> dict[str, Any] | None:
    found = (await admin(env, "GET", f"/admin/realms/test/users?username={username}&exact=true", status=200)).json()
    return found[0] if found else None


async def alice_after_login(broker: Broker) -> dict[str, Any]:
    """alice in through the provider in a fresh browser, back at the app: her representation (the admin API's)."""
    async with browser(broker) as http:
        done = await broker_login(http)
    assert done.status_code == 302 and done.headers["location"].startswith(REDIRECT), done.text[:2000]
    user = await user_named(broker.env, "alice")
    assert user is not None
    return user


async def links(env: Env, user_id: str) -> list[str]:
    got = (await admin(env, "GET", f"/admin/realms/test/users/{user_id}/federated-identity", status=200)).json()
    return [link["identityProvider"] for link in got]


async def provider_running(broker: Broker, key: str, flow: str, status: int = 201) -> dict[str, Any]:
    """Creates provider ``kc`` with ``key`` (``firstBrokerLoginFlowAlias``, ``postBrokerLoginFlowAlias``) naming
    ``flow``; the answer's JSON (an error's)."""
    rep = broker.provider_rep() | {key: flow}
    made = await admin(broker.env, "POST", "/admin/realms/test/identity-provider/instances", rep, status)
    found: dict[str, Any] = made.json() if made.content else {}
    return found


async def provider_with(broker: Broker, flow: str, status: int = 201) -> dict[str, Any]:
    return await provider_running(broker, "firstBrokerLoginFlowAlias", flow, status)


async def signs_in_linked(broker: Broker, username: str) -> None:
    """alice in through the provider, straight back to the app, her identity now linked to ``username``."""
    async with browser(broker) as http:
        done = await broker_login(http)
    assert done.status_code == 302 and done.headers["location"].startswith(REDIRECT), done.text
    user = await user_named(broker.env, username)
    assert user is not None and await links(broker.env, user["id"]) == [ALIAS]


SECOND = "second-identity-provider"


async def second_provider(env: Env) -> None:
    """OrganizationMemberIdpLinkTest.addSecondIdp: an OpenID Connect provider of realm ``test``, in no
    organization."""
    config = {
        "clientId": "dummy",
        "clientSecret": "dummy",
        "authorizationUrl": "http://localhost/dummy/auth",
        "tokenUrl": "http://localhost/dummy/token",
    }
    rep = {"alias": SECOND, "providerId": "oidc", "enabled": True, "config": config}
    await admin(env, "POST", "/admin/realms/test/identity-provider/instances", rep, 201)


async def review_off(broker: Broker) -> None:
    """The first broker login flow's Review Profile execution set to ``off``, as the admin console sets it."""
    env = broker.env
    headers = await env.admin_headers()
    base = "/admin/realms/test/authentication"
    rows = (
        await env.http.get(f"{base}/flows/{quote('first broker login', safe='')}/executions", headers=headers)
    ).json()
    [review] = [r for r in rows if r.get("providerId") == "idp-review-profile"]
    config = (await env.http.get(f"{base}/config/{review['authenticationConfig']}", headers=headers)).json()
    config["config"]["update.profile.on.first.login"] = "off"
    put = await env.http.put(f"{base}/config/{review['authenticationConfig']}", json=config, headers=headers)
    assert put.status_code == 204, put.text
