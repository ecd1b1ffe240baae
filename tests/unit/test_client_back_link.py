"""The "Back to Application" link a page draws for a client (web/client_redirect.resolved): Keycloak resolves a
root URL placeholder and a bare path against the server's URL before the page is drawn (ResolveRelative)."""

from __future__ import annotations

import pytest

from doorkeep.web.client_redirect import resolved

SERVER = "https://sso.example.org/auth"


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("${authBaseUrl}/realms/test/account/", f"{SERVER}/realms/test/account/"),
        ("${authAdminUrl}/admin/test/console/", f"{SERVER}/admin/test/console/"),
        ("/app/", f"{SERVER}/app/"),
        ("https://app.example.org/home", "https://app.example.org/home"),
        ("x-${authBaseUrl}", "x-${authBaseUrl}"),
        ("", None),
        (None, None),
    ],
)
def test_a_back_link_is_drawn_resolved(url: str | None, shown: str | None) -> None:
    assert resolved(url, SERVER) == shown
