"""Minting the access, refresh/offline and ID tokens of one grant, and the token response (§2.6, §3).

Minting reads (keys, clients for role claims); it never writes. The session and rotation writes
of a grant happen afterwards, once, in ``sessions.rotation.record_refresh``. The signatures are
made last, by ``Minted.response()``, after the grant's transaction has committed (issue #8: no
signing while SQLite's write lock is held).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, cast

from doorkeep import policy
from doorkeep.keys.material import HMAC_ALG, LoadedKey
from doorkeep.model import Client, ClientSession, ProtocolMapper, Realm, RefreshFamily, Role, User, UserSession
from doorkeep.numbers import INT_MAX
from doorkeep.oauth import actor, admin_role_claims, dpop, token_encryption
from doorkeep.oauth.mappers import claims as mappings
from doorkeep.oauth.mappers import lightweight
from doorkeep.oauth.mappers.claims import MapperInput
from doorkeep.oauth.mappers.context import CLIENT_SESSION_NOTE_MAPPER, mapper_input, picked_of, token_mappers
from doorkeep.oauth.mappers.types import NONCE_MAPPER
from doorkeep.oauth.minted import Minted, RefreshTokenClaims, Unsigned
from doorkeep.oauth.scopes import GrantedScopes
from doorkeep.organizations import selected
from doorkeep.tokens import TYPE_BEARER, TYPE_ID, TYPE_OFFLINE, TYPE_REFRESH, access_jti, new_id

SESSION_NOTE_MAPPER = "oidc-usersessionmodel-note-mapper"
# The mappers that read what differs between two sessions of one user (MapperInput's ``session`` and ``acr``).
SESSION_MAPPERS = frozenset({SESSION_NOTE_MAPPER, "oidc-acr-mapper"})
CALLERS_KEPT = 256
# OIDCConfigAttributes.ACCESS_TOKEN_SIGNED_RESPONSE_KID / ID_TOKEN_SIGNED_RESPONSE_KID (Keycloak 26.8): the key a client
# wants its tokens signed with ([UNVERIFIED] attribute strings, by analogy with the *.signed.response.alg ones)
ACCESS_KID = "access.token.signed.response.kid"
ID_KID = "id.token.signed.response.kid"
RFC9068_HEADER_TYPE = "access.token.header.type.rfc9068"  # Keycloak 26.2: Use "at+jwt" as access token header type

if TYPE_CHECKING:
    from doorkeep.oauth.context import OAuthRequest, Services
    from doorkeep.oauth.resource_indicators import Binding
    from doorkeep.store.tx import Tx


@dataclass
class TransientGrant:
    """What grants derive from the configuration and their user alone, kept while neither changes:
    - of a transient session (client_credentials without a refresh token), for one ``scope`` parameter, kept with
      the service account (store/config_cache.py ``ServiceAccount``) and dropped with it;
    - of a refresh (``per_session``), for one client, user and scope, kept by ``CachedConfig.kept``. The mappers
      that read the session (its notes, ``auth_time``) or its ``acr`` then run on every refresh."""

    scopes: GrantedScopes | None = None
    roles: list[Role] | None = None
    per_session: bool = False
    grant_roles: list[Role] | None = None  # a refresh's: the roles of the token's own scope (the offline check)
    # The last refresh's input for its session mappers (its session, acr, the kept input, and that input with them)
    session_input: tuple[UserSession | None, str, MapperInput, MapperInput] | None = None
    mapper_input: tuple[list[ProtocolMapper], MapperInput] | None = None
    claims: dict[str, dict[str, Any]] = field(default_factory=dict)  # by token (mappings.ACCESS, mappings.ID)
    # The grant's mappers split once: those whose claims are kept, and the session-note mappers, which read the
    # notes of each grant (the caller's address) and run every time.
    fixed_mappers: list[ProtocolMapper] | None = None
    caller_mappers: list[ProtocolMapper] | None = None
    # What those give, per token and notes (a grant's notes are its client's id and its caller's address), for the
    # last CALLERS_KEPT callers; a fleet of more empties it, the kept claims stay.
    caller_claims: dict[tuple[str, tuple[str, ...]], dict[str, Any]] = field(default_factory=dict)


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
    # What tokens of a transient session derive from the configuration and the user alone, kept by the caller
    # for as long as neither changes; None: not kept.
    kept: TransientGrant | None = None
    # Tokens of the implicit flow (from the authorization endpoint, no code): the realm's
    # accessTokenLifespanForImplicitFlow (TokenManager.getTokenExpiration).
    implicit_flow: bool = False
    # Token exchange: the client session exists only for this request (AccessTokenContext's
    # ONLINE/OFFLINE_TRANSIENT_CLIENT), and the audiences the ``audience`` parameter asked for, which
    # the access token's ``aud`` and ``resource_access`` are cut down to (TokenManager.restrictRequestedAudience).
    transient_client: bool = False
    requested_audience: tuple[str, ...] | None = None
    # The notes of a transient session (client credentials without a refresh token), which nothing stores.
    notes: Mapping[str, str] | None = None
    # The resource-indicators feature: the resource the tokens are for (oauth/resource_indicators.py), the access
    # token's one audience and the refresh token's ``resource`` claim.
    resource: Binding | None = None

    @property
    def offline(self) -> bool:
        return self.user_session is not None and self.user_session.offline


REFRESH_GRANT = "refresh_token"  # the GrantContext.grant_type of a refresh


@dataclass(frozen=True)
class RefreshPlan:
    """How to mint the refresh token: its type, its family, and the scope it keeps."""

    offline: bool
    reuse_id: str | None
    full_scope: str
    # A retry inside the refresh grace period: mint the family's newest token again (same jti, iat, exp).
    replay: RefreshFamily | None = None
    # A refresh: the alias of the organization the login selected, kept from the token refreshed (its claim).
    organization: str | None = None


def signature_alg(realm: Realm, client: Client, attribute: str) -> str:
    return client.attr(attribute) or realm.default_signature_algorithm or "RS256"


# The claims Keycloak's AccessToken / IDToken classes declare, in their JSON order; mapped claims that
# are not among them follow (Keycloak's "other claims").
ACCESS_ORDER = (
    "exp",
    "iat",
    "auth_time",
    "jti",
    "iss",
    "aud",
    "sub",
    "typ",
    "azp",
    "nonce",
    "sid",
    "acr",
    "allowed-origins",
    "realm_access",
    "resource_access",
    "scope",
)


def _audience(values: list[str]) -> str | list[str]:
    return values[0] if len(values) == 1 else list(values)


def _restrict_audience(audience: list[str], mapped: dict[str, Any], requested: tuple[str, ...]) -> list[str]:
    """TokenManager.restrictRequestedAudience: the mapped audiences that were asked for, and only their
    ``resource_access`` entries (a token without audience is left as it is)."""
    if not audience:
        return audience
    kept = [a for a in audience if a in requested]
    access = mapped.get("resource_access")
    if isinstance(access, dict):
        mapped["resource_access"] = {k: v for k, v in access.items() if k in kept}
    return kept


def _ordered(claims: dict[str, Any]) -> dict[str, Any]:
    first = {k: claims[k] for k in ACCESS_ORDER if k in claims}
    return first | {k: v for k, v in claims.items() if k not in first}


async def token_input(tx: Tx, ctx: GrantContext, base_url: str) -> tuple[list[ProtocolMapper], MapperInput]:
    """The mappers of this grant (client and granted scopes) and what they read, gathered once."""
    kept = ctx.kept
    if kept is not None and kept.mapper_input is not None:
        return kept.mapper_input
    mappers = token_mappers(ctx.client, ctx.scopes.scopes)
    gathered = (
        mappers,
        await mapper_input(
            tx,
            ctx.client,
            ctx.user,
            ctx.user_session,
            ctx.roles,
            mappers,
            ctx.acr,
            base_url=base_url,
            notes=ctx.notes,
            scopes=ctx.scopes.scopes,
            picked=picked_of(ctx.client_session),
            client_session=ctx.client_session,
        ),
    )
    if kept is not None and not any(m.mapper == CLIENT_SESSION_NOTE_MAPPER for m in mappers):
        kept.mapper_input = gathered  # never what one client session's notes give (ClientSessionNoteMapper)
    return gathered


def _mapped(ctx: GrantContext, mapped_input: tuple[list[ProtocolMapper], MapperInput], token: str) -> dict[str, Any]:
    """The claims the grant's mappers give ``token``; a copy of the top level, which the caller takes claims from.
    Nothing below the top level of claims is changed once made (a test checks this of kept claims)."""
    kept = ctx.kept
    if kept is None or kept.mapper_input is None:  # None: the mappers read the client session (token_input)
        return mappings.apply(*mapped_input, token)
    mappers, data = mapped_input
    if kept.caller_mappers is None:  # the session-note mappers read the caller's notes (its address): never kept
        varying = SESSION_MAPPERS if kept.per_session else {SESSION_NOTE_MAPPER}
        kept.caller_mappers = [m for m in mappers if m.mapper in varying]
        kept.fixed_mappers = [m for m in mappers if m.mapper not in varying]
    claims = kept.claims.get(token)
    if claims is None:
        claims = kept.claims[token] = mappings.apply(kept.fixed_mappers or [], data, token)
    out = dict(claims)
    if kept.per_session:
        return _with_session(ctx, mappers, data, token, out, kept.caller_mappers)
    if kept.caller_mappers and ctx.notes:
        key = (token, tuple(ctx.notes.values()))
        extra = kept.caller_claims.get(key)
        if extra is None:
            if len(kept.caller_claims) >= CALLERS_KEPT:
                kept.caller_claims.clear()
            data = dataclasses.replace(data, notes=ctx.notes)
            extra = kept.caller_claims[key] = mappings.apply(kept.caller_mappers, data, token)
        _merge(out, extra)
    return out


def _with_session(
    ctx: GrantContext,
    mappers: list[ProtocolMapper],
    data: MapperInput,
    token: str,
    out: dict[str, Any],
    session_mappers: list[ProtocolMapper],
) -> dict[str, Any]:
    """A refresh's kept claims and what its session's mappers give now. A session's claim that a kept mapper
    also writes (the same top-level name) would depend on the mappers' order: then every mapper runs again."""
    if not session_mappers:
        return out
    data = _session_input(ctx, data)
    extra = mappings.apply(session_mappers, data, token)
    if extra.keys() & out.keys():
        return mappings.apply(mappers, data, token)
    out.update(extra)
    return out


