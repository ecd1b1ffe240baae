"""Validating a bearer access token as userinfo, token exchange and the REST APIs need it (introspection
runs its own checks, oauth/introspection_checks.py, and shares ``valid_session``).

Two steps, in the order of Keycloak's ``UserInfoEndpoint.issueUserInfo``, so that userinfo can check
the ``openid`` scope between them: ``verified_claims`` (TokenVerifier's default checks: signature,
type, issuer, ``exp``), then ``holder``: the ``azp`` client exists, the token is not revoked nor older
than the not-before policy, the client is enabled, the session still holds a client session for
``azp`` (online or offline per the jti prefix; Keycloak's ``findValidSession``), and its user exists
and is enabled. A failure raises ``InvalidAccess`` worded as userinfo words it; the other callers only
need to know that it failed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from doorkeep import errors as e
from doorkeep import policy
from doorkeep.model import Client, Realm, User, UserSession
from doorkeep.oauth import dpop, mtls
from doorkeep.oauth.client_auth import OIDC
from doorkeep.tokens import TYPE_BEARER, jti_session_type, unverified

if TYPE_CHECKING:
    from doorkeep.oauth.context import Services
    from doorkeep.store.tx import Tx


_ACCESS_TYPES = frozenset({TYPE_BEARER, dpop.SCHEME})  # withDPoPVerifier's tokenType(Bearer, DPoP)


@dataclass(frozen=True)
class Presentation:
    """How a request presented its access token (DPoPUtil.Validator.request): the ``Authorization`` scheme as
    sent, the token, the ``DPoP`` header, and the request's URL (no query) and method, which a proof names."""

    scheme: str
    token: str
    proof: str | None = None
    url: str = ""
    method: str = "GET"

    @property
    def dpop(self) -> bool:
        return self.scheme == dpop.SCHEME  # case-sensitive, as withDPoPVerifier compares it


@dataclass(frozen=True)
class ValidAccess:
    claims: dict[str, Any]
    user: User
    client: Client
    session: UserSession | None


# The org.keycloak.events.Errors value of each failure, as an error event names it
# (UserSessionUtil.findValidSession, isUserValid, the client checks).
_EVENT_ERRORS = {
    e.CLIENT_NOT_FOUND: "client_not_found",
    e.CLIENT_DISABLED: "client_disabled",
    e.USERINFO_WRONG_CLIENT_PROTOCOL: "invalid_client",
    e.SESSION_WITHOUT_CLIENT: "user_session_not_found",
    e.SESSION_EXPIRED: "session_expired",
    e.USER_NOT_FOUND: "user_not_found",
    e.USER_DISABLED: "user_disabled",
    mtls.MISMATCH: "not_allowed",
}


# What the admin API's challenge says of a failure (AdminRoot.toOAuth2Error): TokenNotActiveException's,
# TokenSignatureInvalidException's, the one InvalidBearerTokenException's message; anything else is generic.
NOT_ACTIVE = "Token outside validity period"
SIGNATURE_INVALID = "Token signature invalid"


class InvalidAccess(Exception):
    """Why a token failed: Keycloak's userinfo ``error_description`` for it, and a private detail;
    ``user_id`` when the failure is the (found) user's; ``public``: the admin API's description of it."""

    def __init__(
        self, description: str, detail: str = "", user_id: str | None = None, *, public: str | None = None
    ) -> None:
        super().__init__(detail or description)
        self.description = description
        self.user_id = user_id
        generic = description if description == e.CLIENT_NOT_FOUND else e.TOKEN_VERIFICATION_FAILED
        self.public = public or generic

    @property
    def event_error(self) -> str:
        """The Errors value: the token's own checks and a token older than its session are invalid_token."""
        return _EVENT_ERRORS.get(self.description, "invalid_token")


async def validate(
    tx: Tx, services: Services, realm: Realm, issuer: str, token: str, presented: Presentation | None = None
) -> ValidAccess:
    """Both steps: the token's own checks, then its client, session and user."""
    claims = await verified_claims(tx, services, realm, issuer, token, presented)
    return await holder(tx, services, realm, claims)


