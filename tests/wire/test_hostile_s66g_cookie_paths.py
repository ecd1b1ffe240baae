"""Sweep s66-g, cookies: a realm's name reaches the ``Path`` of every cookie the realm sets.

Keycloak writes that path as the realm URL's raw path (CookiePathResolver: ``realmBaseUrl(...).build(name)
.getRawPath()``), the name percent-encoded, which is also how a browser compares it with the URL it asks for
(RFC 6265 §5.1.4). Doorkeep wrote the name as it is: a realm named ``b c`` or ``dé`` got cookies no browser sends
back (the sign-in could not finish), a tab or DEL went into the header as it was, and a name holding a character
outside Latin-1 (U+2028) turned the sign-in page and the account console into 500s. The names are ones the admin
API accepts.
"""

from __future__ import annotations

from urllib.parse import quote

import httpx
import pytest

from browser_flow import REDIRECT, code_from, start, submit
from support import seed_client, seed_realm, seed_user
from wire_env import Env

pytestmark = pytest.mark.anyio

SEGMENT = "!$&'()*+,;=:@"  # a path segment's sub-delimiters and ':' '@', which a URI builder leaves as they are
NAMES = ("b c", "d\u00e9", "i\u2028j", "k\tl", "m\x7fn", "o'p(q)")


def _set_cookies(response: httpx.Response) -> list[tuple[str, str]]:
    """(name, Path) of each Set-Cookie, from the raw header bytes."""
    found = []
    for key, value in response.headers.raw:
        if key.lower() == b"set-cookie":
            assert all(0x20 < b < 0x7F or b == 0x20 for b in value), value  # printable ASCII only
            text = value.decode("ascii")
            name = text.split("=", 1)[0]
            path = next(p.split("=", 1)[1] for p in text.split("; ") if p.lower().startswith("path="))
            found.append((name, path))
    return found


async def _realm(env: Env, name: str) -> None:
    await seed_realm(env.db, env.clock, name)
    await seed_client(env.db, name, "web", redirect_uris=(REDIRECT,))
    await seed_user(env.db, env.clock, name, "user1")


@pytest.mark.parametrize("name", NAMES)
async def test_a_realms_cookies_are_on_its_percent_encoded_path(env: Env, name: str) -> None:
    await _realm(env, name)
    page = await start(env.http, quote(name, safe=SEGMENT), "web")
    assert page.status_code == 200, page.text
    cookies = _set_cookies(page)
    assert {"AUTH_SESSION_ID", "KC_RESTART"} <= {n for n, _ in cookies}
    assert {path for _, path in cookies} == {f"/realms/{quote(name, safe=SEGMENT)}/"}


@pytest.mark.parametrize("name", ["b c", "d\u00e9"])
async def test_a_sign_in_completes_in_a_realm_whose_name_is_encoded_in_urls(env: Env, name: str) -> None:
    """A cookie jar (as a browser) sends the AUTH_SESSION_ID back only on a path it matches: the sign-in needs it."""
    await _realm(env, name)
    page = await start(env.http, quote(name, safe=SEGMENT), "web")
    done = await submit(env.http, page, username="user1", password="password")
    assert "code" in code_from(done), done.headers.get("location")


@pytest.mark.parametrize("name", ["i\u2028j", "k\tl"])
async def test_the_account_consoles_sign_in_cookie_is_on_the_encoded_path(env: Env, name: str) -> None:
    await seed_realm(env.db, env.clock, name)
    response = await env.http.get(f"/realms/{quote(name, safe=SEGMENT)}/account/")
    assert response.status_code == 302, response.text
    [(cookie, path)] = _set_cookies(response)
    assert cookie.startswith("DOORKEEP_CONSOLE_FLOW_") and path == f"/realms/{quote(name, safe=SEGMENT)}/account/"


@pytest.mark.parametrize("name", ["b c", "d\u00e9"])
async def test_the_account_console_signs_in_to_a_realm_whose_name_is_encoded_in_urls(env: Env, name: str) -> None:
    """The console's redirect URI names the realm as its URLs do; with the raw name /auth refused it ("Invalid
    parameter: redirect_uri"), so nobody could open the account console of such a realm."""
    await seed_realm(env.db, env.clock, name)
    console = await env.http.get(f"/realms/{quote(name, safe=SEGMENT)}/account/")
    assert console.status_code == 302, console.text
    login = await env.http.get(console.headers["location"])
    assert login.status_code == 200 and 'name="password"' in login.text, login.text[-300:]
