"""conditional-credential after a passkey given on the login form (Keycloak 26.4's passkeys): UsernamePasswordForm
hands the form to WebAuthnAuthenticator, whose ``context.success`` records ``webauthn-passwordless`` as the
credential used (AUTHN_CREDENTIALS) and not the password; a later sub-flow's condition sees exactly that
(ConditionalCredentialAuthenticatorTest's shape: a CONDITIONAL sub-flow holding the condition and Deny Access)."""

from __future__ import annotations

import httpx
import pytest

from browser_flow import code_from, submit
from flow_builder import ADMIN, COND, REQ, add, add_flow, admin, bind, new_browser_flow
from passkeys_support import PASSKEYS, login_page, passkey_options, register_passkey, seed, user_id
from webauthn_port import SoftKey
from wire_env import Env

pytestmark = pytest.mark.anyio
DENIED = "Denied after the first factor."


async def deny_when(env: Env, credentials: str, *, included: bool) -> None:
    """Browser flow ``pk``: the password form (with passkeys), then a sub-flow denying access when ``credentials``
    were (``included``) or were not used."""
    forms = await new_browser_flow(env, "pk")
    await add_flow(env, forms, "pk after", COND)
    config = {"credentials": credentials, "included": "true" if included else "false"}
    await add(env, "pk after", "conditional-credential", REQ, config)
    await add(env, "pk after", "deny-access-authenticator", REQ, {"denyErrorMessage": DENIED})
    await bind(env, "browserFlow", "pk")
    # the binding's realm PUT leaves the passwordless policy out, which resets it (as Keycloak's updateRealm)
    await admin(env, "PUT", ADMIN, {PASSKEYS: True}, 204)


async def with_passkey(env: Env, key: SoftKey) -> httpx.Response:
    env.http.cookies.clear()
    page = await login_page(env)
    answer = key.get(passkey_options(page.text)["challenge"], user_handle=await user_id(env))
    return await submit(env.http, page, **answer)


async def with_password(env: Env) -> httpx.Response:
    env.http.cookies.clear()
    return await submit(env.http, await login_page(env), username="user1", password="password")


def denied(response: httpx.Response) -> bool:
    return response.status_code != 302 and DENIED in response.text


@pytest.mark.parametrize(
    ("credentials", "included", "passkey_denied", "password_denied"),
    [
        ("webauthn-passwordless", True, True, False),
        ("webauthn-passwordless", False, False, True),
        ("password", True, False, True),
        ("password", False, True, False),
    ],
)
async def test_a_passkey_on_the_login_form_counts_as_the_credential_used_and_the_password_does_not(
    env: Env, credentials: str, included: bool, passkey_denied: bool, password_denied: bool
) -> None:
    await seed(env)
    key = SoftKey()
    await register_passkey(env, key)
    await deny_when(env, credentials, included=included)
    by_passkey = await with_passkey(env, key)
    assert denied(by_passkey) is passkey_denied, by_passkey.text[:300]
    if not passkey_denied:
        assert "code" in code_from(by_passkey)
    by_password = await with_password(env)
    assert denied(by_password) is password_denied, by_password.text[:300]
    if not password_denied:
        assert "code" in code_from(by_password)
