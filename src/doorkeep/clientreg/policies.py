"""What a realm's client registration policies do to a registration (the ``policy/impl`` classes, run by
ClientRegistrationPolicyManager over the realm's ClientRegistrationPolicy components of the registration's
kind, in their order: clientreg/policy_components.py).

Anonymous registrations (no token) run the ``anonymous`` components; authenticated ones (an initial access
token, a bearer token with ``create-client`` or ``manage-clients``, a registration access token of an
authenticated registration) the ``authenticated`` ones. A refusal is Keycloak's 403 ``insufficient_scope``
naming the refusing component.
"""

from __future__ import annotations

import dataclasses
import ipaddress
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from doorkeep.admin.representations import RepresentationError
from doorkeep.clientreg import policy_components as pc
from doorkeep.clientreg.tokens import RegistrationError
from doorkeep.model import Client, Realm, RegistrationPolicy
from doorkeep.oauth.uri_syntax import parse

if TYPE_CHECKING:
    from doorkeep.store.tx import Tx

ANONYMOUS, AUTHENTICATED = pc.ANONYMOUS, pc.AUTHENTICATED


class Refused(RegistrationError):
    """ClientRegistrationPolicyException as ClientRegistrationAuth answers it (forbidden: ``not_allowed``)."""

    def __init__(self, policy: str, details: str) -> None:
        text = f"Policy '{policy}' rejected request to client-registration service. Details: {details}"
        super().__init__(403, "insufficient_scope", text, "not_allowed")
        self.details = details


@dataclass(frozen=True)
class Request:
    """What the policies look at: the realm, who registers, from where, and what they sent."""

    realm: Realm
    auth: str  # ANONYMOUS or AUTHENTICATED
    remote_ip: str
    rep: Mapping[str, Any]


async def _policies(tx: Tx, realm_id: str, kind: str) -> list[RegistrationPolicy]:
    """triggerPolicies: the realm's policy components of this kind, in their order."""
    return [p for p in await tx.registration_policies.list(realm_id) if p.sub_type == kind]


def _trusted(policy: RegistrationPolicy) -> list[str]:
    return list(policy.config.get(pc.TRUSTED_HOSTS, []))


# --- Trusted Hosts (TrustedHostClientRegistrationPolicy) -----------------------------------------
def _domains(trusted: Sequence[str]) -> list[str]:
    return list(trusted)


def _hosts(trusted: Sequence[str]) -> list[str]:
    return [h for h in trusted if not h.startswith("*.")]


def _domain_match(hostname: str, domain: str) -> bool:
    if domain.startswith("*."):
        return hostname == domain[2:] or hostname.endswith("." + domain[2:])
    return hostname == domain


def host_trusted(remote_ip: str, trusted: Sequence[str]) -> bool:
    """verifyHost: the caller's address is a trusted host's, or a loopback caller and ``localhost`` trusted.
    Trusted names other than IP literals and ``localhost`` are not looked up in DNS here."""
    try:
        address = ipaddress.ip_address(remote_ip)
    except ValueError:
        return False
    for host in _hosts(trusted):
        if host == "localhost" and address.is_loopback:
            return True
        try:
            if ipaddress.ip_address(host.strip("[]")) == address:
                return True
        except ValueError:
            continue
    return address.is_loopback and any(_domain_match("localhost", d) for d in _domains(trusted))


def _url_host_trusted(url: str, trusted: Sequence[str], what: str) -> None:
    uri = parse(url)
    if uri is None or uri.host is None:
        raise Refused("", f"{what} is malformed")
    host = uri.host
    if host in _hosts(trusted) or any(_domain_match(host, d) for d in _domains(trusted)):
        return
    raise Refused("", f"{what} doesn't match any trusted host or trusted domain")


def _absolute(root: str | None, relative: str | None) -> str | None:
    if relative is None or not relative.startswith("/"):
        return relative
    return None if not root else root + relative


