"""The KC_RESTART cookie (Keycloak's RestartLoginCookie): the login's request, kept in the browser so that a login
whose authentication session is gone (expired, or its AUTH_SESSION_ID cookie lost) can begin again.

Its content is a JWT of the INTERNAL category (HS512 with the realm's active HMAC key, ``kid`` in its header)
holding ``cid`` (the client), ``pty`` (the protocol), ``ruri`` (the redirect URI), ``act`` (the action) and
``notes``, the authentication session's client notes under Keycloak's names (``response_type``, ``state``,
``scope``…). That JWT is encrypted as a compact JWE (``keys.jwe_direct``, alg dir, A128CBC-HS256) with the realm's
active AES key and its active HMAC key, as Keycloak's encodeAndEncrypt does, so the browser cannot read the request.
Nothing secret is kept: a client's ``client_secret`` or ``client_assertion`` never reaches the login's request.

Reading it, as RestartLoginCookie.decryptAndDecode: the JWE; failing that, a cookie of an older Keycloak (3.1 to
25), the bare JWT signed with a realm HMAC key (DefaultTokenManager.decode: the key its ``kid`` names, or without
a ``kid`` (Keycloak 1.9) the realm's active key of the header's algorithm).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from jwt.exceptions import InvalidTokenError

from doorkeep.keys import jwe_direct, jws
from doorkeep.keys.material import AES_ALG, HMAC_ALG
from doorkeep.numbers import parse_int
from doorkeep.oauth import response_types
from doorkeep.oauth.auth_request import AuthRequest, has_prompt
from doorkeep.oauth.login_outcomes import AccountDeleted, AccountUpdated, DeviceDone, Done, Failed, Refused
from doorkeep.tokens import encode as sign
from doorkeep.tokens import unverified

if TYPE_CHECKING:
    from doorkeep.keys.ring import KeyRing
    from doorkeep.store.tx import Tx

OIDC = "openid-connect"
AUTHENTICATE = "AUTHENTICATE"  # AuthenticationSessionModel.Action.AUTHENTICATE
_HMAC_ALGS = ("HS256", "HS384", "HS512")  # MacSignatureProvider's algorithms
APP_INITIATED_FLOW = "APP_INITIATED_FLOW"  # AuthorizationEndpointBase.APP_INITIATED_FLOW
# AuthRequest's fields kept as the client notes AuthorizationEndpoint sets, under the notes' names.
_NOTES = {
    "response_type": "response_type",
    "response_mode": "response_mode",
    "scope": "scope",
    "state": "state",
    "nonce": "nonce",
    "code_challenge": "code_challenge",
    "code_challenge_method": "code_challenge_method",
    "dpop_jkt": "dpop_jkt",
    "prompt": "prompt",
    "login_hint": "login_hint",
    "ui_locales": "ui_locales",
    "kc_action": "kc_action",
    "kc_action_parameter": "kc_action_parameter",
    "claims": "claims",
    "acr_values": "acr_values",
    "app_initiated_flow": APP_INITIATED_FLOW,
    # auth-flow-enforcer's flow and level (Keycloak keeps them as auth notes): carried over so that a login begun
    # again from the cookie runs the flow the client policy picked, never the binding's in its place
    "requested_flow": "REQUESTED_AUTHENTICATION_FLOW",
    "flow_loa": "AUTHENTICATION_FLOW_LEVEL_OF_AUTHENTICATION",
}


@dataclass(frozen=True)
class RestartCookie:
    """RestartLoginCookie's members."""

    client_id: str
    redirect_uri: str | None
    protocol: str | None = OIDC
    action: str | None = AUTHENTICATE
    notes: dict[str, str] = field(default_factory=dict)


_ENDED = (Done, DeviceDone, Failed, Refused, AccountUpdated, AccountDeleted)  # outcomes that leave no login


def wanted(request: AuthRequest, outcome: object) -> bool:
    """AuthorizationEndpointBase.handleBrowserAuthenticationRequest sets the cookie for a login that waits on a
    page: not for ``prompt=none``, nor for a login its first answer already ended."""
    return not isinstance(outcome, _ENDED) and not has_prompt(request, "none")


def of_request(request: AuthRequest) -> RestartCookie:
    """``new RestartLoginCookie(authSession)``: the request's client, redirect URI and client notes."""
    notes = {note: str(getattr(request, name)) for name, note in _NOTES.items() if getattr(request, name)}
    if request.max_age is not None:
        notes["max_age"] = str(request.max_age)
    if request.redirect_uri_sent and request.redirect_uri_param:
        notes["redirect_uri"] = request.redirect_uri_param  # OIDCLoginProtocol.REDIRECT_URI_PARAM
    return RestartCookie(request.client_id, request.redirect_uri, notes=notes)


