"""Minting the access, refresh/offline and ID tokens of one grant, and the token response (§2.6, §3).

Minting signs and reads (keys, clients for role claims); it never writes. The session and
rotation writes of a grant happen afterwards, once, in ``sessions.rotation.record_refresh``.
"""

from __future__ import annotations

import base64
import hashlib
import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from doorkeep import policy
from doorkeep.model import Client, ClientSession, Realm, Role, User, UserSession
from doorkeep.oauth import claims as claimset
from doorkeep.oauth.scopes import GrantedScopes
from doorkeep.tokens import TYPE_BEARER, TYPE_ID, TYPE_OFFLINE, TYPE_REFRESH, access_jti, new_id

if TYPE_CHECKING:
    from doorkeep.oauth.context import OAuthRequest, Services
    from doorkeep.store.tx import Tx


@dataclass(frozen=True)
class GrantContext:
    """Everything a token is made from: Keycloak's client-session context."""

    realm: Realm
    client: Client
    user: User
    user_session: UserSession | None  # None: a transient session (client credentials, no refresh token)
    client_session: ClientSession | None
    scopes: GrantedScopes
    roles: list[Role]
    grant_type: str
    nonce: str | None = None
    acr: str = "1"

    @property
    def offline(self) -> bool:
        return self.user_session is not None and self.user_session.offline


@dataclass(frozen=True)
class RefreshPlan:
    """How to mint the refresh token: its type, its family, and the scope it keeps."""

    offline: bool
    reuse_id: str | None
    full_scope: str


@dataclass(frozen=True)
class Minted:
    """Keycloak's AccessTokenResponse (``body``) and what the grant's event needs to know of it."""

    body: dict[str, Any]
    user_id: str
    session_id: str | None
    access_jti: str
    refresh_jti: str | None = None  # None: no refresh token in the response
    refresh_type: str | None = None


