"""Logging a brokered user out at the identity provider too (Keycloak's OIDCIdentityProvider.backchannelLogout and
keycloakInitiatedBrowserLogout, called by AuthenticationManager.browserLogout). A session a provider made keeps the
provider's alias and its ID token as notes (IdentityBrokerService.finishBrokerAuthentication,
OIDCIdentityProvider.authenticationFinished). At the browser's logout: no ``logoutUrl``, nothing; with
``backchannelSupported``, a server-side ``GET logoutUrl?state``; else the browser goes to ``logoutUrl`` with
``state`` (the session id) and ``post_logout_redirect_uri`` at ``/broker/{alias}/endpoint/logout_response``, where
the logout then finishes. Both add ``id_token_hint`` (the ID token, when there is one) unless
``sendIdTokenOnLogout`` is ``false``, and the provider's ``client_id`` when ``sendClientIdOnLogout`` is ``true``
(OIDCIdentityProviderConfig's defaults).

No HTTP framework and no SQL here. The call to the provider is bounded (doorkeep/bounded_http) and made outside any
transaction; its URL carries the ID token, so it is never logged.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlencode

from doorkeep.bounded_http import TimedOut, TooLarge, TransportFailed, bounded_request
from doorkeep.broker import providers as idp
from doorkeep.model import JSON, Realm, UserSession

log = logging.getLogger(__name__)

PROVIDER_NOTE = "identity_provider"  # Details.IDENTITY_PROVIDER, a user session note of a brokered login
PROVIDER_USERNAME_NOTE = "identity_provider_identity"  # Details.IDENTITY_PROVIDER_USERNAME
ID_TOKEN_NOTE = "FEDERATED_ID_TOKEN"  # UserAuthenticationIdentityProvider.FEDERATED_ID_TOKEN
# The session is LOGGING_OUT while the browser is at the provider: what the logout finishes with when it comes back
# (Keycloak keeps it on the logout authentication session).
LOGGING_OUT_NOTE = "LOGGING_OUT"
TIMEOUT = 10.0
MAX_BYTES = 64 * 1024


def id_token_of(token_response: str | None) -> str | None:
    """The ID token of the provider's token response (kept for the logout whether or not the provider stores
    tokens, as authenticationFinished keeps it)."""
    id_token = _parsed(token_response).get("id_token")
    return id_token if isinstance(id_token, str) and id_token else None


def _parsed(token_response: str | None) -> dict[str, Any]:
    try:
        parsed = json.loads(token_response) if token_response else None
    except ValueError:
        return {}
    return parsed if isinstance(parsed, dict) else {}


def broker_session_of(alias: str, token_response: str | None) -> str | None:
    """OIDCIdentityProvider.getFederatedIdentity's brokerSessionId: ``{alias}.{session_state}`` when the provider's
    token response has a ``session_state``."""
    state = _parsed(token_response).get("session_state")
    return f"{alias}.{state}" if isinstance(state, str) and state else None


def session_notes(alias: str, username: str | None, id_token: str | None) -> dict[str, str]:
    """The notes a brokered login leaves on its user session: the provider, the user's name there, its ID token."""
    notes = {PROVIDER_NOTE: alias, PROVIDER_USERNAME_NOTE: username or ""}
    if id_token:
        notes[ID_TOKEN_NOTE] = id_token
    return notes


@dataclass(frozen=True)
class Backchannel:
    """OIDCIdentityProvider.backchannelLogout: the URL the server GETs."""

    alias: str
    url: str


@dataclass(frozen=True)
class Redirect:
    """keycloakInitiatedBrowserLogout's 302 to the provider."""

    url: str


def _with_query(url: str, params: dict[str, str]) -> str:
    separator = "&" if "?" in url else "?"
    return url + separator + urlencode(params, quote_via=quote)


def logout_response_url(base_url: str, realm: Realm, alias: str) -> str:
    """``/realms/{realm}/broker/{alias}/endpoint/logout_response`` (OIDCEndpoint.logoutResponse)."""
    return f"{base_url}/realms/{quote(realm.name, safe='')}/broker/{quote(alias, safe='')}/endpoint/logout_response"


def _provider(realm: Realm, session: UserSession) -> tuple[str, JSON] | None:
    alias = session.notes.get(PROVIDER_NOTE)
    provider = idp.by_alias(realm, alias) if isinstance(alias, str) and alias else None
    return (str(alias), provider) if provider is not None else None