def to_request(cookie: RestartCookie, issuer: str) -> AuthRequest | None:
    """RestartLoginCookie.restartSession: the login's request rebuilt from the cookie (the login continues at
    ``issuer``, where it is restarted); None when it cannot be an OpenID Connect request."""
    notes = cookie.notes
    response_type = response_types.parse(notes.get("response_type") or "code")
    mode = response_types.mode(notes.get("response_mode"), response_type) if response_type else None
    if cookie.protocol != OIDC or not cookie.redirect_uri or response_type is None or mode is None:
        return None
    max_age = notes.get("max_age")
    return AuthRequest(
        client_id=cookie.client_id,
        redirect_uri=cookie.redirect_uri,
        response_type=" ".join(response_type.words),
        response_mode=mode,
        scope=notes.get("scope") or "",
        state=notes.get("state"),
        nonce=notes.get("nonce"),
        code_challenge=notes.get("code_challenge"),
        code_challenge_method=notes.get("code_challenge_method"),
        dpop_jkt=notes.get("dpop_jkt"),
        prompt=notes.get("prompt"),
        login_hint=notes.get("login_hint"),
        max_age=int(max_age) if max_age is not None and max_age.isdecimal() else None,
        issuer=issuer,
        ui_locales=notes.get("ui_locales"),
        kc_action=notes.get("kc_action"),
        kc_action_parameter=notes.get("kc_action_parameter"),
        redirect_uri_sent="redirect_uri" in notes,
        redirect_uri_param=notes.get("redirect_uri"),
        claims=notes.get("claims"),
        acr_values=notes.get("acr_values"),
        app_initiated_flow=notes.get(APP_INITIATED_FLOW),
        requested_flow=notes.get("REQUESTED_AUTHENTICATION_FLOW"),
        flow_loa=parse_int(notes.get("AUTHENTICATION_FLOW_LEVEL_OF_AUTHENTICATION")),
    )


def _json(cookie: RestartCookie) -> dict[str, Any]:
    return {
        "cid": cookie.client_id,
        "pty": cookie.protocol,
        "ruri": cookie.redirect_uri,
        "act": cookie.action,
        "notes": cookie.notes,
    }


async def encode(tx: Tx, keyring: KeyRing, realm_id: str, cookie: RestartCookie, now: int) -> str:
    """``encodeAndEncrypt``: the cookie's JWT signed (HS512), then encrypted with the realm's AES key (a
    ``fallback-AES`` one made on first need), its tag made with the HMAC key."""
    key = await keyring.signing_key(tx, realm_id, HMAC_ALG, now)
    aes = await keyring.encryption_key(tx, realm_id, AES_ALG, now)
    signed = sign(key, _json(cookie), HMAC_ALG)
    return jwe_direct.encrypt(_content_key(aes.signing), key.signing, signed.encode())


async def decode(tx: Tx, keyring: KeyRing, realm_id: str, value: str, now: int) -> RestartCookie | None:
    """``decryptAndDecode``: the cookie, or None when no key of the realm vouches for it."""
    key = await keyring.signing_key(tx, realm_id, HMAC_ALG, now)
    aes = await keyring.encryption_key(tx, realm_id, AES_ALG, now)
    inner = jwe_direct.decrypt(_content_key(aes.signing), key.signing, value)
    try:
        token = inner.decode() if inner is not None else value  # else perhaps the cookie of an older version
    except UnicodeDecodeError:
        return None
    claims = await _verified(tx, keyring, realm_id, token, now)
    return _parsed(claims) if claims is not None else None


def _content_key(secret: bytes) -> bytes:
    """The AES key as is when AES takes it (16, 24, 32 bytes); of a longer secret (aes-generated validates its
    size against the HMAC list, up to 512 bytes, and Keycloak's login then fails) its first 16 bytes."""
    return secret if len(secret) in (16, 24, 32) else secret[:16]


async def _verified(tx: Tx, keyring: KeyRing, realm_id: str, token: str, now: int) -> dict[str, Any] | None:
    """DefaultTokenManager.decode for an HMAC-signed JWT: the key its ``kid`` names (of the header's
    algorithm), or the realm's active key of that algorithm when there is no ``kid``."""
    parts = unverified(token)
    alg = parts[0].get("alg") if parts is not None else None
    if parts is None or alg not in _HMAC_ALGS:
        return None
    kid = parts[0].get("kid")
    if kid is None:
        key = await keyring.active_key(tx, realm_id, alg, now)
    elif isinstance(kid, str):
        key = await keyring.verification_key(tx, realm_id, kid, alg)
    else:
        return None
    if key is None or key.algorithm != alg or key.jws_verifying is None:
        return None
    try:
        return jws.decode_hmac(token, key.jws_verifying, alg)
    except InvalidTokenError:
        return None


def _parsed(claims: dict[str, Any]) -> RestartCookie | None:
    """The members as Jackson reads them into RestartLoginCookie (``cs`` of old cookies ignored)."""
    cid, ruri, pty, act, notes = (claims.get(k) for k in ("cid", "ruri", "pty", "act", "notes"))
    if not isinstance(cid, str) or not all(v is None or isinstance(v, str) for v in (ruri, pty, act)):
        return None
    if notes is None:
        notes = {}
    if not isinstance(notes, dict) or not all(isinstance(v, str) for v in notes.values()):
        return None
    return RestartCookie(cid, ruri, pty, act, dict(notes))
