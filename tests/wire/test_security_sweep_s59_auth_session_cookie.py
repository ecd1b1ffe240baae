"""An attacker's sweep of session 58's authorization endpoint roots (a stale AUTH_SESSION_ID resolves no session;
the identity cookie's session root when the cookie's root is gone): which root a new tab joins when the browser
presents an AUTH_SESSION_ID it was not given. Keycloak signs the cookie (AuthenticationSessionManager.
signAndEncodeToBase64AuthSessionId, HMAC with the realm's key) and getAuthSessionCookies drops one whose signature
fails or whose root is gone. All held: a bare root id (what a client sees as ``sid``), a junk signature, another
realm's signed cookie and a KEYCLOAK_IDENTITY of another realm join nothing; the tab gets a fresh root and the
login form, never a code."""

from __future__ import annotations

import base64

import httpx
import pytest

from browser_flow import REDIRECT, code_from, start, submit
from support import seed_client, seed_realm, seed_user
from wire_env import Env, client_at

pytestmark = pytest.mark.anyio
DOMAIN = "localhost.local"  # how the cookie jar keeps a cookie of the host ``localhost``


def _cookie(http: httpx.AsyncClient, name: str, realm: str) -> str | None:
    found = [c.value for c in http.cookies.jar if c.name == name and c.path.startswith(f"/realms/{realm}")]
    return str(found[-1]) if found else None


def _root(value: str | None) -> str | None:
    """The root an AUTH_SESSION_ID value names (base64url of ``root.signature``)."""
    if value is None:
        return None
    return base64.urlsafe_b64decode(value + "=" * (-len(value) % 4)).decode().rpartition(".")[0]


async def _victim_tab(env: Env) -> tuple[str, str]:
    """A login page left open in the victim's browser: its root (alive, one tab) and its signed cookie."""
    async with env.db.transaction() as tx:
        test = await tx.realms.get_by_name("test")
        assert test is not None
        made = await tx.clients.get_by_client_id(test.id, "web")
    if made is None:
        await seed_client(env.db, "test", "web", redirect_uris=(REDIRECT,))
    async with client_at(env, "10.9.0.1") as victim:
        page = await start(victim, "test", "web")
        assert page.status_code == 200, page.text[:300]
        value = _cookie(victim, "AUTH_SESSION_ID", "test")
    root = _root(value)
    assert value and root
    return root, value


@pytest.mark.parametrize("kind", ["bare", "junk-signature", "bare-base64"])
async def test_a_forged_auth_session_id_joins_no_root(realm: Env, kind: str) -> None:
    root, _ = await _victim_tab(realm)
    forged = {
        "bare": root,
        "junk-signature": base64.urlsafe_b64encode(f"{root}.AAAA".encode()).decode().rstrip("="),
        "bare-base64": base64.urlsafe_b64encode(root.encode()).decode().rstrip("="),
    }[kind]
    async with client_at(realm, "10.9.0.2") as attacker:
        attacker.cookies.set("AUTH_SESSION_ID", forged, path="/realms/test/", domain=DOMAIN)
        page = await start(attacker, "test", "web")
        assert page.status_code == 200 and 'name="password"' in page.text, page.text[:300]
        assert _root(_cookie(attacker, "AUTH_SESSION_ID", "test")) not in (None, root)


async def test_another_realms_cookies_join_nothing_and_sign_nobody_in(realm: Env) -> None:
    """user1 signed in to ``test``: that browser's AUTH_SESSION_ID and KEYCLOAK_IDENTITY, presented to realm ``other``
    (where a user of the same name exists), give its login form and a root of its own."""
    await seed_realm(realm.db, realm.clock, "other")
    await seed_client(realm.db, "other", "web", redirect_uris=(REDIRECT,))
    await seed_user(realm.db, realm.clock, "other", "user1")
    root, value = await _victim_tab(realm)
    async with client_at(realm, "10.9.0.3") as signed_in:
        assert code_from(
            await submit(signed_in, await start(signed_in, "test", "web"), username="user1", password="password")
        )["code"]
        identity = _cookie(signed_in, "KEYCLOAK_IDENTITY", "test")
    assert identity
    async with client_at(realm, "10.9.0.2") as attacker:
        attacker.cookies.set("AUTH_SESSION_ID", value, path="/realms/other/", domain=DOMAIN)
        attacker.cookies.set("KEYCLOAK_IDENTITY", identity, path="/realms/other/", domain=DOMAIN)
        page = await start(attacker, "other", "web")
        assert page.status_code == 200 and 'name="password"' in page.text, page.text[:300]
        assert _root(_cookie(attacker, "AUTH_SESSION_ID", "other")) not in (None, root)


async def test_the_genuine_signed_cookie_does_join_its_root(realm: Env) -> None:
    """The control for the tests above: the victim's own signed cookie is a bearer value (as in Keycloak), so the
    joined root is what these tests can see."""
    root, value = await _victim_tab(realm)
    async with client_at(realm, "10.9.0.4") as holder:
        holder.cookies.set("AUTH_SESSION_ID", value, path="/realms/test/", domain=DOMAIN)
        page = await start(holder, "test", "web")
        assert page.status_code == 200, page.text[:300]
        assert _root(_cookie(holder, "AUTH_SESSION_ID", "test")) == root
