"""Where the protocol and the client writes meet the client policies: the facts a run needs read through
the transaction's repositories (only when the realm enables a policy), and a refusal turned into the answer
Keycloak gives at that point: an OAuth error at the token and authorization endpoints (TokenEndpoint's and
AuthorizationEndpoint's ``catch (ClientPolicyException cpe)``), ``{"error", "error_description"}`` with 400 for a
client registered or updated through the admin API or dynamic registration."""

from __future__ import annotations

import copy
import dataclasses
import functools
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from doorkeep import errors as e
from doorkeep.clientpolicies import engine, secret_rotation
from doorkeep.clientpolicies import updater as updater_facts
from doorkeep.clientpolicies.context import (
    BY_AUTHENTICATED_USER,
    Backchannel,
    ClientFacts,
    ClientPolicyViolation,
    Event,
    Params,
    PolicyContext,
    RequestFacts,
)
from doorkeep.clientpolicies.executors import DPOP_ATTRIBUTE
from doorkeep.errors import AdminError
from doorkeep.model import Client, Realm, User

if TYPE_CHECKING:
    from doorkeep.store.tx import Tx

CLIENT_POLICY_ERROR = "client_policy_error"  # Details.CLIENT_POLICY_ERROR
_OAUTH_ERRORS: dict[str, type[e.OAuthError]] = {"invalid_request": e.InvalidRequest, "invalid_grant": e.InvalidGrant}


@functools.cache
def _refusal(code: str) -> type[e.OAuthError]:
    """An OAuthError class for an executor's code Doorkeep has none for (``invalid_client`` is one: Keycloak
    sends a policy's ``invalid client access type`` back to the redirect URI, which InvalidClient never is)."""
    return type(f"ClientPolicyRefusal[{code}]", (e.OAuthError,), {"error": code})


def oauth_error(violation: ClientPolicyViolation) -> e.OAuthError:
    """The refusal as the endpoints answer a ClientPolicyException: its status (400 unless the executor set another),
    the executor's error and detail; the
    event records the error, its reason ``client_policy_error`` and the two (Details.CLIENT_POLICY_ERROR*)."""
    cls = _OAUTH_ERRORS.get(violation.error) or _refusal(violation.error)
    err = cls(violation.description, status=violation.status)
    err.event_details.update(
        {
            "reason": CLIENT_POLICY_ERROR,
            CLIENT_POLICY_ERROR: violation.error,
            "client_policy_error_detail": violation.description,
        }
    )
    return err


async def client_facts(tx: Tx, client: Client) -> ClientFacts:
    links = await tx.clients.scopes(client.id)
    roles = await tx.roles.list_client_roles(client.id)
    return ClientFacts(
        public=client.public_client,
        bearer_only=client.bearer_only,
        client_id=client.client_id,
        dpop_bound=client.attr_bool(DPOP_ATTRIBUTE),
        consent_required=client.consent_required,
        full_scope_allowed=client.full_scope_allowed,
        role_names=frozenset(r.name for r in roles),
        default_scopes=frozenset(s.name for s, default in links if default),
        optional_scopes=frozenset(s.name for s, default in links if not default),
        attributes={k: v for k, v in client.attributes.items() if isinstance(v, str)},
        protocol=client.protocol,
        secret_expires=secret_rotation.EXPIRATION_TIME in client.attributes,
        standard_flow=client.standard_flow_enabled,
        implicit_flow=client.implicit_flow_enabled,
        default_scopes_outside_token=frozenset(
            s.name for s, default in links if default and not s.include_in_token_scope
        ),
    )


@dataclasses.dataclass(frozen=True)
class Verdict:
    """What the executors asked of a protocol request they let through: the DPoP proof binds the refresh token
    only (dpop-bind-enforcer); the access tokens are lightweight (use-lightweight-access-token)."""

    bind_only_refresh_token: bool = False
    lightweight_access_token: bool = False
    auth_flow_alias: str | None = None  # auth-flow-enforcer: the flow the login runs, and the level it grants
    auth_flow_loa: int | None = None
    restricted_scopes: frozenset[str] | None = None  # downscope-assertion-grant-enforcer at a token exchange
    audience_validated: bool = False  # jwt-authorization-grant-audience: the assertion's audience is allowed


