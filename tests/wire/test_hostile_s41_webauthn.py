"""The WebAuthn second factor attacked (WebAuthnAuthenticator.action, WebAuthnRegister.processAction): an assertion
over a spent or another login's challenge, a wrong origin or RP id, a signature counter that goes back (a cloned
key), another user's credential id or user handle, and oversized or junk attestation and assertion fields. Each is
a refusal page and a LOGIN_ERROR, never a login nor a 500."""

from __future__ import annotations

import base64
import json
import re

import httpx
import pytest

from browser_flow import code_from, start, submit
from support import seed_user
from webauthn_flow import events, seed, webauthn_flow
from webauthn_port import SoftKey, b64url, page_options
from wire_env import Env

pytestmark = pytest.mark.anyio

REFUSED = "Passkey authentication result is invalid."
UNKNOWN = "Unknown user authenticated by the Passkey."


@pytest.fixture
async def realm(env: Env) -> Env:
    await seed(env)
    await seed_user(env.db, env.clock, "test", "user2")
    await webauthn_flow(env)
    return env


async def _page(env: Env, username: str) -> httpx.Response:
    page = await start(env.http, "test", "app")
    return await submit(env.http, page, username=username, password="password")


async def _register(env: Env, username: str, key: SoftKey) -> None:
    page = await _page(env, username)
    assert 'id="registerWebAuthn"' in page.text, page.text[:500]
    code_from(await submit(env.http, page, **key.create(page_options(page.text)["challenge"])))
    env.http.cookies.clear()


def _no_login(response: httpx.Response) -> None:
    assert response.status_code == 200, re.sub("<[^>]+>", " ", response.text)[:600]
    assert "location" not in response.headers


async def test_a_spent_or_foreign_challenge_is_refused(realm: Env) -> None:
    """An assertion signed over the challenge of an earlier page, or of another browser's login, does not pass."""
    env = realm
    key = SoftKey()
    await _register(env, "user1", key)
    first = await _page(env, "user1")
    old = key.get(page_options(first.text)["challenge"])
    assert "code" in code_from(await submit(env.http, first, **old))
    env.http.cookies.clear()
    page = await _page(env, "user1")
    _no_login(refused := await submit(env.http, page, **old))
    assert REFUSED in refused.text
    async with httpx.AsyncClient(transport=env.http._transport, base_url=str(env.http.base_url)) as other:
        theirs = await start(other, "test", "app")
        theirs = await submit(other, theirs, username="user1", password="password")
        foreign = key.get(page_options(theirs.text)["challenge"])
    env.http.cookies.clear()
    page = await _page(env, "user1")
    _no_login(refused := await submit(env.http, page, **foreign))
    assert REFUSED in refused.text


@pytest.mark.parametrize("where", ["origin", "subdomain origin", "rp id", "no user presence"])
async def test_a_wrong_origin_rp_id_or_flags_are_refused(realm: Env, where: str) -> None:
    env = realm
    key = SoftKey()
    await _register(env, "user1", key)
    page = await _page(env, "user1")
    challenge = page_options(page.text)["challenge"]
    bad = {
        "origin": key.get(challenge, origin="http://evil.example"),
        "subdomain origin": key.get(challenge, origin="http://localhost.evil.example"),
        "rp id": key.get(challenge, rp_id="evil.example"),
        "no user presence": key.get(challenge, flags=0),
    }[where]
    _no_login(refused := await submit(env.http, page, **bad))
    assert REFUSED in refused.text
    (error,) = await events(env, "LOGIN_ERROR")
    assert error.error == "invalid_user_credentials"


async def test_a_signature_counter_that_goes_back_is_refused(realm: Env) -> None:
    """A cloned authenticator: a counter not above the stored one fails the check."""
    env = realm
    key = SoftKey()
    await _register(env, "user1", key)
    for _ in range(2):
        page = await _page(env, "user1")
        assert "code" in code_from(await submit(env.http, page, **key.get(page_options(page.text)["challenge"])))
        env.http.cookies.clear()
    key.counter = 0  # the clone's next assertion carries 1, below the stored 2
    page = await _page(env, "user1")
    _no_login(refused := await submit(env.http, page, **key.get(page_options(page.text)["challenge"])))
    assert REFUSED in refused.text