def _flag(config: JSON, key: str) -> bool:
    return str(config.get(key) or "").lower() == "true"


def browser_plan(
    realm: Realm, session: UserSession, base_url: str, initiating_idp: str | None = None
) -> Backchannel | Redirect | None:
    """keycloakInitiatedBrowserLogout for the session's provider: nothing (not brokered, no such provider, no
    ``logoutUrl``, or the provider ``initiating_idp`` names: the logout began there), the server-side call (with
    ``backchannelSupported``, even without an ID token), or the browser's redirect. ``initiating_idp`` is only
    honoured under ``allow-initiating-idp-logout-param`` (ignored by default since Keycloak 26.8), which the caller
    decides."""
    found = _provider(realm, session)
    if found is None:
        return None
    alias, provider = found
    if initiating_idp is not None and alias == initiating_idp:  # AuthenticationManager.browserLogout
        return None
    config: JSON = provider.get("config") or {}
    logout_url = str(config.get("logoutUrl") or "").strip()
    if not logout_url:
        return None
    params = _identifying(config, session)
    if _flag(config, "backchannelSupported"):  # with or without an ID token
        return Backchannel(alias, _with_query(logout_url, params))
    params["post_logout_redirect_uri"] = logout_response_url(base_url, realm, alias)
    return Redirect(_with_query(logout_url, params))


def _id_token(session: UserSession) -> str | None:
    id_token = session.notes.get(ID_TOKEN_NOTE)
    return id_token if isinstance(id_token, str) and id_token else None


def _identifying(config: JSON, session: UserSession) -> dict[str, str]:
    """What both logouts at the provider send: ``state`` (the session id), the ID token as ``id_token_hint`` unless
    ``sendIdTokenOnLogout`` is ``false``, the broker's ``client_id`` when ``sendClientIdOnLogout`` is ``true``."""
    params = {"state": session.id}
    id_token = _id_token(session)
    if id_token is not None and str(config.get("sendIdTokenOnLogout", "true")).lower() == "true":
        params["id_token_hint"] = id_token
    if _flag(config, "sendClientIdOnLogout"):
        params["client_id"] = str(config.get("clientId") or "")
    return params


def backchannel_plan(realm: Realm, session: UserSession) -> Backchannel | None:
    """OIDCIdentityProvider.backchannelLogout (a logout without the browser: an admin's, a refresh token's): the
    call only with ``logoutUrl``, ``backchannelSupported`` and an ID token (which ``sendIdTokenOnLogout`` may still
    keep out of it)."""
    found = _provider(realm, session)
    if found is None:
        return None
    alias, provider = found
    config: JSON = provider.get("config") or {}
    logout_url = str(config.get("logoutUrl") or "").strip()
    if not logout_url or not _flag(config, "backchannelSupported") or _id_token(session) is None:
        return None
    return Backchannel(alias, _with_query(logout_url, _identifying(config, session)))


def backchannel_plans(realm: Realm, sessions: list[UserSession]) -> list[Backchannel]:
    """``backchannel_plan`` of each ended online session (``POST users/{id}/logout``: UserResource.logout's
    AuthenticationManager.backchannelLogout with ``logoutBroker``, once per session)."""
    return [plan for session in sessions if (plan := backchannel_plan(realm, session)) is not None]


async def call(plan: Backchannel) -> bool:
    """The server-side logout at the provider; a status from 200 to 399 is success. A failure is logged (by the
    provider's alias, never the URL, which carries the ID token) and does not stop the logout."""
    try:
        answer = await bounded_request("GET", plan.url, {}, None, TIMEOUT, MAX_BYTES)
    except (TimedOut, TooLarge, TransportFailed) as err:
        log.warning("backchannel logout at identity provider %s failed: %s", plan.alias, type(err).__name__)
        return False
    if not 200 <= answer.status < 400:
        log.warning("backchannel logout at identity provider %s answered %s", plan.alias, answer.status)
        return False
    return True


def pending(session: UserSession) -> dict[str, Any] | None:
    """What the logout finishes with once the provider sends the browser back; None unless LOGGING_OUT."""
    value = session.notes.get(LOGGING_OUT_NOTE)
    return value if isinstance(value, dict) else None
