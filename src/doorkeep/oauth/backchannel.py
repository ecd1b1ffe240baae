"""OIDC Back-Channel Logout 1.0 logout tokens and Keycloak's ``k_push_not_before`` / ``k_logout`` admin
actions: the claims only (Keycloak's TokenManager.initLogoutToken, PushNotBeforeAction, LogoutAction); signing happens
with the realm's keys and delivery in the web layer (web/backchannel.py).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from doorkeep.model import ADAPTER_HOST_NOTE, ADAPTER_STATE_NOTE, Client, Realm, SessionEnded
from doorkeep.oauth import redirect_uris
from doorkeep.oauth.issue import signature_alg
from doorkeep.oauth.mappers import pairwise
from doorkeep.sessions.ended import BACKCHANNEL_URL

EVENT = "http://schemas.openid.net/event/backchannel-logout"
REVOKE_OFFLINE_EVENT = "revoke_offline_access"
SESSION_REQUIRED = "backchannel.logout.session.required"
REVOKE_OFFLINE = "backchannel.logout.revoke.offline.tokens"
LOGOUT_TYP = "Logout"
LOGOUT_HEADER_TYP = "logout+jwt"
LOGOUT_LIFESPAN = 120  # Keycloak: two minutes
ADMIN_ACTION_LIFESPAN = 30  # Keycloak: Time.currentTime() + 30
PUSH_NOT_BEFORE = "PUSH_NOT_BEFORE"
LOGOUT = "LOGOUT"
TEST_AVAILABILITY = "TEST_AVAILABILITY"
ENDPOINTS = {PUSH_NOT_BEFORE: "k_push_not_before", LOGOUT: "k_logout", TEST_AVAILABILITY: "k_test_available"}
DELIVERABLE = ("http://", "https://")
SESSION_HOST = "${application.session.host}"  # ResourceAdminManager.CLIENT_SESSION_HOST_PROPERTY


def logout_claims(ended: SessionEnded, fallback_issuer: str, now: int, jti: str) -> dict[str, Any]:
    """The logout token for one client session, or for all of a user's sessions with the client (no ``sid``:
    an admin logout of a user with several, keycloak#22914). ``sid`` only when ``backchannel.logout.session.required``
    is "true" in any case (OIDCAdvancedConfigWrapper: Boolean.parseBoolean, so an absent attribute is false; the
    admin API's setupClientDefaults writes "true" for a client created without a backchannel URL). ``iss`` is
    the issuer noted on the client session at login (TokenManager.initLogoutToken), not the logout request's;
    a client session from before Doorkeep kept that note falls back to ``fallback_issuer``."""
    client = ended.client
    events: dict[str, Any] = {EVENT: {}}
    if client.attr_bool(REVOKE_OFFLINE):
        events[REVOKE_OFFLINE_EVENT] = True
    claims: dict[str, Any] = {
        "iat": now,
        "exp": now + LOGOUT_LIFESPAN,
        "jti": jti,
        "iss": ended.issuer or fallback_issuer,
        "aud": client.client_id,
        "sub": pairwise.logout_subject(client, ended.user_id),
        "typ": LOGOUT_TYP,
        "events": events,
    }
    if client.attr_bool(SESSION_REQUIRED) and not ended.every_session:
        claims["sid"] = ended.session_id
    return claims


def logout_kid(client: Client) -> str | None:
    """The logout token's key: the one the client names for its ID tokens (TokenCategory.LOGOUT shares the ID
    token's key; OIDCSigningKeySelectionTest.testIdTokenAndLogoutTokenSigningKey), else the realm's active one."""
    kid = client.attributes.get("id.token.signed.response.kid")
    return kid if isinstance(kid, str) and kid else None


def logout_alg(realm: Realm, client: Client) -> str:
    """The logout token's algorithm: the client's ID-token one (DefaultTokenManager signs TokenCategory.LOGOUT
    as ID; LogoutTest.logoutBackchannelTwoClientsSpecificConfigurationIsUsed), else the realm's default."""
    return signature_alg(realm, client, "id.token.signed.response.alg")


def logout_url(client: Client) -> str | None:
    """The backchannel logout URL, if it is one Doorkeep posts to (http or https)."""
    url = client.attr(BACKCHANNEL_URL)
    return url if url.lower().startswith(DELIVERABLE) else None


def admin_action_claims(client: Client, action: str, not_before: int, now: int, jti: str) -> dict[str, Any]:
    """Keycloak's AdminAction (PushNotBeforeAction, LogoutAction without adapter session ids, or
    TestAvailabilityAction, which carries no ``notBefore``): posted as a JWS to ``{adminUrl}/k_push_not_before``,
    ``{adminUrl}/k_logout`` or ``{adminUrl}/k_test_available``."""
    claims: dict[str, Any] = {
        "id": jti,
        "expiration": now + ADMIN_ACTION_LIFESPAN,
        "resource": client.client_id,
        "action": action,
    }
    if action != TEST_AVAILABILITY:
        claims["notBefore"] = not_before
    return claims


def admin_action_alg(realm: Realm | None) -> str:
    """The algorithm an admin action is signed with: the realm's default (TokenManager.encodeToken)."""
    return (realm.default_signature_algorithm if realm else None) or "RS256"


def management_url(client: Client, server: str) -> str | None:
    """The client's admin URL as Keycloak's ResourceAdminManager.getManagementUrl resolves it: placeholders
    replaced by the server URL, a relative URL against the root URL, or without one on the server's origin
    (ResolveRelative.resolveRelativeUri: ``replacePath``, so ``--http-relative-path`` is not part of it)."""
    url = client.admin_url
    if not url:
        return None
    root = (client.root_url or "").replace("${authBaseUrl}", server).replace("${authAdminUrl}", server)
    url = url.replace("${authBaseUrl}", server).replace("${authAdminUrl}", server)
    if url.startswith("/"):
        url = (root or redirect_uris.server_origin(server)) + url
    return url


def node_urls(management: str, nodes: list[str]) -> list[str]:
    """Keycloak's ResourceAdminManager.getAllManagementUrls: without registered cluster nodes the management
    URL itself; with them, one URL per node, the management URL's host replaced by the node's."""
    if not nodes:
        return [management]
    parts = urlsplit(management)
    port = f":{parts.port}" if parts.port is not None else ""
    userinfo = parts.netloc.rpartition("@")[0]
    at = f"{userinfo}@" if userinfo else ""
    return [urlunsplit(parts._replace(netloc=f"{at}{node}{port}")) for node in nodes]


def action_target(management: str, action: str) -> str:
    """Keycloak's ``UriBuilder.fromUri(managementUrl).path(endpoint)``: the endpoint appended to the URL's path, its
    query and fragment kept where they were (``http://app/admin?tenant=a`` posts to ``/admin/k_logout?tenant=a``).
    A URL that does not split (``http://[::1``) gets the endpoint at its end: its request then fails as such."""
    endpoint = ENDPOINTS[action]
    try:
        parts = urlsplit(management)
    except ValueError:
        return management.rstrip("/") + "/" + endpoint
    return urlunsplit(parts._replace(path=parts.path.rstrip("/") + "/" + endpoint))


def adapter_notes(notes: Mapping[str, object], state: str | None, host: str | None) -> dict[str, object] | None:
    """OAuth2GrantTypeBase.updateClientSession: the client session's notes with the adapter session a token
    request names (its ``client_session_state`` and ``client_session_host``; a missing host drops that note), or
    None when the request names none or the same one again."""
    if state is None:
        return None
    updated = {k: v for k, v in notes.items() if k != ADAPTER_HOST_NOTE}
    updated[ADAPTER_STATE_NOTE] = state
    if host is not None:
        updated[ADAPTER_HOST_NOTE] = host
    return None if updated == dict(notes) else updated


def adapter_logout_claims(ended: SessionEnded, now: int, jti: str) -> dict[str, Any]:
    """ResourceAdminManager.logoutClientSessions' LogoutAction for one ended client session: the adapter session
    to drop, the Keycloak session it belonged to, and ``notBefore`` 0."""
    claims = admin_action_claims(ended.client, LOGOUT, 0, now, jti)
    return {**claims, "adapterSessionIds": [ended.adapter_session], "keycloakSessionIds": [ended.session_id]}


def adapter_logout_target(ended: SessionEnded, server: str) -> str | None:
    """Where that LogoutAction goes: ``k_logout`` under the admin URL, ``${application.session.host}`` in it
    replaced by the host the adapter noted (one request per host in Keycloak; here one per client session)."""
    management = management_url(ended.client, server)
    if management is None:
        return None
    management = management.replace(SESSION_HOST, ended.adapter_host or "")
    return action_target(management, LOGOUT) if management.lower().startswith(DELIVERABLE) else None
