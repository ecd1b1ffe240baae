"""Pure rules behind the security headers and sslRequired: the form_post form-action source, local addresses."""

from __future__ import annotations

import pytest

from doorkeep.web.headers import SCRIPT_HASH, form_action_source, form_post_headers
from doorkeep.web.http import local_address


@pytest.mark.parametrize(
    ("uri", "source"),
    [
        ("http://127.0.0.1:9999/callback?x=1", "http://127.0.0.1:9999"),
        ("https://App.Example/cb", "https://app.example"),
        ("https://app.example:8443/a/b#frag", "https://app.example:8443"),
        ("http://user:pw@evil.example/cb", "http://evil.example"),
        ("http://localhost:@evil.example/cb", "http://evil.example"),
        ("http://[::1]:8080/cb", "http://[::1]:8080"),
        ("com.example.app:/oauth2redirect", "com.example.app:"),
    ],
)
def test_form_action_is_the_redirect_uris_origin(uri: str, source: str) -> None:
    assert form_action_source(uri) == source


@pytest.mark.parametrize(
    "uri",
    [
        "javascript:alert(document.domain)//",
        "JavaScript:alert(1)",
        "data:text/html,<script>1</script>",
        "vbscript:msgbox",
        "blob:https://x/1",
        "",
        "/relative/path",
        "//evil.example/cb",
        "http:///nohost",
        "http://a.example:99999/",
        "http://a.example:x/",
        "https://a.example;script-src *;/",
        "https://a b.example/",
        "http://a.example'/",
        "http://a.example,https://b.example/",
    ],
)
def test_hostile_or_unusable_redirect_uris_get_form_action_none(uri: str) -> None:
    assert form_action_source(uri) == "'none'"


def test_the_form_post_csp_allows_only_its_script_and_its_target() -> None:
    headers = form_post_headers("https://app.example/cb")
    csp = headers["Content-Security-Policy"]
    assert "default-src 'none'" in csp and f"script-src {SCRIPT_HASH}" in csp
    assert "form-action https://app.example;" in csp and "frame-ancestors 'none'" in csp
    assert headers["X-Frame-Options"] == "DENY" and "no-store" in headers["Cache-Control"]


@pytest.mark.parametrize(
    ("ip", "local"),
    [
        ("127.0.0.1", True),
        ("127.8.9.10", True),
        ("::1", True),
        ("0.0.0.0", True),
        ("10.0.0.1", True),
        ("172.16.5.4", True),
        ("172.31.255.255", True),
        ("192.168.1.1", True),
        ("::ffff:10.1.1.1", True),
        ("fec0::1", True),
        ("8.8.8.8", False),
        ("203.0.113.7", False),
        ("198.51.100.1", False),
        ("192.0.2.1", False),
        ("172.32.0.1", False),
        ("100.64.0.1", False),
        ("169.254.1.1", False),
        ("fc00::1", False),
        ("2001:db8::1", False),
        ("::ffff:8.8.8.8", False),
        ("not-an-ip", False),
        ("", False),
    ],
)
def test_local_addresses_are_keycloaks(ip: str, local: bool) -> None:
    assert local_address(ip) is local
