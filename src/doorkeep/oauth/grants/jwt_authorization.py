"""The JWT authorization grant (RFC 7523 §2.1 and §3; Keycloak's JWTAuthorizationGrantType, supported and on by
default since Keycloak 26.6, feature ``jwt-authorization-grant``).

A confidential client with ``oauth2.jwt.authorization.grant.enabled`` sends ``assertion``, a JWT an identity provider
it is allowed (``oauth2.jwt.authorization.grant.idp``) signed for a user already linked to that provider; it gets an
access token for that user, from a transient session: no refresh token, no ``sid``, nothing stored but the
assertion's ``jti`` (used once, unless the provider allows reuse). Every refusal is 400 ``invalid_grant`` with
Keycloak's text as the description and as the event's ``reason`` (event error ``invalid_request``), in Keycloak's
order, except that the ``jti`` is spent only once the signature is checked, so a forged assertion cannot burn
a genuine one's identifier.
"""

from __future__ import annotations

import dataclasses
import functools
from typing import TYPE_CHECKING, Any

from doorkeep import policy
from doorkeep.broker import authorization_grant as trust
from doorkeep.clientpolicies import enforce as client_policies
from doorkeep.clientpolicies.config_values import serialized_map
from doorkeep.clientpolicies.context import Event
from doorkeep.clientpolicies.enforce import Verdict
from doorkeep.errors import InvalidGrant, InvalidScope, OAuthError
from doorkeep.model import Client, User
from doorkeep.oauth import client_assertion, issue
from doorkeep.oauth import scopes as scope_rules
from doorkeep.oauth.client_assertion import Assertion, Malformed
from doorkeep.oauth.grants.common import bind_resource
from doorkeep.oauth.issue import GrantContext
from doorkeep.oauth.mappers import lightweight
from doorkeep.oauth.minted import Minted
from doorkeep.oauth.roles import effective_roles
from doorkeep.oauth.scopes import GrantedScopes

if TYPE_CHECKING:
    from doorkeep.oauth.context import OAuthRequest, Services
    from doorkeep.store.tx import Tx

GRANT_TYPE = "urn:ietf:params:oauth:grant-type:jwt-bearer"  # OAuth2Constants.JWT_AUTHORIZATION_GRANT
# OIDCConfigAttributes: the client's switch, the providers it accepts assertions of ("##"-separated), and per
# provider the audiences it accepts instead of the realm's (a MapperTypeSerializer JSON list of key/value pairs).
CLIENT_ENABLED = "oauth2.jwt.authorization.grant.enabled"
CLIENT_PROVIDERS = "oauth2.jwt.authorization.grant.idp"
CLIENT_AUDIENCE = "oauth2.jwt.authorization.grant.audience"
JTI_PREFIX = "defaultjwtauthorizationgrantvalidator"  # AbstractBaseJWTValidator.getJtiCacheKeyPrefix
ASYMMETRIC = client_assertion.ASYMMETRIC


def _refused(description: str) -> InvalidGrant:
    return InvalidGrant(description, event_error="invalid_request")


class _Trail:
    """What the event has learnt so far (the issuer, the provider, the user), put on a refusal as Keycloak's event
    builder carries it to the error event."""

    def __init__(self) -> None:
        self.details: dict[str, str] = {}
        self.user: User | None = None

    def mark(self, err: OAuthError) -> OAuthError:
        err.event_details = {**self.details, **err.event_details}
        err.event_details.setdefault("reason", err.description)
        if self.user is not None:
            err.event_user = self.user.id
        return err


async def grant(tx: Tx, services: Services, req: OAuthRequest, client: Client) -> Minted:
    trail = _Trail()
    try:
        return await _grant(tx, services, req, client, trail)
    except OAuthError as err:
        raise trail.mark(err) from None


def _parse(assertion: str | None) -> Assertion:
    if assertion is None:
        raise _refused("Missing parameter:assertion")
    try:
        return client_assertion.parse(assertion)
    except Malformed:
        raise _refused("The provided assertion is not a valid JWT") from None


def check_client(client: Client) -> None:
    """JWTAuthorizationGrantValidatorBase.validateClient: confidential, and switched on for the grant."""
    if client.public_client:
        raise _refused("Public client not allowed to use authorization grant")
    if not client.attr_bool(CLIENT_ENABLED):
        raise _refused("JWT Authorization Grant is not supported for the requested client")