def _at_hash(token: str, alg: str) -> str:
    digest = {"256": hashlib.sha256, "384": hashlib.sha384, "512": hashlib.sha512}[alg[-3:]](token.encode()).digest()
    return base64.urlsafe_b64encode(digest[: len(digest) // 2]).rstrip(b"=").decode()


def signature_alg(realm: Realm, client: Client, attribute: str) -> str:
    return client.attr(attribute) or realm.default_signature_algorithm or "RS256"


async def _client_ids(tx: Tx, realm_id: str, roles: list[Role]) -> dict[str, str]:
    out: dict[str, str] = {}
    for client_uuid in {r.client_id for r in roles if r.client_id}:
        assert client_uuid is not None
        client = await tx.config.client_by_uuid(realm_id, client_uuid)
        if client:
            out[client_uuid] = client.client_id
    return out


async def access_claims(tx: Tx, req: OAuthRequest, ctx: GrantContext, now: int) -> dict[str, Any]:
    us, cs = ctx.user_session, ctx.client_session
    names = ctx.scopes.names
    if us is not None and cs is not None:
        exp = policy.access_token_exp(ctx.realm, ctx.client, us.offline, us.remember_me, now, cs.started, us.started)
    else:
        lifespan = policy.client_attr_timeout(ctx.client, "access.token.lifespan")
        exp = now + (lifespan if lifespan > 0 else ctx.realm.access_token_lifespan)
    claims: dict[str, Any] = {
        "exp": exp,
        "iat": now,
        "jti": access_jti(None if us is None else us.offline, ctx.grant_type),
        "iss": req.issuer,
    }
    if "basic" in names and us is not None:
        claims["auth_time"] = us.started
    roles = claimset.role_claims(ctx.roles, await _client_ids(tx, ctx.realm.id, ctx.roles), ctx.client.client_id) \
        if "roles" in names else {}
    if "aud" in roles:
        claims["aud"] = roles.pop("aud")
    claims["sub"] = ctx.user.id
    claims["typ"] = TYPE_BEARER
    claims["azp"] = ctx.client.client_id
    if us is not None:
        claims["sid"] = us.id
    if "acr" in names:
        claims["acr"] = ctx.acr
    if "web-origins" in names:
        origins = claimset.allowed_origins(ctx.client)
        if origins:
            claims["allowed-origins"] = origins
    claims.update(roles)
    claims["scope"] = ctx.scopes.token_scope()
    claims.update(claimset.user_claims(ctx.user, names))
    if ctx.user.service_account_client_id == ctx.client.id:
        claims.update(claimset.service_account_claims(ctx.client, req.ip_address))
    return claims


async def mint(
    tx: Tx, services: Services, req: OAuthRequest, ctx: GrantContext, refresh: RefreshPlan | None
) -> Minted:
    """Sign the tokens and assemble Keycloak's AccessTokenResponse; writes nothing."""
    now = services.clock.now()
    realm, client = ctx.realm, ctx.client
    access = await access_claims(tx, req, ctx, now)
    access_alg = signature_alg(realm, client, "access.token.signed.response.alg")
    access_token = await services.codec.sign(tx, realm.id, access, access_alg, now)
    body: dict[str, Any] = {"access_token": access_token, "expires_in": access["exp"] - now,
                            "refresh_expires_in": 0}
    us, cs = ctx.user_session, ctx.client_session
    refresh_jti: str | None = None
    refresh_type: str | None = None
    if refresh is not None and us is not None and cs is not None:
        token, exp, refresh_jti = await _refresh_token(tx, services, req, ctx, refresh, now)
        refresh_type = TYPE_OFFLINE if refresh.offline else TYPE_REFRESH
        body["refresh_token"] = token
        body["refresh_expires_in"] = 0 if exp is None else exp - now
    bearer = "bearer" if client.attr_bool("token.response.type.bearer.lower-case") else "Bearer"
    body["token_type"] = bearer
    if ctx.scopes.openid:
        body["id_token"] = await _id_token(tx, services, req, ctx, access, access_token, now)
    body["not-before-policy"] = policy.effective_not_before(realm, client, ctx.user.not_before)
    if us is not None:
        body["session_state"] = us.id
    body["scope"] = ctx.scopes.token_scope()
    return Minted(body, ctx.user.id, None if us is None else us.id, access["jti"], refresh_jti, refresh_type)


async def _refresh_token(
    tx: Tx, services: Services, req: OAuthRequest, ctx: GrantContext, plan: RefreshPlan, now: int
) -> tuple[str, int | None, str]:
    us, cs = ctx.user_session, ctx.client_session
    assert us is not None and cs is not None
    exp = policy.refresh_token_exp(ctx.realm, ctx.client, us.offline, us.remember_me, cs.started, now, us.started)
    jti = new_id()
    claims: dict[str, Any] = {}
    if exp is not None:
        claims["exp"] = exp
    claims.update({"iat": now, "jti": jti, "iss": req.issuer, "aud": req.issuer, "sub": ctx.user.id,
                   "typ": TYPE_OFFLINE if plan.offline else TYPE_REFRESH, "azp": ctx.client.client_id,
                   "sid": us.id, "scope": plan.full_scope})
    if plan.reuse_id is not None:
        claims["reuse_id"] = plan.reuse_id
    token = await services.codec.sign_internal(tx, ctx.realm.id, claims, now)
    return token, exp, jti


async def _id_token(
    tx: Tx, services: Services, req: OAuthRequest, ctx: GrantContext, access: dict[str, Any],
    access_token: str, now: int,
) -> str:
    alg = signature_alg(ctx.realm, ctx.client, "id.token.signed.response.alg")
    claims: dict[str, Any] = {"exp": access["exp"], "iat": now}
    if "auth_time" in access:
        claims["auth_time"] = access["auth_time"]
    claims.update({"jti": str(uuid.uuid4()), "iss": req.issuer, "aud": ctx.client.client_id,
                   "sub": ctx.user.id, "typ": TYPE_ID, "azp": ctx.client.client_id})
    if ctx.nonce:
        claims["nonce"] = ctx.nonce
    if "sid" in access:
        claims["sid"] = access["sid"]
    claims["at_hash"] = _at_hash(access_token, alg)
    if "acr" in access:
        claims["acr"] = access["acr"]
    claims.update(claimset.user_claims(ctx.user, ctx.scopes.names))
    return await services.codec.sign(tx, ctx.realm.id, claims, alg, now)


def new_family_plan(ctx: GrantContext, offline: bool) -> RefreshPlan:
    """A fresh refresh-token family: a reuse_id only while rotation is in force."""
    reuse = str(uuid.uuid4()) if policy.revoke_refresh_token(ctx.realm, ctx.client) else None
    return RefreshPlan(offline, reuse, ctx.scopes.full_scope())