def _session_input(ctx: GrantContext, data: MapperInput) -> MapperInput:
    """The kept input with this grant's session and ``acr``, made once for the grant's tokens."""
    kept = ctx.kept
    assert kept is not None
    last = kept.session_input
    if last is not None and last[0] is ctx.user_session and last[1] == ctx.acr and last[2] is data:
        return last[3]
    made = dataclasses.replace(data, session=ctx.user_session, acr=ctx.acr)
    kept.session_input = (ctx.user_session, ctx.acr, data, made)
    return made


def _merge(into: dict[str, Any], extra: dict[str, Any]) -> None:
    """``extra``'s claims into ``into``, copying a nested object before adding to it (``into`` shares its nested
    objects with kept claims, which must not change)."""
    for key, value in extra.items():
        held = into.get(key)
        if isinstance(held, dict) and isinstance(value, dict):
            into[key] = merged = dict(held)
            _merge(merged, value)
        elif key not in into:
            into[key] = value


async def access_claims(
    tx: Tx,
    req: OAuthRequest,
    ctx: GrantContext,
    now: int,
    mapped_input: tuple[list[ProtocolMapper], MapperInput] | None = None,
) -> dict[str, Any]:
    us, cs = ctx.user_session, ctx.client_session
    if us is not None and cs is not None:
        exp = policy.access_token_exp(
            ctx.realm, ctx.client, us.offline, us.remember_me, now, cs.started, us.started, ctx.implicit_flow
        )
    else:
        lifespan = policy.client_attr_timeout(ctx.client, "access.token.lifespan", INT_MAX)
        exp = now + (lifespan if lifespan > 0 else ctx.realm.access_token_lifespan)
    kind = lightweight.access_kind(ctx.client, mappings.ACCESS)
    mapped_input = mapped_input or await token_input(tx, ctx, req.base_url)
    mapped = _mapped(ctx, mapped_input, kind)
    # AdminRoleTokenPostProcessor: no admin role the user does not hold (CVE-2026-4629 / CVE-2026-16102)
    data = mapped_input[1]
    await admin_role_claims.post_process(tx, ctx.realm.name, ctx.client, ctx.user, ctx.roles, data.role_clients, mapped)
    claims: dict[str, Any] = {
        "exp": exp,
        "iat": now,
        "jti": access_jti(
            None if us is None else us.offline,
            ctx.grant_type,
            transient_client=ctx.transient_client,
            lightweight=kind != mappings.ACCESS,
        ),
        "iss": req.issuer,
    }
    audience = mapped.pop(mappings.AUDIENCE, [])
    if ctx.requested_audience is not None:
        audience = _restrict_audience(audience, mapped, ctx.requested_audience)
    if ctx.resource is not None:  # ResourceIndicatorsPostProcessor: the one audience the resource names
        audience = [ctx.resource.audience]
    if audience:
        claims["aud"] = _audience(audience)
    sub = mappings.access_subject(mapped, ctx.user.id, transient=us is None)
    if sub is not None:
        claims["sub"] = sub
    # DPoPUtil's transient mapper: a token request with a proof gets a token bound to the proof's key.
    bound = req.dpop is not None and not req.dpop_refresh_only
    claims["typ"] = dpop.SCHEME if bound else TYPE_BEARER
    claims["azp"] = ctx.client.client_id
    # A lightweight token takes only mappers switched on for it (``lightweight.claim``); the nonce mapper has none.
    if ctx.nonce and kind == mappings.ACCESS and any(m.mapper == NONCE_MAPPER for m in mapped_input[0]):
        claims["nonce"] = ctx.nonce
    if us is not None:
        claims["sid"] = us.id
    claims["scope"] = ctx.scopes.token_scope()
    if bound and req.dpop is not None:
        claims["cnf"] = {"jkt": req.dpop.thumbprint}
    _act(claims, us)
    claims.update({k: v for k, v in mapped.items() if k not in claims})
    return _ordered(claims)


