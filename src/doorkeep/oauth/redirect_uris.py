"""Redirect URI validation as Keycloak does it: exact match, or a trailing ``*`` wildcard.

Relative registered URIs are resolved against the client's root URL (or the server base URL).
"""

from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit

from doorkeep.model import Client


def _resolve(pattern: str, client: Client, base_url: str) -> str:
    if pattern.startswith("/"):
        root = client.root_url or base_url
        root = root.replace("${authBaseUrl}", base_url).replace("${authAdminUrl}", base_url)
        return root.rstrip("/") + pattern
    return pattern


def _normalise(uri: str) -> str:
    parts = urlsplit(uri)
    return urlunsplit((parts.scheme.lower(), parts.netloc.lower(), parts.path, parts.query, ""))


def registered(client: Client, base_url: str) -> list[str]:
    return [_resolve(p, client, base_url) for p in client.redirect_uris if p and p != "+"]


def matches(uri: str, client: Client, base_url: str) -> bool:
    if "#" in uri:
        return False
    target = _normalise(uri)
    for pattern in registered(client, base_url):
        if pattern == "*":
            return True
        if pattern.endswith("*"):
            prefix = pattern[:-1]
            if uri.startswith(prefix) or target.startswith(_normalise(prefix) if "://" in prefix else prefix):
                return True
        elif _normalise(pattern) == target:
            return True
    return False


def resolve(requested: str | None, client: Client, base_url: str) -> str | None:
    """The redirect URI to use, or None when it is not allowed.

    Without a requested URI the client must have exactly one registered URI without wildcards.
    """
    if requested:
        return requested if matches(requested, client, base_url) else None
    candidates = registered(client, base_url)
    if len(candidates) == 1 and "*" not in candidates[0]:
        return candidates[0]
    return None
