"""Security sweep (session 59, second pass): hostile ``X-Forwarded-Prefix`` values as ``hostname.forwarded_prefix``
reads them. What Quarkus's ForwardedParser keeps (``//x``, ``/..``, percent-escapes) stays under the request's own
scheme and host, so it cannot point a redirect elsewhere; a ``;`` or ``,`` would open the realm cookie's Path
attribute to attributes of the sender's choosing and counts as no prefix (FIXED)."""

from __future__ import annotations

import pytest

from doorkeep import hostname


@pytest.mark.parametrize(
    ("header", "prefix"),
    [
        ("//evil.example", ""),  # FIXED: "//evil.example/resources/…" is another host's URL
        ("///evil.example/", ""),
        ("/../", "/.."),
        ("%2F%2E%2E", "/%2F%2E%2E"),
        ("/a;Path=/;b=", ""),
        ("/a;Domain=evil.example", ""),
        ("/a,b", ""),
        ("/a\r\nSet-Cookie:x=y", ""),
        ("/a\nb", ""),
        ("/a\x00b", ""),
        ('/a"b', ""),
        ("/a\\b", ""),
        ("/" + "a" * 10000, "/" + "a" * 10000),
    ],
)
def test_a_hostile_prefix_is_none_or_a_path_under_the_origin(header: str, prefix: str) -> None:
    assert hostname.forwarded_prefix(header) == prefix