def _act(claims: dict[str, Any], session: UserSession | None) -> None:
    """Keycloak 26.8: a token of an impersonation session names the administrator (``act``), first of the other
    claims, and no mapper's claim of that name replaces it (oauth/actor.py)."""
    act = actor.claim(session)
    if act is not None:
        claims[actor.ACT] = act


async def access_audience(tx: Tx, req: OAuthRequest, ctx: GrantContext) -> list[str]:
    """The audience the grant's mappers give its access token, before a resource narrows it."""
    mapped_input = await token_input(tx, ctx, req.base_url)
    mapped = _mapped(ctx, mapped_input, lightweight.access_kind(ctx.client, mappings.ACCESS))
    return list(mapped.get(mappings.AUDIENCE, []))


async def mint(
    tx: Tx,
    services: Services,
    req: OAuthRequest,
    ctx: GrantContext,
    refresh: RefreshPlan | None,
    *,
    with_id_token: bool | None = None,
) -> Minted:
    """Sign the tokens and assemble Keycloak's AccessTokenResponse; writes nothing. An ID token comes with
    ``openid`` in the scope, unless ``with_id_token`` says otherwise (token exchange asks for one)."""
    now = services.clock.now()
    realm, client = ctx.realm, ctx.client
    mapped_input = await token_input(tx, ctx, req.base_url)
    access = await access_claims(tx, req, ctx, now, mapped_input)
    access_alg = signature_alg(realm, client, "access.token.signed.response.alg")
    access_key = await _key(tx, services, realm, access_alg, now, client.attributes.get(ACCESS_KID))
    unsigned = {"access_token": Unsigned(access, access_key, access_alg, typ=access_header_type(client))}
    us, cs = ctx.user_session, ctx.client_session
    refresh_jti: str | None = None
    refresh_type: str | None = None
    refresh_expires_in = 0
    if refresh is not None and us is not None and cs is not None:
        refresh_claims = _refresh_claims(req, ctx, refresh, now, access.get("nonce"))
        # OrganizationTokenPostProcessor: the selected organization's alias, from the login or the token refreshed
        if ctx.grant_type == REFRESH_GRANT:
            organization = refresh.organization
        else:
            organization = await selected.at_login(tx, realm, ctx.user, cs, ctx.scopes.scopes)
        if organization is not None:
            refresh_claims["organization"] = organization
        cnf = access.get("cnf") or ({"jkt": req.dpop.thumbprint} if req.dpop and req.dpop_refresh_only else None)
        if client.public_client and cnf:  # RFC 9449 §5: only a public client's refresh token is bound
            refresh_claims["cnf"] = cnf
        unsigned["refresh_token"] = Unsigned(refresh_claims, await _key(tx, services, realm, HMAC_ALG, now), HMAC_ALG)
        refresh_jti, refresh_type = refresh_claims["jti"], refresh_claims["typ"]
        refresh_expires_in = refresh_claims["exp"] - now if "exp" in refresh_claims else 0
    if ctx.scopes.openid if with_id_token is None else with_id_token:
        unsigned["id_token"] = await id_token(tx, services, req, ctx, access, now, mapped_input)
    return Minted(
        user_id=ctx.user.id,
        session_id=None if us is None else us.id,
        access_jti=access["jti"],
        expires_in=access["exp"] - now,
        token_type=_token_type(client, access),
        not_before_policy=policy.effective_not_before(realm, client, ctx.user.not_before),
        scope=ctx.scopes.token_scope(),
        unsigned=unsigned,
        refresh_jti=refresh_jti,
        refresh_type=refresh_type,
        refresh_expires_in=refresh_expires_in,
        response_claims=_mapped(ctx, mapped_input, mappings.RESPONSE),
        event_details=actor.event_details(us),  # Keycloak 26.8: who impersonates, on the grant's event
    )


