"""Keycloak's OrganizationPostBrokerLoginTest (testsuite organization/broker/), its Keycloak 26.x form (the provider
bound to the organization's domain by ``kc.org.domain`` and ``kc.org.broker.redirect.mode.email-matches``; 27-dev
moved both to the domain's ``identityProviderAlias`` / ``autoRedirect``), over real HTTP with the provider another
realm of the same server (KcOidcBrokerConfiguration's two realms).

The post broker login flow is made through the Admin REST (``post otp``: the OTP Form, REQUIRED) where Keycloak's
test builds it on the server (ConfigureOtpPostBrokerFlow); Keycloak's first broker login would ask alice to review
her profile only if something were missing (``disableUpdateProfileOnFirstLogin``), and nothing is.
"""

from __future__ import annotations

import hashlib
import hmac
import re

import pytest

from broker_post_flow import POST, post_flow, provider_after
from broker_support import ALIAS, broker_login, browser, provider_login, served, start_login
from browser_flow import REDIRECT, form_action, form_fields
from flow_builder import admin, is_otp_form, is_totp_setup
from wire_env import Env

pytestmark = pytest.mark.anyio
TEST = "/admin/realms/test"
ORG_ALIAS = "org-post-broker"


def _totp(secret: str, now: int) -> str:
    """TimeBasedOTP#generateTOTP of the page's secret (its bytes are the key), HmacSHA1, 6 digits, 30 s."""
    mac = hmac.new(secret.encode(), (now // 30).to_bytes(8, "big"), hashlib.sha1).digest()
    offset = mac[-1] & 0x0F
    return str((int.from_bytes(mac[offset : offset + 4], "big") & 0x7FFFFFFF) % 10**6).zfill(6)


async def test_auto_redirect_after_post_broker_otp_setup(env: Env) -> None:
    """OrganizationPostBrokerLoginTest#testAutoRedirectAfterPostBrokerOtpSetup: alice's first login through the
    provider sets up OTP in its post broker login flow (one credential, ``otp``); once the provider is the
    organization's, hidden on the login page and redirecting her domain, her typed address after a logout sends
    her to the provider realm's login, and back in the consumer realm the OTP form asks for the code."""
    async with served(env) as broker:
        await admin(env, "PUT", TEST, {"organizationsEnabled": True}, 204)
        body = {"name": ORG_ALIAS, "alias": ORG_ALIAS, "domains": [{"name": "example.org"}]}  # alice@example.org
        await admin(env, "POST", f"{TEST}/organizations", body, 201)
        orgs = (await admin(env, "GET", f"{TEST}/organizations?first=-1&max=-1", status=200)).json()
        [org] = [o["id"] for o in orgs if o["alias"] == ORG_ALIAS]

        await post_flow(env, conditional=False)
        await provider_after(broker, POST)  # provider kc, not hidden on login, its post broker login flow
        idp_url = f"{TEST}/identity-provider/instances/{ALIAS}"
        assert (await admin(env, "GET", idp_url, status=200)).json()["hideOnLogin"] is False

        async with browser(broker) as http:
            setup = await broker_login(http)
            assert is_totp_setup(setup), setup.text
            found = re.search(r'name="totpSecret" value="([^"]+)"', setup.text)
            assert found is not None
            fields = {**form_fields(setup.text), "totp": _totp(found[1], env.clock.now())}
            done = await http.post(form_action(setup.text), data=fields)
            assert done.status_code == 302 and done.headers["location"].startswith(REDIRECT), done.text
        [alice] = (await admin(env, "GET", f"{TEST}/users?username=alice&exact=true", status=200)).json()
        credentials = (await admin(env, "GET", f"{TEST}/users/{alice['id']}/credentials", status=200)).json()
        assert [c["type"] for c in credentials] == ["otp"], credentials

        rep = (await admin(env, "GET", idp_url, status=200)).json()
        rep["config"] |= {"kc.org.domain": "example.org", "kc.org.broker.redirect.mode.email-matches": "true"}
        await admin(env, "PUT", idp_url, {**rep, "hideOnLogin": True}, 204)
        await admin(env, "POST", f"{TEST}/organizations/{org}/identity-providers", ALIAS, 204)
        await admin(env, "POST", f"{TEST}/users/{alice['id']}/logout", status=204)

        async with browser(broker) as http:
            page = await start_login(http)
            assert page.status_code == 200 and 'name="password"' not in page.text, page.text
            typed = await http.post(
                form_action(page.text), data={**form_fields(page.text), "username": "alice@example.org"}
            )
            assert typed.status_code == 303, typed.text
            to_provider = await http.get(typed.headers["location"])
            assert to_provider.headers["location"].startswith(f"{broker.base}/realms/provider/"), to_provider.text
            back = await http.get(await provider_login(http, to_provider))
            assert f"{broker.base}/realms/test/" in str(back.url)
            assert is_otp_form(back), back.text
