"""OIDC Front-Channel Logout 1.0, as Keycloak 26 serves it at RP-initiated logout: which clients the
logout page frames, and at which URL (OIDCLoginProtocol.frontchannelLogout, FrontChannelLogoutHandler).

A client is framed when ``frontchannelLogout`` is on and ``frontchannel.logout.url`` is not blank
(OIDCAdvancedConfigWrapper.isFrontChannelLogoutEnabled); Keycloak does not ask whether the client is
enabled. Such a client is never sent a backchannel logout token (``sessions/ended.py``), and admin-initiated
logout, which has no browser, tells it nothing. The URL gets ``sid`` (the user session) and ``iss`` (the issuer
noted at login) unless ``frontchannel.logout.session.required`` is ``false`` (absent means true, for backwards
compatibility), appended as RESTEasy's ``UriBuilder.queryParam`` writes them.

Doorkeep's hardening: only an absolute ``http``/``https`` URL whose authority is a plain host and port is
framed. Keycloak would put any URL in the iframe (a ``javascript:`` one runs on the server's own origin) and
any authority in the CSP (a ``;`` in it would start a directive).
"""

from __future__ import annotations

import re
import string
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import quote

from doorkeep.model import Client
from doorkeep.oauth.uri_syntax import parse

if TYPE_CHECKING:
    from doorkeep.store.tx import Tx

URL = "frontchannel.logout.url"  # OIDCConfigAttributes.FRONT_CHANNEL_LOGOUT_URI
SESSION_REQUIRED = "frontchannel.logout.session.required"  # FRONT_CHANNEL_LOGOUT_SESSION_REQUIRED
_PLAIN_AUTHORITY = re.compile(r"(?:[A-Za-z0-9.\-]+|\[[0-9A-Fa-f:.]+\])(?::[0-9]{1,5})?")
# What RESTEasy's Encode.encodeQueryParamAsIs leaves as it is; a space becomes "+", "%XX" is kept.
_QUERY_SAFE = frozenset(string.ascii_letters + string.digits + "-._~!$'()*,;:@?/")
_ESCAPE = re.compile(r"%[0-9A-Fa-f]{2}")


@dataclass(frozen=True)
class Notice:
    """One iframe of the logout page (FrontChannelLogoutHandler.ClientInfo)."""

    name: str  # the client's name, else its clientId
    url: str  # the logout URL with sid and iss
    authority: str  # host[:port], added to the page's CSP frame-src


def enabled(client: Client) -> bool:
    """OIDCAdvancedConfigWrapper.isFrontChannelLogoutEnabled: the switch on and a URL that is not blank."""
    return client.frontchannel_logout and bool(client.attr(URL).strip())


def session_required(client: Client) -> bool:
    """``frontchannel.logout.session.required``: absent is true, otherwise Boolean.parseBoolean."""
    value = client.attributes.get(SESSION_REQUIRED)
    return True if value is None else str(value).lower() == "true"


def _query_value(value: str) -> str:
    out, i = [], 0
    while i < len(value):
        if _ESCAPE.match(value, i):
            out.append(value[i : i + 3])
            i += 3
            continue
        char = value[i]
        out.append(char if char in _QUERY_SAFE else "+" if char == " " else quote(char, safe=""))
        i += 1
    return "".join(out)


def notice(client: Client, sid: str, issuer: str) -> Notice | None:
    """The client's iframe (createFrontChannelLogoutUrl), or None when it is not framed."""
    url = client.attr(URL).strip()
    uri = parse(url)
    if not enabled(client) or uri is None or uri.scheme not in ("http", "https"):
        return None
    if uri.authority is None or not _PLAIN_AUTHORITY.fullmatch(uri.authority):
        return None
    if session_required(client):
        base, hash_, fragment = url.partition("#")
        params = f"sid={_query_value(sid)}&iss={_query_value(issuer)}"
        url = base + ("&" if "?" in base else "?") + params + hash_ + fragment
    return Notice(client.name or client.client_id, url, uri.authority)


async def notices(tx: Tx, session_ids: Iterable[str], issuer: str) -> list[Notice]:
    """The iframes for these online sessions' clients, read before the sessions are removed; ``iss`` is the
    issuer noted when the client logged in (``issuer`` for a session from before that note)."""
    found: list[Notice] = []
    for session_id in session_ids:
        for cs in await tx.sessions.client_sessions(session_id, False):
            client = await tx.clients.get(cs.client_id)
            framed = notice(client, session_id, cs.issuer or issuer) if client is not None else None
            if framed is not None:
                found.append(framed)
    return found


async def framed_clients(tx: Tx, session_ids: Iterable[str]) -> list[Client]:
    """The clients of these online sessions that front-channel logout would frame (each once)."""
    found: dict[str, Client] = {}
    for session_id in session_ids:
        for cs in await tx.sessions.client_sessions(session_id, False):
            client = await tx.clients.get(cs.client_id)
            if client is not None and enabled(client):
                found.setdefault(client.id, client)
    return list(found.values())
