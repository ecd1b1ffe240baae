"""Web origins of a client (the ``allowed-origins`` claim and CORS) and service-account claims.

Every other claim comes from protocol mappers (``oauth/mappers/``), as in Keycloak.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from doorkeep.model import Client


def origin(uri: str) -> str | None:
    parts = urlsplit(uri)
    if not parts.scheme or not parts.netloc:
        return None
    return f"{parts.scheme}://{parts.netloc}"


def allowed_origins(client: Client) -> list[str]:
    """Web origins, with ``+`` expanded to the origins of the redirect URIs."""
    out: list[str] = []
    for entry in client.web_origins:
        if entry == "+":
            out.extend(o for o in (origin(u) for u in client.redirect_uris) if o and "*" not in o)
        elif entry:
            out.append(entry)
    return sorted(dict.fromkeys(out))


def origin_allowed(client: Client, candidate: str) -> bool:
    """Whether a browser origin may call us for this client: its web origins, ``*``, or ``+`` (the
    redirect URIs' origins, a trailing ``*`` in a redirect URI matching any port or path)."""
    for entry in client.web_origins:
        if entry in ("*", candidate):
            return True
        if entry == "+" and any(_redirect_origin(uri, candidate) for uri in client.redirect_uris):
            return True
    return False


def _redirect_origin(pattern: str, candidate: str) -> bool:
    """Whether ``candidate`` is the origin of a redirect URI pattern: ``scheme://host[:port]`` ending at
    the pattern's first ``/``, or any port for a port wildcard (``http://localhost:*``). A wildcard inside
    the host (``https://app.example*``) matches no origin."""
    prefix = pattern[:-1] if pattern.endswith("*") else None
    if prefix is not None and prefix.endswith(":") and "//" in prefix and "/" not in prefix.split("//", 1)[1]:
        port = candidate[len(prefix) :]
        return candidate.startswith(prefix) and port.isascii() and port.isdecimal()
    return origin(pattern) == candidate and "*" not in candidate


def service_account_claims(client: Client, ip_address: str) -> dict[str, Any]:
    return {"client_id": client.client_id, "clientHost": ip_address, "clientAddress": ip_address}
