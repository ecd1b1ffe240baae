"""Hostile: session 68 sends a first broker login whose new username is over 255 characters back to Review Profile
(IdpCreateUserIfUniqueAuthenticator, keycloak#50903). A provider's username of markup, far over the limit: the
page shows it as text, creates no one, and posting it back unchanged is the page again with its error, never a 500;
a fitting name then signs in."""

from __future__ import annotations

import pytest

from broker_support import callback, served_with_fake, to_provider, user_named
from browser_flow import REDIRECT, submit
from wire_env import Env

pytestmark = pytest.mark.anyio

HOSTILE = '"><script>alert(1)</script>' * 40


async def test_a_long_hostile_username_goes_back_to_review(env: Env) -> None:
    async with served_with_fake(env) as (_broker, idp):
        now = env.clock.now()
        idp.id_token = lambda nonce: idp.signed(idp.claims(now, nonce=nonce, preferred_username=HOSTILE))
        params = await to_provider(env.http, idp)
        page = await callback(env.http, params["state"])
        assert page.status_code == 200 and "<script>alert(1)" not in page.text, page.text[:800]
        assert 'id="kc-submit"' in page.text or "kc-update-profile" in page.text, page.text[:800]
        fields = {"username": HOSTILE, "email": "mal@idp.example", "firstName": "M", "lastName": "L"}
        again = await submit(env.http, page, **fields)
        assert again.status_code == 200 and "<script>alert(1)" not in again.text, again.text[:800]
        assert await user_named(env, HOSTILE.lower()) is None
        done = await submit(env.http, again, **{**fields, "username": "mallory"})
        assert done.status_code == 302 and done.headers["location"].startswith(REDIRECT), done.text[:800]
        assert await user_named(env, "mallory") is not None