def access_header_type(client: Client) -> str:
    """DefaultTokenManager.type(ACCESS): ``at+jwt`` (RFC 9068 §2.1) for a client with Keycloak 26.2's
    ``access.token.header.type.rfc9068``, else ``JWT``."""
    return "at+jwt" if client.attr_bool(RFC9068_HEADER_TYPE) else "JWT"


def _token_type(client: Client, access: dict[str, Any]) -> str:
    """TokenManager.formatTokenType: the access token's type (Bearer, or DPoP for a bound one), lower-cased when
    the client asks for it."""
    kind = str(access.get("typ", TYPE_BEARER))
    return kind.lower() if client.attr_bool("token.response.type.bearer.lower-case") else kind


async def _key(tx: Tx, services: Services, realm: Realm, alg: str, now: int, kid: object = None) -> LoadedKey:
    """The realm's signing key for ``alg``, or the one the client names by ``kid`` (keys/ring.signing_key)."""
    return await services.keyring.signing_key(tx, realm.id, alg, now, kid if isinstance(kid, str) and kid else None)


def _refresh_claims(
    req: OAuthRequest, ctx: GrantContext, plan: RefreshPlan, now: int, nonce: Any
) -> RefreshTokenClaims:
    """Keycloak's ``RefreshToken(AccessToken)``: the access token's ``nonce`` is copied (the nonce mapper put it
    there), so that a refresh finds it again."""
    us, cs = ctx.user_session, ctx.client_session
    assert us is not None and cs is not None
    exp = policy.refresh_token_exp(ctx.realm, ctx.client, us, cs, now)
    jti, iat = new_id(), now
    if plan.replay is not None and plan.replay.latest_jti is not None and plan.replay.latest_iat is not None:
        jti, iat, exp = plan.replay.latest_jti, plan.replay.latest_iat, plan.replay.latest_exp  # same successor
    claims: dict[str, Any] = {} if exp is None else {"exp": exp}  # exp first, as in Keycloak's JSON
    claims |= {
        "iat": iat,
        "jti": jti,
        "iss": req.issuer,
        "aud": req.issuer,
        "sub": ctx.user.id,
        "typ": TYPE_OFFLINE if plan.offline else TYPE_REFRESH,
        "azp": ctx.client.client_id,
    }
    if isinstance(nonce, str):
        claims["nonce"] = nonce
    claims |= {"sid": us.id, "scope": plan.full_scope}
    if plan.reuse_id is not None:
        claims["reuse_id"] = plan.reuse_id
    if ctx.resource is not None:  # the resource a refresh of this token must keep (ResourceIndicatorsPostProcessor)
        claims["resource"] = ctx.resource.resource
    return cast("RefreshTokenClaims", claims)