async def on_request(
    tx: Tx,
    realm: Realm,
    event: Event,
    client: Client,
    params: Params,
    *,
    scope: str | None = None,
    implicit_or_hybrid: bool = False,
    redirect_uri: str | None = None,
    dpop_proof: bool = False,
    requested_acr: tuple[str, ...] = (),
    now: int = 0,
    request: RequestFacts | None = None,
    backchannel: Backchannel | None = None,
    identity_provider: str | None = None,
) -> Verdict:
    """Run the policies on a protocol request of ``client``; the OAuthError Keycloak answers when refused, else
    what the executors asked of the request (``request``: what the FAPI executors read of it)."""
    if not engine.has_policies(realm):
        return Verdict()
    context = PolicyContext(
        event,
        client=await client_facts(tx, client),
        params=params,
        redirect_uri=redirect_uri,
        scope=scope,
        implicit_or_hybrid=implicit_or_hybrid,
        dpop_proof=dpop_proof,
        requested_acr=requested_acr,
        now=now,
        request=request or RequestFacts(),
        backchannel=backchannel,
        identity_provider=identity_provider,
    )
    try:
        engine.run(realm, context)
    except ClientPolicyViolation as violation:
        raise oauth_error(violation) from None
    if context.secret_expiration is not None and event is Event.TOKEN_REQUEST:
        # secret-rotation's first look at a client without an expiry (executeOnAuthRequest). Keycloak sets it at
        # the authorization request already; Doorkeep reads those without writing, so the code exchange sets it.
        expiry = {secret_rotation.EXPIRATION_TIME: str(context.secret_expiration)}
        await tx.clients.update(dataclasses.replace(client, attributes={**client.attributes, **expiry}))
    return Verdict(
        context.bind_only_refresh_token,
        context.lightweight_access_token,
        context.auth_flow_alias,
        context.auth_flow_loa,
        context.restricted_scopes,
        context.audience_validated,
    )


async def on_client_write(
    tx: Tx,
    realm: Realm,
    rep: dict[str, Any],
    stored: Client | None,
    updater: str,
    *,
    base_url: str | None = None,  # the server's: a relative redirect URI without a root URL resolves against it
    user: User | None = None,
    remote_addr: str | None = None,
    dynamic: bool = False,
) -> dict[str, Any]:
    """REGISTER (``stored`` None) or UPDATE of a client from its representation by ``user`` (the administrator,
    or the subject of a registration's bearer token) from ``remote_addr``: the representation as the executors
    auto-configured it (a copy), or 400 ``{"error", "error_description"}`` when one refuses; ``dynamic``: through
    the client registration service (DynamicClientRegisterContext, DynamicClientUpdateContext), not the admin API."""
    if not engine.has_policies(realm):
        return rep
    proposed = copy.deepcopy(rep)
    facts = None if stored is None else await client_facts(tx, stored)
    event = Event.REGISTER if stored is None else Event.UPDATE
    by = await updater_facts.gather(tx, realm, user, remote_addr)
    try:
        context = PolicyContext(event, client=facts, proposed=proposed, updater=updater, updater_facts=by)
        context.stored_mappers = {} if stored is None else {m.id: m.config for m in stored.protocol_mappers}
        context.dynamic = dynamic
        context.base_url = base_url
        engine.run(realm, context)
    except ClientPolicyViolation as violation:
        raise AdminError(400, violation.error, key="error", description=violation.description) from None
    return proposed


