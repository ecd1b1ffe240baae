"""Account Console → Signing in with recovery codes: the type is listed while a flow runs its authenticator, "Set
up" is a sign-in with ``kc_action=CONFIGURE_RECOVERY_AUTHN_CODES`` (SigningIn.tsx), and the new set is listed."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from browser_flow import form_action, form_fields
from console_support import HTML, act, sign_in
from flow_builder import ADMIN, admin
from recovery_flow import RECOVERY, seed
from wire_env import Env

pytestmark = pytest.mark.anyio
ACCOUNT = "/realms/test/account"
SIGNING_IN = f"{ACCOUNT}/account-security/signing-in"


@pytest.fixture
async def realm(env: Env) -> Env:
    await seed(env)
    return env


def query(response: httpx.Response) -> dict[str, str]:
    assert response.status_code in (302, 303), (response.status_code, response.text[:300])
    return {k: v[0] for k, v in parse_qs(urlsplit(response.headers["location"]).query).items()}


async def test_set_up_recovery_codes_from_signing_in(realm: Env) -> None:
    env = realm
    page = await sign_in(env.http, SIGNING_IN)
    assert "Recovery authentication codes" not in page.text  # no flow runs the authenticator yet
    found = (await admin(env, "GET", f"{ADMIN}/authentication/flows/browser/executions", status=200)).json()
    step = next(e for e in found if e.get("providerId") == RECOVERY)
    body = {**step, "requirement": "ALTERNATIVE"}
    await admin(env, "PUT", f"{ADMIN}/authentication/flows/browser/executions", body, 202)
    page = await env.http.get(SIGNING_IN, headers=HTML)
    assert ">Recovery authentication codes</h3>" in page.text
    assert "These codes can be used to regain your access in case your other 2FA means are not available." in page.text
    assert 'name="action" value="CONFIGURE_RECOVERY_AUTHN_CODES"' in page.text
    started = await act(env.http, page, f"{SIGNING_IN}/action", action="CONFIGURE_RECOVERY_AUTHN_CODES")
    assert query(started)["kc_action"] == "CONFIGURE_RECOVERY_AUTHN_CODES"
    setup = await env.http.get(started.headers["location"])
    assert (
        setup.status_code == 200 and 'id="kc-recovery-codes-list"' in setup.text and 'name="cancel-aia"' in setup.text
    )
    done = await env.http.post(form_action(setup.text), data=form_fields(setup.text))
    params = query(done)
    assert (params["kc_action"], params["kc_action_status"]) == ("CONFIGURE_RECOVERY_AUTHN_CODES", "success")
    callback = await env.http.get(done.headers["location"])
    assert callback.status_code == 302
    shown = await env.http.get(SIGNING_IN, headers=HTML)
    assert '<td data-label="Name">Recovery codes</td>' in shown.text
