"""The "Back to Application" link a page draws for a client (web/client_redirect.resolved): Keycloak resolves a
root URL placeholder against the server's URL, and a bare path against the server's origin, before the page is
drawn (ResolveRelative.resolveRelativeUri: ``UriBuilder.fromUri(frontendUrl).replacePath(url)``, so ``/app/`` under
``/auth`` is ``https://sso.example.org/app/``; this test had pinned ``…/auth/app/`` until session 60)."""

from __future__ import annotations

import pytest

from doorkeep.web.client_redirect import resolved

SERVER = "https://sso.example.org/auth"


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("${authBaseUrl}/realms/test/account/", f"{SERVER}/realms/test/account/"),
        ("${authAdminUrl}/admin/test/console/", f"{SERVER}/admin/test/console/"),
        ("/app/", "https://sso.example.org/app/"),
        ("https://app.example.org/home", "https://app.example.org/home"),
        ("x-${authBaseUrl}", "x-${authBaseUrl}"),
        ("", None),
        (None, None),
    ],
)
def test_a_back_link_is_drawn_resolved(url: str | None, shown: str | None) -> None:
    assert resolved(url, SERVER) == shown