def client_urls_trusted(rep: Mapping[str, Any], trusted: Sequence[str]) -> None:
    """verifyClientUrls: root, base and admin URLs and every redirect URI (relative ones against the root
    URL, PairwiseSubMapperUtils.resolveValidRedirectUris) must be on a trusted host or domain."""
    root = _text(rep.get("rootUrl"))
    for url in (root, _absolute(root, _text(rep.get("baseUrl"))), _absolute(root, _text(rep.get("adminUrl")))):
        if url is not None:
            _url_host_trusted(url, trusted, "URL")
    for uri in _texts(rep.get("redirectUris")):
        resolved = _absolute(root, uri) if uri.startswith("/") else uri
        if resolved:
            _url_host_trusted(resolved.removesuffix("*"), trusted, "URI")


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def _texts(value: Any) -> list[str]:
    return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []


# --- the checks before a change -----------------------------------------------------------------
def _verify_host(policy: RegistrationPolicy, remote_ip: str) -> None:
    """TrustedHostClientRegistrationPolicy.verifyHost, unless the host need not match."""
    if pc.flag(policy.config, pc.HOST_MUST_MATCH) and not host_trusted(remote_ip, _trusted(policy)):
        raise Refused(policy.name, "Host not trusted.")


def _verify_urls(policy: RegistrationPolicy, rep: Mapping[str, Any]) -> None:
    """verifyClientUrls, unless the client's URIs need not match."""
    if pc.flag(policy.config, pc.URIS_MUST_MATCH):
        try:
            client_urls_trusted(rep, _trusted(policy))
        except Refused as refused:
            raise Refused(policy.name, refused.details) from None


def _mappers_allowed(policy: RegistrationPolicy, rep: Mapping[str, Any], client: Client | None = None) -> None:
    """ProtocolMappersClientRegistrationPolicy.testMappers. ``protocolMappers`` that are not a list of objects
    never reach it in Keycloak: Jackson cannot bind them into the ClientRepresentation (400). On an update
    (``client`` given) a mapper of a type not allowed passes when it is one the client already holds, sent
    back with its id, its type and its configuration unchanged."""
    allowed = policy.config.get(pc.MAPPER_TYPES, [])
    mappers = rep.get("protocolMappers") or []
    if not isinstance(mappers, list) or not all(isinstance(m, dict) for m in mappers):
        raise RepresentationError("protocolMappers: expected a list of objects")
    for mapper in mappers:
        if mapper.get("protocolMapper") not in allowed:
            _held_unchanged(policy, mapper, client)


def _held_unchanged(policy: RegistrationPolicy, mapper: Mapping[str, Any], client: Client | None) -> None:
    """The update half of testMappers: no id is "Missing id", an id the client has no mapper of is "No
    existing mapper model", a changed type or configuration is the type refused."""
    if client is None:
        raise Refused(policy.name, "ProtocolMapper type not allowed")
    mapper_id = mapper.get("id")
    if mapper_id is None:
        raise Refused(policy.name, f"Missing id for mapper named '{mapper.get('name')}'")
    held = next((m for m in client.protocol_mappers if m.id == mapper_id), None)
    if held is None:
        raise Refused(policy.name, f"No existing mapper model found for id '{mapper_id}'")
    config = mapper.get("config", {})  # ProtocolMapperRepresentation's config starts as an empty map
    if mapper.get("protocolMapper") != held.mapper or config != held.config:
        raise Refused(policy.name, "ProtocolMapper type not allowed")


async def _allowed_scopes(tx: Tx, realm: Realm, policy: RegistrationPolicy, default: bool) -> set[str]:
    """getAllowedScopeNames: the configured scopes and, with ``allow-default-scopes``, the realm's default
    scopes (for default scopes) or its optional ones (for optional scopes)."""
    allowed = set(policy.config.get(pc.ALLOWED_SCOPES, []))
    if pc.flag(policy.config, pc.ALLOW_DEFAULT_SCOPES):
        allowed |= {
            scope.name for scope, is_default in await tx.realms.default_scopes(realm.id) if is_default == default
        }
    return allowed


async def _scopes_allowed(tx: Tx, req: Request, policy: RegistrationPolicy, held: set[tuple[str, bool]]) -> None:
    """checkClientScopesAllowed for the default then the optional scopes asked for (less those ``held``)."""
    for key, default in (("defaultClientScopes", True), ("optionalClientScopes", False)):
        requested = [n for n in _texts(req.rep.get(key)) if (n, default) not in held]
        if requested:
            allowed = await _allowed_scopes(tx, req.realm, policy, default)
            if any(name not in allowed for name in requested):
                raise Refused(policy.name, "Not permitted to use specified clientScope")


