"""Hostile variants of ResetCredentialsAlternativeFlowsTest's reset credentials flow without Choose User
(test_keycloak_reset_credentials_alternative_flows_test.py): ResetCredentialEmail then runs for whatever user the
tab already identified, and for no user sends nothing; copies that leave out the e-mail step are refused.

Keycloak runs a copy without Send Reset Email (its resetCredentialsVerifyCustomOtpLabelSetProperly and
deviceNameOptionalForFirstOTPCredentialButRequiredForEachNextOne bind one without Send Reset Email and Reset
Password): Choose User, then ResetOTP, then the login ends with the user signed in, so knowing a username is enough
to take the account. A deliberate difference: Doorkeep refuses to bind such a flow (400 naming it), and the built-in
flow stays bound."""

from __future__ import annotations

import html
import re

import pytest

from browser_flow import start, submit
from flow_builder import ALT, AUTH, REQ, add, add_flow, admin, bind, events, executions
from mail_sink import Sink
from support import seed_client, seed_realm, seed_user, update_realm
from wire_env import Env

pytestmark = pytest.mark.anyio
SENT = "You should receive an email shortly with further instructions."
CHOOSE, EMAIL, PASSWORD = "reset-credentials-choose-user", "reset-credential-email", "reset-password"


@pytest.fixture
async def realm(env: Env, mail: Sink) -> Env:
    await seed_realm(env.db, env.clock, events_enabled=True, reset_password_allowed=True)
    await update_realm(env.db, "test", smtp_server=mail.settings())
    await seed_client(env.db, "test", "app", redirect_uris=("http://127.0.0.1:9999/*",))
    await seed_user(env.db, env.clock, "test", "login-test", email="login@test.com")
    await seed_user(env.db, env.clock, "test", "no-mail", email=None)
    return env


async def identity_first(env: Env) -> None:
    """MultiFactorAuthenticationTest.configureBrowserFlowWithAlternativeCredentials as the port binds it."""
    alias = "browser - alternative"
    await admin(env, "POST", f"{AUTH}/flows", {"alias": alias, "providerId": "basic-flow", "topLevel": True}, 201)
    await add(env, alias, "auth-cookie", ALT)
    await add_flow(env, alias, f"{alias} forms", ALT)
    await add(env, f"{alias} forms", "auth-username-form", REQ)
    await add(env, f"{alias} forms", "auth-password-form", REQ)
    await bind(env, "browserFlow", alias)


async def copy_without(env: Env, alias: str, *providers: str) -> None:
    await admin(env, "POST", f"{AUTH}/flows/reset credentials/copy", {"newName": alias}, 201)
    for provider in providers:
        (row,) = [e for e in await executions(env, alias) if e.get("providerId") == provider]
        await admin(env, "DELETE", f"{AUTH}/executions/{row['id']}", None, 204)


def success(text: str) -> str | None:
    found = re.search(r'<div id="input-error" class="success">([^<]*)</div>', text)
    return html.unescape(found[1]) if found else None


async def test_no_user_identified_yet_gets_the_sent_page_and_no_mail(realm: Env, mail: Sink) -> None:
    """The built-in browser flow's login page has identified nobody: ResetCredentialEmail with no user forks with
    the e-mail-sent message (no form, no mail, no SEND_RESET_PASSWORD)."""
    await copy_without(realm, "no chooser", CHOOSE)
    await bind(realm, "resetCredentialsFlow", "no chooser")
    login = await start(realm.http, "test", "app")
    link = re.search(r'<a[^>]*href="([^"]+)"[^>]*>Forgot Password\?', login.text)
    assert link is not None, login.text[:1500]
    answer = await realm.http.get(html.unescape(link[1]))
    assert answer.status_code == 200 and success(answer.text) == SENT, answer.text[:800]
    assert 'id="kc-reset-password-form"' not in answer.text
    assert mail.received == []
    assert await events(realm, "SEND_RESET_PASSWORD") == []


async def test_the_forgot_credentials_endpoint_has_no_form_to_show_either(realm: Env, mail: Sink) -> None:
    """``.../protocol/openid-connect/forgot-credentials`` starts the bound reset credentials flow in a new tab,
    which has no user: the e-mail-sent page at once, no reset form, no mail."""
    await copy_without(realm, "no chooser", CHOOSE)
    await bind(realm, "resetCredentialsFlow", "no chooser")
    request = {
        "client_id": "app",
        "redirect_uri": "http://127.0.0.1:9999/cb",
        "response_type": "code",
        "scope": "openid",
    }
    answer = await realm.http.get("/realms/test/protocol/openid-connect/forgot-credentials", params=request)
    assert answer.status_code == 200 and success(answer.text) == SENT, answer.text[:800]
    assert 'id="kc-reset-password-form"' not in answer.text
    assert mail.received == []


async def test_an_identified_user_without_an_address_gets_no_mail(realm: Env, mail: Sink) -> None:
    """ResetCredentialEmail's address check: RESET_PASSWORD_ERROR ``invalid_email`` for the user the username page
    identified, the same e-mail-sent page, no mail."""
    await identity_first(realm)
    await copy_without(realm, "no chooser", CHOOSE)
    await bind(realm, "resetCredentialsFlow", "no chooser")
    page = await submit(realm.http, await start(realm.http, "test", "app"), username="no-mail")
    link = re.search(r'id="kc-forgot-password" href="([^"]+)"', page.text)
    assert link is not None, page.text[:800]
    answer = await realm.http.get(html.unescape(link[1]))
    assert answer.status_code == 200 and success(answer.text) == SENT, answer.text[:800]
    assert mail.received == []
    [error] = await events(realm, "RESET_PASSWORD_ERROR")
    assert (error.error, error.details.get("username")) == ("invalid_email", "no-mail")


@pytest.mark.parametrize(
    "removed", [(EMAIL, PASSWORD), (EMAIL,), (CHOOSE, EMAIL), (PASSWORD,), (CHOOSE, PASSWORD)], ids=str
)
async def test_a_copy_without_the_e_mail_or_password_step_is_refused(realm: Env, removed: tuple[str, ...]) -> None:
    """Without Send Reset Email nothing proves who asks; without Reset Password the link resets nothing. Neither
    binds: 400 naming the flow, the built-in flow still bound."""
    await copy_without(realm, "short reset", *removed)
    answer = await bind(realm, "resetCredentialsFlow", "short reset", status=400)
    assert "Doorkeep cannot run flow 'short reset'" in answer.text, answer.text
    bound = (await admin(realm, "GET", "/admin/realms/test", None, 200)).json()
    assert bound["resetCredentialsFlow"] == "reset credentials"


async def test_deleting_choose_user_from_the_bound_copy_is_allowed(realm: Env, mail: Sink) -> None:
    """An edit of the bound flow that removes Choose User leaves a flow Doorkeep runs: the delete is 204 and
    the next "Forgot Password?" after the username page mails at once."""
    await identity_first(realm)
    await copy_without(realm, "bound copy")
    await bind(realm, "resetCredentialsFlow", "bound copy")
    (row,) = [e for e in await executions(realm, "bound copy") if e.get("providerId") == CHOOSE]
    await admin(realm, "DELETE", f"{AUTH}/executions/{row['id']}", None, 204)
    page = await submit(realm.http, await start(realm.http, "test", "app"), username="login-test")
    link = re.search(r'id="kc-forgot-password" href="([^"]+)"', page.text)
    assert link is not None, page.text[:800]
    answer = await realm.http.get(html.unescape(link[1]))
    assert success(answer.text) == SENT, answer.text[:800]
    assert [m.recipients for m in mail.received] == [["login@test.com"]]