async def verified_claims(
    tx: Tx, services: Services, realm: Realm, issuer: str, token: str, presented: Presentation | None = None
) -> dict[str, Any]:
    """TokenVerifier's default checks (signature, ``typ`` Bearer or DPoP, issuer, expiry), then, for a token a
    request ``presented`` in its Authorization header, withDPoPVerifier's; any failure is Keycloak's one "Token
    verification failed"."""
    claims = await services.codec.verify(tx, realm.id, token, internal=False)
    if claims is None:
        raise InvalidAccess(
            e.TOKEN_VERIFICATION_FAILED, "signature", public=await _unverified(tx, services, realm, token)
        )
    if claims.get("typ") not in _ACCESS_TYPES or claims.get("iss") != issuer:
        raise InvalidAccess(e.TOKEN_VERIFICATION_FAILED, "type or issuer")
    if not isinstance(claims.get("iat"), int):
        raise InvalidAccess(e.TOKEN_VERIFICATION_FAILED, "no iat")
    if not policy.token_active(claims, services.clock.now()):  # IS_ACTIVE: still valid in its exp second
        raise InvalidAccess(e.TOKEN_VERIFICATION_FAILED, "expired", public=NOT_ACTIVE)
    if presented is not None:
        await _dpop_checks(tx, services, realm, claims, presented)
    return claims


async def _unverified(tx: Tx, services: Services, realm: Realm, token: str) -> str:
    """Why ``verify`` refused a token, as the admin API words it: a parsed token whose ``kid`` and ``alg`` name a
    key of the realm failed its signature (TokenSignatureInvalidException); junk, or a key the realm does not have
    for that algorithm, is the generic failure (JWSInput's VerificationException, the verifier context's "Key not
    found")."""
    parsed = unverified(token)
    kid, alg = (parsed[0].get("kid"), parsed[0].get("alg")) if parsed is not None else (None, None)
    if not isinstance(kid, str) or not isinstance(alg, str):
        return e.TOKEN_VERIFICATION_FAILED
    if await services.codec.keyring.verification_key(tx, realm.id, kid, alg) is not None:
        return SIGNATURE_INVALID
    return e.TOKEN_VERIFICATION_FAILED


async def _dpop_checks(
    tx: Tx, services: Services, realm: Realm, claims: dict[str, Any], presented: Presentation
) -> None:
    """DPoPUtil.withDPoPVerifier: a DPoP token only with the DPoP scheme and the reverse; a client that requires
    DPoP only with the DPoP scheme; and with it a proof of the token's key for this request, with its hash."""
    bound = claims.get("typ") == dpop.SCHEME
    if bound and not presented.dpop:
        raise InvalidAccess(
            e.TOKEN_VERIFICATION_FAILED, "The access token type is DPoP but Authorization Header is not DPoP"
        )
    if presented.dpop and not bound:
        raise InvalidAccess(
            e.TOKEN_VERIFICATION_FAILED, "The access token type is not DPoP but Authorization Header is DPoP"
        )
    client = await tx.config.client(realm.id, str(claims.get("azp", "")))
    if client is None:
        raise InvalidAccess(e.TOKEN_VERIFICATION_FAILED, "Client not found", public=e.CLIENT_NOT_FOUND)
    if dpop.required(client) and not presented.dpop:
        raise InvalidAccess(
            e.TOKEN_VERIFICATION_FAILED, "This client requires DPoP, but no DPoP Authorization header is present"
        )
    if not presented.dpop:
        return
    now = services.clock.now()
    try:
        proof = await dpop.validate(
            tx, presented.proof, uri=presented.url, method=presented.method, now=now, access_token=presented.token
        )
        dpop.check_binding(claims, proof)
    except dpop.InvalidProof as err:
        raise InvalidAccess(e.TOKEN_VERIFICATION_FAILED, err.message) from None


async def stateless_user(tx: Tx, realm_id: str, claims: dict[str, Any]) -> User | None:
    """TokenManager.lookupUserFromStatelessToken: the user ``sub`` names, else (a pairwise ``sub``) the one the
    ``preferred_username`` claim names."""
    user = await tx.users.get(str(claims.get("sub", "")))
    username = claims.get("preferred_username")
    if user is None and isinstance(username, str):
        user = await tx.users.get_by_username(realm_id, username)
    return user