async def id_token(
    tx: Tx,
    services: Services,
    req: OAuthRequest,
    ctx: GrantContext,
    access: dict[str, Any],
    now: int,
    mapped_input: tuple[list[ProtocolMapper], MapperInput],
) -> Unsigned:
    alg = signature_alg(ctx.realm, ctx.client, "id.token.signed.response.alg")
    mapped = _mapped(ctx, mapped_input, mappings.ID)
    claims: dict[str, Any] = {"exp": access["exp"], "iat": now}
    claims.update(
        {
            "jti": new_id(),
            "iss": req.issuer,
            "aud": _audience(list(dict.fromkeys([ctx.client.client_id, *mapped.pop(mappings.AUDIENCE, [])]))),
            # A mapper writing ``sub`` sets the subject (OIDCAttributeMapperHelper's property setters).
            "sub": mappings.subject(mapped.pop("sub", ctx.user.id)),
            "typ": TYPE_ID,
            "azp": ctx.client.client_id,
        }
    )
    if ctx.nonce:
        claims["nonce"] = ctx.nonce
    if "sid" in access:
        claims["sid"] = access["sid"]
    claims["at_hash"] = ""  # its place in the claims; the value once the access token is signed
    _act(claims, ctx.user_session)
    claims.update({k: v for k, v in mapped.items() if k not in claims})
    encrypter = await token_encryption.id_token_encrypter(services, ctx.client)
    key = await _key(tx, services, ctx.realm, alg, now, ctx.client.attributes.get(ID_KID))
    return Unsigned(_ordered(claims), key, alg, encrypter)


