"""KcOidcBrokerFlowContinuationTest's flows and steps, shared by its ports (test_kc_s68p_broker_flow_continuation.py,
test_kc_s69e_broker_flow_paths.py and its hostile variants): the flows bound through the Admin API, the login
through the provider, the OTP set-up and codes after it."""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import re
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import httpx

from broker_post_flow import POST, post_flow
from broker_support import ALIAS, Broker, browser, provider_login, served, start_login, user_named
from browser_flow import REDIRECT, form_action, form_fields
from flow_builder import ADMIN, ALT, AUTH, COND, REQ, add, add_flow, admin, bind, events, is_otp_form, is_totp_setup
from wire_env import Env

FLOW = "browser-with-idp-and-otp"
SUB = "Auth Subflow"


def totp_of(secret: str, now: int) -> str:
    """TimeBasedOTP#generateTOTP of a secret (its bytes are the key), HmacSHA1, 6 digits, 30 s."""
    mac = hmac.new(secret.encode(), (now // 30).to_bytes(8, "big"), hashlib.sha1).digest()
    offset = mac[-1] & 0x0F
    return str((int.from_bytes(mac[offset : offset + 4], "big") & 0x7FFFFFFF) % 10**6).zfill(6)


async def top_flow(env: Env, alias: str) -> None:
    """A new top-level basic flow ``alias`` with the cookie ALTERNATIVE first."""
    body = {"alias": alias, "providerId": "basic-flow", "topLevel": True, "builtIn": False, "description": alias}
    await admin(env, "POST", f"{AUTH}/flows", body, 201)
    await add(env, alias, "auth-cookie", ALT)


async def idp_and_otp(env: Env, alias: str = FLOW) -> None:
    """configureBrowserFlowWithIdpAndOtp: Cookie ALTERNATIVE, a sub-flow ALTERNATIVE of the redirector REQUIRED
    (``defaultProvider`` kc) then the OTP form REQUIRED."""
    await top_flow(env, alias)
    await add_flow(env, alias, SUB, ALT)
    await add(env, SUB, "identity-provider-redirector", REQ, {"defaultProvider": ALIAS})
    await add(env, SUB, "auth-otp-form", REQ)
    await bind(env, "browserFlow", alias)


async def idp_only(env: Env, alias: str = "browser-with-idp-only", default: str | None = ALIAS) -> None:
    """configureBrowserFlowWithIdpOnly: Cookie ALTERNATIVE, the redirector ALTERNATIVE (``defaultProvider`` kc)."""
    await top_flow(env, alias)
    await add(env, alias, "identity-provider-redirector", ALT, {"defaultProvider": default} if default else None)
    await bind(env, "browserFlow", alias)


async def through_provider(http: httpx.AsyncClient, username: str = "alice") -> httpx.Response:
    """The authorization request sent straight on to the provider (no login page), the provider's login, and the
    consumer's answer at its broker endpoint."""
    sent = await start_login(http)
    assert sent.status_code == 303, sent.text
    assert sent.headers["location"].startswith(f"{http.base_url}/realms/test/broker/{ALIAS}/login?")
    to_provider = await http.get(sent.headers["location"])
    assert "/realms/provider/" in to_provider.headers["location"]
    return await http.get(await provider_login(http, to_provider, username))


async def set_up_totp(env: Env, page: httpx.Response, http: httpx.AsyncClient) -> tuple[str, httpx.Response]:
    assert is_totp_setup(page), page.text
    found = re.search(r'name="totpSecret" value="([^"]+)"', page.text)
    assert found is not None
    fields = {**form_fields(page.text), "totp": totp_of(found[1], env.clock.now())}
    return found[1], await http.post(form_action(page.text), data=fields)


async def give_code(env: Env, page: httpx.Response, http: httpx.AsyncClient, secret: str) -> httpx.Response:
    assert is_otp_form(page), page.text
    fields = {**form_fields(page.text), "otp": totp_of(secret, env.clock.now())}
    return await http.post(form_action(page.text), data=fields)


async def totp_set_up_through_provider(env: Env, http: httpx.AsyncClient) -> str:
    """alice in through the provider, OTP set up on the page that follows, back at the client: the OTP secret."""
    secret, done = await set_up_totp(env, await through_provider(http), http)
    at_client(done)
    return secret


@contextlib.asynccontextmanager
async def flow_served(env: Env, flow: Callable[[Env], Awaitable[None]]) -> AsyncIterator[Broker]:
    """``served`` with the provider added and the browser flow ``flow`` binds (after the provider, as the test
    class's realm configuration orders them)."""
    async with served(env) as broker:
        await broker.add_provider()
        await flow(env)
        yield broker


async def redirector_config_removed(env: Env) -> None:
    """The identity provider redirector of the sub-flow (SUB) loses its config: no default provider to go to."""
    flows = (await admin(env, "GET", f"{AUTH}/flows/{SUB}/executions", status=200)).json()
    [redirector] = [e for e in flows if e["providerId"] == "identity-provider-redirector"]
    await admin(env, "DELETE", f"{AUTH}/config/{redirector['authenticationConfig']}", status=204)


async def otp_set_up_then_asked(env: Env, broker: Broker) -> None:
    """The flow's two logins through the provider: the first sets OTP up after it (alice then has one session), the
    next, 30 s on (setOtpTimeOffset(DEFAULT_INTERVAL_SECONDS)), gives its code; two brokered logins."""
    async with browser(broker) as http:
        secret = await totp_set_up_through_provider(env, http)
    assert len(await sessions_of(env, "alice")) == 1
    env.clock.advance(30)
    async with browser(broker) as http:
        at_client(await give_code(env, await through_provider(http), http, secret))
    assert len(await brokered_logins(env)) == 2


async def password_form(http: httpx.AsyncClient, page: httpx.Response, username: str = "user1") -> httpx.Response:
    """The login form of ``page`` posted with ``username`` and the password ``password``."""
    fields = {**form_fields(page.text), "username": username, "password": "password"}
    return await http.post(form_action(page.text), data=fields)


def at_client(done: httpx.Response) -> None:
    assert done.status_code == 302 and done.headers["location"].startswith(REDIRECT + "?"), done.text
    assert "code=" in done.headers["location"]


async def post_broker_otp(env: Env) -> None:
    """configurePostBrokerLoginWithOTP: provider kc's post broker login flow, the OTP form REQUIRED."""
    await post_flow(env, conditional=False)
    url = f"{ADMIN}/identity-provider/instances/{ALIAS}"
    rep = (await admin(env, "GET", url, status=200)).json()
    await admin(env, "PUT", url, {**rep, "postBrokerLoginFlowAlias": POST}, 204)


async def brokered_logins(env: Env, username: str = "alice") -> list[dict[str, Any]]:
    """The LOGIN events of ``username`` (assertBrokerSessionNotes: the provider and its username on the session)."""
    found = [e for e in await events(env, "LOGIN") if (e.details or {}).get("username") == username]
    for e in found:
        assert e.details["identity_provider"] == ALIAS and e.details["identity_provider_identity"] == username, e
    return [e.details for e in found]


async def sessions_of(env: Env, username: str) -> list[Any]:
    user = await user_named(env, username)
    assert user is not None
    found: list[Any] = (await admin(env, "GET", f"{ADMIN}/users/{user['id']}/sessions", status=200)).json()
    return found


IDP_SUB = "IDP OTP SubFlow"  # Keycloak's "IDP + OTP SubFlow": a config alias may hold no "+"
WITH_FORMS, CONDITIONAL = "browser-idp-otp-subflow", "browser-conditional-idp"


async def idp_otp_and_forms(env: Env, default: str | None = ALIAS) -> None:
    """configureBrowserFlowWithIdpOtpSubflowAndForms: the cookie, the sub-flow of the redirector then the OTP form
    (both REQUIRED), the username and password form, all ALTERNATIVE."""
    await top_flow(env, WITH_FORMS)
    await add_flow(env, WITH_FORMS, IDP_SUB, ALT)
    config = {"defaultProvider": default} if default else None
    await add(env, IDP_SUB, "identity-provider-redirector", REQ, config)
    await add(env, IDP_SUB, "auth-otp-form", REQ)
    await add(env, WITH_FORMS, "auth-username-password-form", ALT)
    await bind(env, "browserFlow", WITH_FORMS)


async def conditional_idp_and_otp(env: Env, default: str | None = ALIAS) -> None:
    """configureBrowserFlowWithConditionalIdpAndOtp: in "Auth Subflow", a CONDITIONAL sub-flow of
    conditional-user-configured and the redirector ALTERNATIVE, then the OTP form REQUIRED."""
    await top_flow(env, CONDITIONAL)
    await add_flow(env, CONDITIONAL, SUB, ALT)
    await add_flow(env, SUB, "Conditional IDP Subflow", COND)
    await add(env, "Conditional IDP Subflow", "conditional-user-configured", REQ)
    config = {"defaultProvider": default} if default else None
    await add(env, "Conditional IDP Subflow", "identity-provider-redirector", ALT, config)
    await add(env, SUB, "auth-otp-form", REQ)
    await bind(env, "browserFlow", CONDITIONAL)