async def holder(tx: Tx, services: Services, realm: Realm, claims: dict[str, Any]) -> ValidAccess:
    """The client, session and user behind verified claims, checked in ``issueUserInfo``'s order."""
    client = await tx.config.client(realm.id, str(claims.get("azp", "")))
    if client is None:
        raise InvalidAccess(e.CLIENT_NOT_FOUND)
    user = await stateless_user(tx, realm.id, claims)
    jti, iat = str(claims.get("jti", "")), int(claims["iat"])
    # NotBeforeCheck and TokenRevocationCheck fail inside Keycloak's verifier: the generic description.
    if await tx.revoked.is_revoked(jti):
        raise InvalidAccess(e.TOKEN_VERIFICATION_FAILED, "revoked")
    if iat < policy.effective_not_before(realm, client, user.not_before if user is not None else 0):
        raise InvalidAccess(e.TOKEN_VERIFICATION_FAILED, "stale", public=NOT_ACTIVE)
    if client.protocol != OIDC:
        raise InvalidAccess(e.USERINFO_WRONG_CLIENT_PROTOCOL)
    if not client.enabled:
        raise InvalidAccess(e.CLIENT_DISABLED)
    sid = claims.get("sid")
    now = services.clock.now()
    session = None if sid is None else await valid_session(tx, realm, client, str(sid), jti, iat, now)
    # No subject, or one that names no user (a pairwise ``sub``): the session's user, as Keycloak takes it.
    if user is None and session is not None:
        user = await tx.users.get(session.user_id)
        if user is not None and iat < policy.effective_not_before(realm, client, user.not_before):
            # the user's not-before holds here too
            raise InvalidAccess(e.TOKEN_VERIFICATION_FAILED, "stale", public=NOT_ACTIVE)
    if user is None or (session is not None and session.user_id != user.id):
        raise InvalidAccess(e.USER_NOT_FOUND)
    if not user.enabled:
        raise InvalidAccess(e.USER_DISABLED, user_id=user.id)
    return ValidAccess(claims, user, client, session)


async def valid_session(
    tx: Tx, realm: Realm, client: Client, sid: str, jti: str, iat: int, now: int, *, offline: bool | None = None
) -> UserSession:
    """Keycloak's ``findValidSession``, read only: the first session (online, then offline) that holds
    ``client`` and is within its lifetimes; the token must not predate it nor its client session. ``offline``
    names the one kind to look at (a refresh token's type), instead of the jti's.

    A user session found with the client but past its lifetimes is "Session expired"; a client session
    past its own lifetimes (in a live user session) counts as absent, as Keycloak's session store drops
    it; none found at all is the longer text.
    """
    kind = jti_session_type(jti) if offline is None else ("offline" if offline else "online")
    # A token exchange's token for a client without a client session of its own (jti "nt"/"ft",
    # AccessTokenContext.SessionType.allowTransientClientSession) needs the user session alone.
    transient_client = jti[:2] in ("nt", "ft") and ":" in jti
    found = False
    for offline in [False, True] if kind is None else [kind == "offline"]:
        us = await tx.sessions.get_user_session(sid, offline)
        # A transient client session is looked up by the user session alone: a client session the client
        # got later (an SSO login after the exchange) is neither needed nor compared with the token's iat.
        transient = us is None or transient_client
        cs = None if transient else await tx.sessions.get_client_session(sid, offline, client.id)
        if us is None or (cs is None and not transient_client):
            continue
        if not policy.user_session_valid(realm, us, now):
            found = True  # isSessionValid / isOfflineSessionValid
            continue
        if cs is not None and not policy.client_session_valid(realm, client, us, cs, now):
            continue
        if iat + 1 < us.started or (cs is not None and iat + 1 < cs.started):  # checkTokenIssuedAt
            raise InvalidAccess(e.STALE_TOKEN)
        return us
    raise InvalidAccess(e.SESSION_EXPIRED if found else e.SESSION_WITHOUT_CLIENT)


def presentation(
    authorization: str | None, proof: str | None = None, url: str = "", method: str = "GET"
) -> Presentation | None:
    """AppAuthManager.extractTokenStringFromAuthHeader: ``Bearer`` (any case) or ``DPoP`` (exactly), a space,
    and a token without spaces; anything else is no token."""
    if not authorization:
        return None
    scheme, _, token = authorization.strip().partition(" ")
    if scheme.lower() != "bearer" and scheme != dpop.SCHEME:
        return None
    if not token or " " in token:
        return None
    return Presentation(scheme, token, proof, url, method)