async def test_another_user_s_credential_is_no_key_of_this_user(realm: Env) -> None:
    """user2's own key, with or without user2's user handle, does not finish user1's login."""
    env = realm
    mine, theirs = SoftKey(), SoftKey()
    await _register(env, "user1", mine)
    await _register(env, "user2", theirs)
    page = await _page(env, "user1")
    _no_login(unknown := await submit(env.http, page, **theirs.get(page_options(page.text)["challenge"])))
    assert UNKNOWN in unknown.text
    # user1's key id with user2's key's signature: the stored public key of user1 does not verify it
    again = await submit(env.http, unknown, isSetRetry="retry")
    forged = {**theirs.get(page_options(again.text)["challenge"]), "credentialId": b64url(mine.credential_id)}
    _no_login(refused := await submit(env.http, again, **forged))
    assert REFUSED in refused.text
    errors = sorted(e.error for e in await events(env, "LOGIN_ERROR"))
    assert errors == ["invalid_user_credentials", "user_not_found"]


@pytest.mark.parametrize("field", ["attestationObject", "clientDataJSON"])
async def test_oversized_or_junk_registration_fields_are_refused(realm: Env, field: str) -> None:
    """WebAuthnRegister: a ~900 KB attestation object, client data or credential id (under the 1 MiB body limit),
    or junk Base64, is a registration error, and no key is stored."""
    env = realm
    key = SoftKey()
    for junk in ("A" * 900_000, "!!not base64!!", b64url(b"\xa1" * 64)):
        page = await _page(env, "user1")
        posted = await submit(env.http, page, **{**key.create(page_options(page.text)["challenge"]), field: junk})
        assert posted.status_code in (200, 400), posted.text[:300]
        assert "location" not in posted.headers
        env.http.cookies.clear()
    page = await _page(env, "user1")
    assert 'id="registerWebAuthn"' in page.text  # still no key


@pytest.mark.parametrize("field", ["authenticatorData", "clientDataJSON", "signature", "credentialId", "userHandle"])
async def test_oversized_or_junk_assertion_fields_are_refused(realm: Env, field: str) -> None:
    env = realm
    key = SoftKey()
    await _register(env, "user1", key)
    for junk in ("A" * 900_000, "!!not base64!!", "%00"):
        page = await _page(env, "user1")
        posted = await submit(env.http, page, **{**key.get(page_options(page.text)["challenge"]), field: junk})
        assert posted.status_code in (200, 400) and "location" not in posted.headers, posted.text[:300]
        env.http.cookies.clear()


async def test_the_posted_credential_id_does_not_become_the_stored_key(realm: Env) -> None:
    """WebAuthnRegister stores the credential id of the verified attestation; the form's ``publicKeyCredentialId``
    only names it in the event (bounded there, as every detail is)."""
    env = realm
    key = SoftKey()
    page = await _page(env, "user1")
    posted = {**key.create(page_options(page.text)["challenge"]), "publicKeyCredentialId": "A" * 20_000}
    done = await submit(env.http, page, **posted)
    assert done.status_code == 302, re.sub("<[^>]+>", " ", done.text)[:500]
    stored = [c for c in await _credentials(env) if c["type"] == "webauthn"]
    assert len(stored) == 1
    assert base64.b64decode(json.loads(stored[0]["credentialData"])["credentialId"]) == key.credential_id
    for event in await events(env, "UPDATE_CREDENTIAL"):
        assert len(event.details.get("public_key_credential_id", "")) <= 16384


async def test_a_label_past_255_characters_is_a_registration_error(realm: Env) -> None:
    """CREDENTIAL.USER_LABEL holds 255 characters: a longer ``authenticatorLabel`` is the registration's error page
    on both databases (PostgreSQL refused the row with a bare 400 JSON body, SQLite kept any length), no key."""
    env = realm
    key = SoftKey()
    page = await _page(env, "user1")
    refused = await submit(env.http, page, **key.create(page_options(page.text)["challenge"], label="L" * 256))
    _no_login(refused)
    assert "Failed to register your Passkey." in refused.text or "webauthn" in refused.text.lower()
    assert not [c for c in await _credentials(env) if c["type"] == "webauthn"]
    errors = await events(env, "UPDATE_CREDENTIAL_ERROR")
    assert errors and errors[0].details["web_authn_registration_error_detail"].startswith("Authenticator label")
    again = await submit(env.http, refused, isSetRetry="retry")
    done = await submit(env.http, again, **key.create(page_options(again.text)["challenge"], label="L" * 255))
    assert done.status_code == 302


async def _credentials(env: Env) -> list[dict[str, str]]:
    headers = await env.admin_headers()
    users = (await env.http.get("/admin/realms/test/users", params={"username": "user1"}, headers=headers)).json()
    found: list[dict[str, str]] = (
        await env.http.get(f"/admin/realms/test/users/{users[0]['id']}/credentials", headers=headers)
    ).json()
    return found