def _provider(req: OAuthRequest, client: Client, issuer: str) -> dict[str, Any]:
    """The enabled provider trusting the issuer, allowed for this client."""
    try:
        provider = trust.find(req.realm.identity_providers, issuer)
    except trust.Ambiguous as err:
        raise _refused(str(err)) from None
    if provider is None:
        raise _refused("No Identity Provider for provided issuer")
    allowed = [alias for alias in client.attr(CLIENT_PROVIDERS).split("##") if alias]
    if provider.get("alias") not in allowed:
        raise _refused("Identity Provider is not allowed for the client")
    return provider


def lifespan(token: Assertion, limits: trust.Limits, now: int) -> int:
    """AbstractBaseJWTValidator.validateTokenActive: how long the ``jti`` is kept. An ``exp`` of 0, which Keycloak
    reads as never expiring and then keeps the ``jti`` for no time, is refused here as not active."""
    exp, iat, nbf = token.number("exp"), token.number("iat"), token.number("nbf")
    if exp is None:
        raise _refused("Token exp claim is required")
    if exp == 0 or policy.token_expired(exp, now) or not policy.token_not_before(nbf, now, limits.clock_skew):
        raise _refused("Token is not active")
    left = exp - now
    if iat is None:
        if left > limits.max_expiration:
            raise _refused("Token expiration is too far in the future and iat claim not present in token")
        return left
    if iat - limits.clock_skew > now:
        raise _refused("Token was issued in the future")
    left = min(left, limits.max_expiration)
    if left <= 0:
        raise _refused("Token is not active")
    if now > iat + limits.max_expiration:
        raise _refused("Token was issued too far in the past to be used now")
    return left


def check_algorithm(token: Assertion, expected: str | None) -> str:
    """validateSignatureAlgorithm: a known asymmetric algorithm, the provider's one when it names one."""
    alg = token.header.get("alg")
    if not isinstance(alg, str) or alg not in ASYMMETRIC or (expected is not None and alg != expected):
        raise _refused("Invalid signature algorithm")
    return alg


def audiences(req: OAuthRequest, client: Client, provider: dict[str, Any]) -> list[str]:
    """The client's audiences for this provider, else the provider's (the realm's issuer and token endpoint)."""
    raw = client.attributes.get(CLIENT_AUDIENCE)
    try:
        by_alias = serialized_map(raw, CLIENT_AUDIENCE) or {}
    except ValueError:  # MapperTypeSerializer.deserialize's RuntimeException
        raise _refused(f"Could not deserialize json: {raw}") from None
    return by_alias.get(str(provider.get("alias")), []) or trust.audiences(provider, req.issuer)


def check_audience(token: Assertion, valid: list[str]) -> None:
    """validateTokenAudience, several audiences not allowed."""
    found = token.audiences()
    if not set(found) & set(valid):
        raise _refused("Invalid token audience")
    if len(found) > 1:
        raise _refused("Multiple audiences not allowed")


async def _user(tx: Tx, req: OAuthRequest, alias: str, subject: str, trail: _Trail) -> User:
    """The user linked to the provider's subject: never created here, and enabled with nothing left to do."""
    user_id = await tx.federated.user_of(req.realm.id, alias, subject)
    user = await tx.users.get(user_id) if user_id is not None else None
    if user is None:
        raise _refused("User not found")
    if not user.enabled:
        raise _refused("User is not enabled")
    if user.required_actions:
        raise _refused("Account is not fully set up")
    trail.user = user
    trail.details["username"] = user.username
    return user


async def _spend(tx: Tx, token: Assertion, kept: int, now: int, *, record: bool) -> None:
    """validateTokenReuse: the ``jti`` once, kept for the assertion's lifespan."""
    jti = token.text("jti")
    if jti is None:
        raise _refused("Token jti claim is required")
    if not await client_assertion.jti_fresh(tx, f"{JTI_PREFIX}:{jti}", now + kept, now, record):
        raise _refused("Token reuse detected")


async def _scopes(tx: Tx, client: Client, user: User, scope_param: str | None) -> GrantedScopes:
    """getRequestedScopes: an unknown scope is ``invalid_scope``, the event's error ``invalid_request``."""
    try:
        scope_rules.check_names(scope_param)
        return await scope_rules.permitted(tx, user, await scope_rules.resolve(tx, client, scope_param))
    except InvalidScope as err:
        err.event_error = "invalid_request"
        raise


