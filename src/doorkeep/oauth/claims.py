"""Web origins of a client (the ``allowed-origins`` claim and CORS) and service-account claims.

Every other claim comes from protocol mappers (``oauth/mappers/``), as in Keycloak.
"""

from __future__ import annotations

import dataclasses
from urllib.parse import urlsplit

from doorkeep.model import Client
from doorkeep.oauth import redirect_uris


def origin(uri: str) -> str | None:
    """``scheme://host[:port]`` of an ``http``/``https`` URI (WebOriginsUtils takes no other scheme). User
    information before an ``@`` is no part of an origin (UriUtils.getOrigin: scheme, host and port), and a
    browser's ``Origin`` never carries it."""
    parts = urlsplit(uri)
    host = parts.netloc.rpartition("@")[2]
    if parts.scheme not in ("http", "https") or not host:
        return None
    return f"{parts.scheme}://{host}"


def default_web_origins(rep: dict[str, object], client: Client) -> Client:
    """RepresentationToModel.createClient: a new client whose representation gives no ``webOrigins`` takes
    the origins of its ``http(s)`` redirect URIs (admin create, client registration and realm import)."""
    if rep.get("webOrigins") is not None or not client.redirect_uris:
        return client
    found = (origin(uri) for uri in client.redirect_uris)
    return dataclasses.replace(client, web_origins=tuple(dict.fromkeys(o for o in found if o and "*" not in o)))


def _redirects(client: Client, base_url: str) -> list[str]:
    """The redirect URIs ``+`` stands for, relative ones (``/cb/*``) made absolute against the client's root URL,
    or this server's origin without one (WebOriginsUtils.resolveValidWebOrigins:
    RedirectUtils.resolveValidRedirects)."""
    return redirect_uris.registered(client, base_url)


def allowed_origins(client: Client, base_url: str) -> list[str]:
    """Web origins, with ``+`` expanded to the origins of the redirect URIs."""
    out: list[str] = []
    for entry in client.web_origins:
        if entry == "+":
            out.extend(o for o in (origin(u) for u in _redirects(client, base_url)) if o and "*" not in o)
        elif entry:
            out.append(entry)
    return sorted(dict.fromkeys(out))


def origin_allowed(client: Client, candidate: str, base_url: str) -> bool:
    """Whether a browser origin may call us for this client: its web origins, ``*``, or ``+`` (the
    redirect URIs' origins)."""
    for entry in client.web_origins:
        if entry in ("*", candidate):
            return True
        if entry == "+" and any(_redirect_origin(uri, candidate) for uri in _redirects(client, base_url)):
            return True
    return False


def _redirect_origin(pattern: str, candidate: str) -> bool:
    """Whether ``candidate`` is the origin of a redirect URI pattern: ``scheme://host[:port]`` ending at the
    pattern's first ``/`` (UriUtils.getOrigin), compared as a string, as Keycloak's CORS check compares it. A
    wildcard before that ``/`` stays in the "origin" (``http://localhost:*``, ``https://app.example*``), which no
    browser sends: such a pattern allows no origin, any port or host included."""
    return "*" not in candidate and origin(pattern) == candidate


def service_account_notes(client: Client, ip_address: str) -> dict[str, str]:
    """The user-session notes of a client-credentials grant (ClientCredentialsGrantType), which the realm's
    ``service_account`` scope maps to claims; ``clientId`` is Keycloak's older name, kept as it keeps it."""
    return {
        "clientId": client.client_id,
        "client_id": client.client_id,
        "clientHost": ip_address,
        "clientAddress": ip_address,
    }
