"""Security sweep (session 59, second pass) of ``X-Forwarded-Prefix`` over HTTP: whatever a (trusted) proxy
passes on, the realm's cookies keep a single Path attribute that ends in the realm's own path, so no prefix makes
a cookie cover another realm or the admin console; the login form and its resources stay on the request's host (FIXED: ``//evil.example`` made the page's stylesheet
``//evil.example/resources/…``, another host's, and ``;`` let the sender add cookie attributes)."""

from __future__ import annotations

import re

import pytest

from browser_flow import REDIRECT
from support import seed_client
from wire_env import Env

pytestmark = [pytest.mark.anyio, pytest.mark.server_options(proxy_headers="xforwarded")]
AUTH = "/realms/test/protocol/openid-connect/auth"
QUERY = {
    "redirect_uri": REDIRECT,
    "response_type": "code",
    "scope": "openid",
    "state": "s",
}


@pytest.mark.parametrize(
    ("header", "path"),
    [
        ("/a;Path=/;b=", "/realms/test/"),  # FIXED: was "Path=/a;Path=/;b=/realms/test/" (the last Path wins)
        ("/a,Path=/", "/realms/test/"),
        ("//evil.example", "/realms/test/"),  # FIXED: was a protocol-relative "//evil.example/…"
        ("/admin", "/admin/realms/test/"),
        ("/" + "p" * 4000, "/" + "p" * 4000 + "/realms/test/"),
    ],
)
async def test_the_realm_cookies_path_is_one_attribute_under_the_realm(realm: Env, header: str, path: str) -> None:
    client_id = f"prefixed-{len(header)}-{header.count('/')}"
    await seed_client(realm.db, "test", client_id, redirect_uris=(REDIRECT,))
    page = await realm.http.get(AUTH, params={**QUERY, "client_id": client_id}, headers={"X-Forwarded-Prefix": header})
    assert page.status_code == 200, page.text[-900:]
    cookies = page.headers.get_list("set-cookie")
    assert cookies
    for cookie in cookies:
        paths = re.findall(r"(?i);\s*path=([^;]*)", cookie)
        assert paths == [path], cookie
        assert not re.search(r"(?i);\s*domain=", cookie), cookie
    assert not re.search(r'(?:href|src|action)="//', page.text), page.text[:400]  # no other host's resources
    action = re.search(r'action="([^"]+)"', page.text)
    assert action is not None and action.group(1).startswith("http://"), page.text[:300]
    assert action.group(1).split("/")[2] == page.request.url.netloc.decode(), action.group(1)