async def after_client_write(
    tx: Tx,
    realm: Realm,
    client: Client,
    now: int,
    new_secret: Callable[[], str],
    *,
    created: bool = False,
    rotating_from: str | None = None,
    updater: str = BY_AUTHENTICATED_USER,
    dynamic: bool = False,
    user: User | None = None,
) -> Client:
    """REGISTERED (``created``) or UPDATED: the client as the executors leave it once written (secret-rotation
    sets its secret's expiry or rotates it; ``rotating_from``: the secret a regeneration just replaced). After an
    update that no enabled policy rotated, the expiry and the rotated secret are dropped, as ClientResource does
    when the session attribute CLIENT_SECRET_ROTATION_ENABLED is not set; ``dynamic`` (the client registration
    service, whose providers do not drop them) keeps them. ``user``: who wrote it, for the updater-source groups
    and roles conditions (the host one abstains on these events)."""
    target: dict[str, Any] = {"secret": client.secret, "attributes": dict(client.attributes)}
    event = Event.REGISTERED if created else Event.UPDATED
    context = PolicyContext(
        event,
        client=await client_facts(tx, client),
        updater=updater,
        now=now,
        target=target,
        rotating_from=rotating_from,
        new_secret=new_secret,
        dynamic=dynamic,
    )
    if engine.has_policies(realm):
        context.updater_facts = await updater_facts.gather(tx, realm, user, None)
        try:
            engine.run(realm, context)
        except ClientPolicyViolation as violation:
            raise AdminError(400, violation.error, key="error", description=violation.description) from None
    attributes = target["attributes"]
    if not created and not dynamic and not context.secret_rotation_enabled:
        attributes = secret_rotation.without_rotation(attributes)
    if target["secret"] == client.secret and attributes == client.attributes:
        return client
    return dataclasses.replace(client, secret=target["secret"], attributes=attributes)


async def on_unregister(tx: Tx, realm: Realm, client: Client) -> None:
    """UNREGISTER before the admin API deletes ``client`` (ClientResource.deleteClient's AdminClientUnregisterContext):
    400 ``{"error", "error_description"}`` with the executor's error and detail when one refuses."""
    if not engine.has_policies(realm):
        return
    try:
        engine.run(realm, PolicyContext(Event.UNREGISTER, client=await client_facts(tx, client)))
    except ClientPolicyViolation as violation:
        raise AdminError(400, violation.error, key="error", description=violation.description) from None


async def on_admin_change(
    tx: Tx,
    realm: Realm,
    event: Event,
    client: Client | None,
    *,
    user: User | None,
    remote_addr: str | None = None,
    proposed_mappers: tuple[dict[str, Any], ...] | None = None,
) -> None:
    """Keycloak 26.8's admin events beyond a client's own CRUD (pull request #50205): an administrator's protocol
    mapper create, update or delete on ``client`` (ClientProtocolMapperContext: ``proposed_mappers`` the
    representations sent), a user's or group's role mapping added or removed (RoleMapperAssignmentContext:
    ``client`` the role's client, None for a realm role), a scope mapping added or removed (no client), or
    ``client``'s key pair or certificate generated or uploaded (ClientCertificateContext).
    400 ``{"error", "error_description"}`` when an executor refuses; nothing
    is written then."""
    if not engine.has_policies(realm):
        return
    context = PolicyContext(event, updater=BY_AUTHENTICATED_USER, proposed_mappers=proposed_mappers)
    if client is not None:
        context.client = await client_facts(tx, client)
        context.stored_mappers = {m.id: m.config for m in client.protocol_mappers}
    context.updater_facts = await updater_facts.gather(tx, realm, user, remote_addr)
    try:
        engine.run(realm, context)
    except ClientPolicyViolation as violation:
        raise AdminError(400, violation.error, key="error", description=violation.description) from None


async def on_pre_authorization(
    tx: Tx, realm: Realm, client: Client | None, query: Params, pushed_names: frozenset[str] | None, now: int
) -> None:
    """AuthorizationEndpoint's PRE_AUTHORIZATION_REQUEST, before the client is checked (``client``: the one the
    query's client_id names, if any): a refusal is the error page with the executor's detail, its LOGIN_ERROR
    the executor's error with the client policy details."""
    if not engine.has_policies(realm):
        return
    facts = None if client is None else await client_facts(tx, client)
    request = RequestFacts(query=query, pushed_names=pushed_names)
    context = PolicyContext(Event.PRE_AUTHORIZATION_REQUEST, client=facts, params=query, now=now, request=request)
    try:
        engine.run(realm, context)
    except ClientPolicyViolation as violation:
        err = PreAuthorizationRefusal(violation.description, event_error=violation.error)
        err.event_details.update(oauth_error(violation).event_details)
        raise err from None


class PreAuthorizationRefusal(e.FatalRequest):
    """A PRE_AUTHORIZATION_REQUEST refusal: the error page, its event naming no client (the endpoint's event
    learns the client in checkClient, after it)."""
