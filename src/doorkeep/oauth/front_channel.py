"""The authorization response of a finished login: the code, and the tokens of the implicit and hybrid
flows (RFC 6749 §4.2.2; OIDC Core §3.2.2.5, §3.3.2.5), as Keycloak 26's ``OIDCLoginProtocol.authenticated``
builds it.

A response type with ``code`` stores a code; one with ``token`` or ``id_token`` also mints an access
token and, for ``id_token``, an ID token whose ``at_hash``, ``c_hash`` and ``s_hash`` bind it to the
access token, the code and the state sent with it. No refresh token ever leaves the authorization
endpoint. The tokens are signed after the commit (``Minted.response``), as at the token endpoint.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from doorkeep.model import Client, Realm, User, UserSession
from doorkeep.oauth import acr, authorize, issue, response_types
from doorkeep.oauth import scopes as scope_rules
from doorkeep.oauth.context import Form, OAuthRequest
from doorkeep.oauth.minted import Minted, Unsigned, token_hash
from doorkeep.oauth.roles import effective_roles, has_offline_access
from doorkeep.sessions import service

if TYPE_CHECKING:
    from doorkeep.oauth.authorize import AuthRequest
    from doorkeep.oauth.context import Services
    from doorkeep.store.tx import Tx

GRANT_TYPE = "implicit"  # no grant shortcut in Keycloak: the access token's jti says "na"
_CODE_ONLY = response_types.ResponseType((response_types.CODE,))
DETACHED_SIGNATURE = "id.token.as.detached.signature"  # OIDCConfigAttributes.ID_TOKEN_AS_DETACHED_SIGNATURE
# The claims TokenManager.generateIDToken sets itself; the protocol mappers (transformIDToken) add the rest, and
# they do not run for an ID token used as a detached signature. ``at_hash`` marks where the hashes go.
_DETACHED_CLAIMS = ("exp", "iat", "jti", "iss", "aud", "sub", "typ", "azp", "nonce", "sid", "acr", "at_hash")


@dataclass(frozen=True)
class AuthorizationResponse:
    """What goes back to the client: the code (when asked for) and the unsigned tokens (when asked for)."""

    session: UserSession
    code: str | None
    tokens: Minted | None = None
    access_token: bool = False  # ``token`` asked for: the access token, its type and lifetime are sent
    id_token: bool = False
    # An application-initiated action's outcome (OIDCLoginProtocol.authenticated: after ``iss``, before the code).
    kc_action: str | None = None
    kc_action_status: str | None = None


async def respond(
    tx: Tx,
    services: Services,
    realm: Realm,
    client: Client,
    user: User,
    request: AuthRequest,
    *,
    ip_address: str,
    session: UserSession | None,
    fresh_login: bool,
    remember_me: bool = False,
    user_agent: str = "",
    new_id: str | None = None,
) -> AuthorizationResponse:
    """Join (or create, with ``new_id`` if given) the user session, attach the client, then store the code and
    mint the tokens asked for."""
    now = services.clock.now()
    kind = response_types.parse(request.response_type) or _CODE_ONLY  # "" in authentication sessions from before
    # "none" and the implicit flow attach the client and store no code
    session = await authorize.attach_client(
        tx,
        realm,
        client,
        user,
        request,
        now=now,
        ip_address=ip_address,
        session=session,
        remember_me=remember_me,
        user_agent=user_agent,
        fresh_login=fresh_login,
        new_id=new_id,
    )
    code: str | None = None
    if kind.has(response_types.CODE):
        code = await authorize.store_code(tx, realm, client, user, session, request, now=now, fresh_login=fresh_login)
    if not kind.implicit_or_hybrid:
        return AuthorizationResponse(session, code)
    tokens = await _mint(tx, services, realm, client, user, session, request, kind, code, fresh_login, ip_address)
    return AuthorizationResponse(
        session, code, tokens, kind.has(response_types.TOKEN), kind.has(response_types.ID_TOKEN)
    )


async def _mint(
    tx: Tx,
    services: Services,
    realm: Realm,
    client: Client,
    user: User,
    session: UserSession,
    request: AuthRequest,
    kind: response_types.ResponseType,
    code: str | None,
    fresh_login: bool,
    ip_address: str,
) -> Minted:
    """``TokenManager.responseBuilder(...).generateAccessToken()`` and, for ``id_token``, ``generateIDToken``
    with the hashes; the ID token is made whatever the scope, as Keycloak does here."""
    granted = await scope_rules.resolve(tx, client, request.scope)
    client_session = await tx.sessions.get_client_session(session.id, False, client.id)
    roles = await effective_roles(tx, user, client, granted.scopes)
    if not kind.implicit and granted.offline and client_session is not None and has_offline_access(roles):
        # OIDCLoginProtocol.authenticated (issue 39037): a hybrid response asking for offline access makes the
        # offline session now, so its tokens (of the offline session) serve before the code is exchanged.
        now = services.clock.now()
        session, client_session = await service.create_or_update_offline(
            tx, realm, client, session, client_session, now
        )
    ctx = issue.GrantContext(
        realm,
        client,
        user,
        session,
        client_session,
        granted,
        roles,
        GRANT_TYPE,
        nonce=request.nonce,
        acr=acr.login_acr(client, realm, request, fresh_login),
        implicit_flow=kind.implicit,
    )
    req = OAuthRequest(realm, request.issuer or "", Form([]), method="GET", ip_address=ip_address)
    minted = await issue.mint(tx, services, req, ctx, None)
    unsigned = {"access_token": minted.unsigned["access_token"]}
    if kind.has(response_types.ID_TOKEN):
        held = minted.unsigned.get("id_token")
        if held is None:  # no openid scope: the token endpoint would make none, the authorization endpoint does
            access = dict(minted.unsigned["access_token"].claims)
            held = await issue.id_token(
                tx, services, req, ctx, access, services.clock.now(), await issue.token_input(tx, ctx, req.base_url)
            )
        if client.attr_bool(DETACHED_SIGNATURE):
            held = _detached(held, client)
        unsigned["id_token"] = _hashed(held, kind, code, request.state)
    return Minted(
        user_id=minted.user_id,
        session_id=minted.session_id,
        access_jti=minted.access_jti,
        expires_in=minted.expires_in,
        token_type=minted.token_type,
        not_before_policy=minted.not_before_policy,
        scope=minted.scope,
        unsigned=unsigned,
    )


def _detached(token: Unsigned, client: Client) -> Unsigned:
    """``generateIDToken(isIdTokenAsDetachedSignature=true)``: the ID token without its mappers' claims (no user
    claims), its audience the client alone."""
    claims = {name: token.claims[name] for name in _DETACHED_CLAIMS if name in token.claims}
    claims["aud"] = client.client_id
    return Unsigned(claims, token.key, token.alg, token.encrypter)


def _hashed(token: Unsigned, kind: response_types.ResponseType, code: str | None, state: str | None) -> Unsigned:
    """The ID token with ``at_hash`` only next to an access token, ``c_hash`` next to a code and ``s_hash``
    for a non-empty state (``generateAccessTokenHash``, ``generateCodeHash``, ``generateStateHash``)."""
    claims: dict[str, Any] = {}
    for name, value in token.claims.items():
        if name != "at_hash":
            claims[name] = value
            continue
        if kind.has(response_types.TOKEN):
            claims["at_hash"] = value  # computed once the access token is signed
        if code is not None:
            claims["c_hash"] = token_hash(code, token.alg, token.key)
        if state:
            claims["s_hash"] = token_hash(state, token.alg, token.key)
    return Unsigned(claims, token.key, token.alg, token.encrypter)


def params(response: AuthorizationResponse, state: str | None, issuer: str, client: Client) -> dict[str, str]:
    """The response parameters in Keycloak's order: state, session_state, iss, kc_action, kc_action_status,
    code, id_token, access_token, token_type, expires_in. Signing happens here, so call it after the commit.
    The client may exclude ``session_state`` and ``iss`` (OIDCLoginProtocol.authenticated)."""
    out: dict[str, str] = {}
    if state is not None:
        out["state"] = state
    if not client.attr_bool(authorize.EXCLUDE_SESSION_STATE):
        out["session_state"] = response.session.id
    if not client.attr_bool(authorize.EXCLUDE_ISSUER):
        out["iss"] = issuer
    if response.kc_action_status is not None:
        if response.kc_action is not None:
            out["kc_action"] = response.kc_action
        out["kc_action_status"] = response.kc_action_status
    if response.code is not None:
        out["code"] = response.code
    if response.tokens is not None:
        signed = response.tokens.response()
        if response.id_token:
            out["id_token"] = signed["id_token"]
        if response.access_token:
            out["access_token"] = signed["access_token"]
            out["token_type"] = signed["token_type"]
            out["expires_in"] = str(signed["expires_in"])
    return out