async def _trusted(
    tx: Tx, req: OAuthRequest, client: Client, token: Assertion, trail: _Trail, now: int
) -> tuple[dict[str, Any], trust.Limits, int]:
    """The assertion as its issuer's provider judges it, through its signature (validateClient, validateIssuer,
    validateSubject, the lookup, validateTokenActive, validateSignatureAlgorithm, the provider's own check): the
    provider, its limits, and how long the ``jti`` is kept."""
    issuer, subject = token.text("iss"), token.text("sub")
    for key, value in (("identity_provider_issuer", issuer), ("identity_provider_user_id", subject)):
        if value:  # EventBuilder.detail keeps no empty value
            trail.details[key] = value
    check_client(client)
    if issuer is None:
        raise _refused("Missing claim: iss")
    if subject is None:
        raise _refused("Missing claim: sub")
    provider = _provider(req, client, issuer)
    trail.details["identity_provider"] = str(provider["alias"])
    limits = trust.limits(provider)
    kept = lifespan(token, limits, now)
    if not limits.reuse_allowed:
        await _spend(tx, token, kept, now, record=False)
    check_algorithm(token, limits.signature_alg)
    if not trust.grant_enabled(provider):  # OIDCIdentityProvider.validateAuthorizationGrantAssertion
        raise _refused("JWT Authorization Granted is not enabled for the identity provider")
    keys = req.client_keys
    lookup = functools.partial(keys.provider_key, req.realm.id, provider) if keys is not None else None
    if not await trust.signature_valid(provider, req.form.get("assertion") or "", lookup):
        raise _refused("Invalid signature")
    return provider, limits, kept


async def _policies(
    tx: Tx, req: OAuthRequest, client: Client, provider: dict[str, Any], granted: GrantedScopes
) -> tuple[Verdict, GrantedScopes]:
    """JWTAuthorizationGrantContext's client policies (a refusal is the executor's error, the event's reason
    client_policy_error), and the granted scopes cut to the ones downscope-assertion-grant-enforcer leaves."""
    event, scope, alias = Event.JWT_AUTHORIZATION_GRANT, req.form.get("scope"), str(provider["alias"])
    verdict = await client_policies.on_request(
        tx, req.realm, event, client, req.form, scope=scope, identity_provider=alias
    )
    if verdict.restricted_scopes is not None:  # getRestrictedScopes
        restricted = verdict.restricted_scopes
        granted = GrantedScopes(tuple(s for s in granted.scopes if s.name in restricted), granted.openid)
    return verdict, granted


async def _grant(tx: Tx, services: Services, req: OAuthRequest, client: Client, trail: _Trail) -> Minted:
    token = _parse(req.form.get("assertion"))
    now = services.clock.now()
    provider, limits, kept = await _trusted(tx, req, client, token, trail, now)
    user = await _user(tx, req, str(provider["alias"]), token.text("sub") or "", trail)
    granted = await _scopes(tx, client, user, req.form.get("scope"))
    verdict, granted = await _policies(tx, req, client, provider, granted)
    if not verdict.audience_validated:  # jwt-authorization-grant-audience: setAudienceAlreadyValidated
        check_audience(token, audiences(req, client, provider))
    client = lightweight.for_request(client, verdict.lightweight_access_token)  # use-lightweight-access-token
    roles = await effective_roles(tx, user, client, granted.scopes)
    ctx = GrantContext(req.realm, client, user, None, None, granted, roles, GRANT_TYPE)
    ctx = await bind_resource(tx, services, req, ctx)  # resource-indicators: its last check
    if not limits.reuse_allowed:  # the one write: the jti spent, once nothing is left to refuse
        await _spend(tx, token, kept, now, record=True)
    minted = await issue.mint(tx, services, req, ctx, None)
    if limits.limit_access_token_exp:
        minted = _capped(minted, token.number("exp"), now)
    return dataclasses.replace(minted, event_details={**minted.event_details, **trail.details})


def _capped(minted: Minted, exp: int | None, now: int) -> Minted:
    """``jwtAuthorizationGrantLimitAccessTokenExp``: the access token expires no later than the assertion."""
    access = minted.unsigned["access_token"]
    if exp is None or exp >= access.claims["exp"]:
        return minted
    unsigned = {**minted.unsigned, "access_token": dataclasses.replace(access, claims={**access.claims, "exp": exp})}
    return dataclasses.replace(minted, unsigned=unsigned, expires_in=exp - now)