# AccessTokenIntrospectionProvider.getAccessTokenFromStoredData: what introspection keeps of a token.
INTROSPECTED = ("exp", "iat", "jti", "iss", "aud", "sub", "typ", "azp", "nonce", "sid", "scope", "cnf")


def introspected_claims(token: dict[str, Any], mapped: dict[str, Any]) -> dict[str, Any]:
    """A token as introspection shows it (``transformAccessToken``): its basic claims, then what the mappers
    that feed introspection give now; a claim no such mapper gives is not shown, whatever the token holds.
    Audience mappers add to the token's ``aud``; a mapped ``sub`` replaces the subject."""
    claims = {k: token[k] for k in INTROSPECTED if k in token}
    audience = claims.get("aud")
    held = [audience] if isinstance(audience, str) else list(audience or [])
    added = [a for a in mapped.pop(mappings.AUDIENCE, []) if a not in held]
    if added:
        claims["aud"] = _audience(held + added)
    if "sub" in mapped:
        claims["sub"] = mappings.subject(mapped.pop("sub"))
    claims.update({k: v for k, v in mapped.items() if k not in claims})
    return _ordered(claims)


def new_family_plan(ctx: GrantContext, offline: bool) -> RefreshPlan:
    """A fresh refresh-token family: a reuse_id only while rotation is in force."""
    reuse = new_id() if policy.revoke_refresh_token(ctx.realm, ctx.client) else None
    return RefreshPlan(offline, reuse, ctx.scopes.full_scope())