def _max_clients(policy: RegistrationPolicy) -> int:
    values = policy.config.get(pc.MAX_CLIENTS)
    try:
        return int(values[0]) if values else pc.DEFAULT_MAX_CLIENTS
    except ValueError:
        return pc.DEFAULT_MAX_CLIENTS


async def before_register(tx: Tx, req: Request) -> None:
    """triggerBeforeRegister: each policy of the registration's kind, in the realm's order."""
    for policy in await _policies(tx, req.realm.id, req.auth):
        provider = policy.provider_id
        if provider == pc.TRUSTED_HOSTS:
            _verify_host(policy, req.remote_ip)
            _verify_urls(policy, req.rep)
        elif provider == pc.MAX_CLIENTS:
            limit = _max_clients(policy)
            if len(await tx.clients.list(req.realm.id)) >= limit:
                raise Refused(policy.name, f"It's allowed to have max {limit} clients per realm")
        elif provider == pc.MAPPERS:
            _mappers_allowed(policy, req.rep)
        elif provider == pc.SCOPES:
            await _scopes_allowed(tx, req, policy, set())


async def before_update(tx: Tx, req: Request, client: Client) -> None:
    """triggerBeforeUpdate: no turning consent off, full scope on nor a disabled client on where those
    policies apply; client scopes not held before must be allowed ones, and mappers of types not allowed must
    be ones the client holds, unchanged."""
    for policy in await _policies(tx, req.realm.id, req.auth):
        provider = policy.provider_id
        if provider == pc.TRUSTED_HOSTS:
            _verify_host(policy, req.remote_ip)
            _verify_urls(policy, req.rep)
        elif provider == pc.CONSENT and client.consent_required and req.rep.get("consentRequired") is False:
            raise Refused(policy.name, "Not permitted to update consentRequired to false")
        elif provider == pc.FULL_SCOPE and not client.full_scope_allowed and req.rep.get("fullScopeAllowed") is True:
            raise Refused(policy.name, "Not permitted to enable fullScopeAllowed")
        elif provider == pc.DISABLED and not client.enabled and req.rep.get("enabled") is True:
            raise Refused(policy.name, "Not permitted to enable client")
        elif provider == pc.MAPPERS:
            _mappers_allowed(policy, req.rep, client)
        elif provider == pc.SCOPES:
            held = {(s.name, d) for s, d in await tx.clients.scopes(client.id)}
            await _scopes_allowed(tx, req, policy, held)


async def before_view_or_delete(tx: Tx, req: Request) -> None:
    """triggerBeforeView / triggerBeforeRemove: only Trusted Hosts looks, at the caller's address."""
    for policy in await _policies(tx, req.realm.id, req.auth):
        if policy.provider_id == pc.TRUSTED_HOSTS:
            _verify_host(policy, req.remote_ip)


async def after_register(tx: Tx, realm_id: str, client: Client, auth: str) -> Client:
    """triggerAfterRegister: consent required, no full scope, disabled, no mapper of a type not allowed, as
    the policies of the registration's kind say."""
    for policy in await _policies(tx, realm_id, auth):
        provider = policy.provider_id
        if provider == pc.CONSENT:
            client = dataclasses.replace(client, consent_required=True)
        elif provider == pc.FULL_SCOPE:
            client = dataclasses.replace(client, full_scope_allowed=False)
        elif provider == pc.DISABLED:
            client = dataclasses.replace(client, enabled=False)
        elif provider == pc.MAPPERS:
            allowed = policy.config.get(pc.MAPPER_TYPES, [])
            mappers = tuple(m for m in client.protocol_mappers if m.mapper in allowed)
            client = dataclasses.replace(client, protocol_mappers=mappers)
    return client


async def web_origins(tx: Tx, realm_id: str, kind: str) -> list[str]:
    """RegistrationWebOriginsPolicy: the origins its components of this kind add to the answer's CORS."""
    return [
        o
        for p in await _policies(tx, realm_id, kind)
        if p.provider_id == pc.WEB_ORIGINS
        for o in p.config.get(pc.WEB_ORIGINS_KEY, [])
    ]
