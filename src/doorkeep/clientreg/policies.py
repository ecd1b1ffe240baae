"""The client registration policies Keycloak gives every realm (DefaultClientRegistrationPolicies), and what
each does to a registration (the ``policy/impl`` classes, run by ClientRegistrationPolicyManager).

Anonymous registrations (no token) run: Trusted Hosts, Consent Required, Full Scope Disabled, Max Clients
Limit, Allowed Protocol Mapper Types, Allowed Client Scopes. Authenticated ones (an initial access token, a
bearer token with ``create-client`` or ``manage-clients``, a registration access token of an authenticated
registration) run the last two. Doorkeep keeps no component store: the policies are Keycloak's defaults, with
the Trusted Hosts list from the server's settings (empty, as Keycloak's default: no anonymous registration).
A refusal is Keycloak's 403 ``insufficient_scope`` naming the policy.
"""

from __future__ import annotations

import dataclasses
import ipaddress
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from doorkeep.errors import AdminError
from doorkeep.model import Client, Realm
from doorkeep.oauth.uri_syntax import parse

if TYPE_CHECKING:
    from doorkeep.store.tx import Tx

ANONYMOUS = "anonymous"
AUTHENTICATED = "authenticated"
MAX_CLIENTS = 200  # MaxClientsClientRegistrationPolicyFactory.DEFAULT_MAX_CLIENTS
# DefaultClientRegistrationPolicies.DEFAULT_ALLOWED_PROTOCOL_MAPPERS
ALLOWED_MAPPER_TYPES = (
    "saml-user-attribute-mapper",
    "oidc-usermodel-attribute-mapper",
    "saml-user-property-mapper",
    "oidc-usermodel-property-mapper",
    "oidc-full-name-mapper",
    "oidc-address-mapper",
    "oidc-sha256-pairwise-sub-mapper",
    "saml-role-list-mapper",
)
TRUSTED_HOSTS, CONSENT, FULL_SCOPE = "Trusted Hosts", "Consent Required", "Full Scope Disabled"
MAX, MAPPERS, SCOPES = "Max Clients Limit", "Allowed Protocol Mapper Types", "Allowed Client Scopes"
ORDER = {ANONYMOUS: (TRUSTED_HOSTS, CONSENT, FULL_SCOPE, MAX, MAPPERS, SCOPES), AUTHENTICATED: (MAPPERS, SCOPES)}


class Refused(AdminError):
    """ClientRegistrationPolicyException as ClientRegistrationAuth answers it."""

    def __init__(self, policy: str, details: str) -> None:
        text = f"Policy '{policy}' rejected request to client-registration service. Details: {details}"
        super().__init__(403, "insufficient_scope", key="error", description=text)


@dataclass(frozen=True)
class Request:
    """What the policies look at: the realm, who registers, from where, and what they sent."""

    realm: Realm
    auth: str  # ANONYMOUS or AUTHENTICATED
    remote_ip: str
    trusted_hosts: tuple[str, ...]
    rep: Mapping[str, Any]


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
        raise Refused(TRUSTED_HOSTS, f"{what} is malformed")
    host = uri.host
    if host in _hosts(trusted) or any(_domain_match(host, d) for d in _domains(trusted)):
        return
    raise Refused(TRUSTED_HOSTS, f"{what} doesn't match any trusted host or trusted domain")


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
def _mappers_allowed(rep: Mapping[str, Any]) -> None:
    """ProtocolMappersClientRegistrationPolicy.testMappers."""
    for mapper in rep.get("protocolMappers") or ():
        if not isinstance(mapper, dict) or mapper.get("protocolMapper") not in ALLOWED_MAPPER_TYPES:
            raise Refused(MAPPERS, "ProtocolMapper type not allowed")


async def _allowed_scopes(tx: Tx, realm: Realm) -> set[str]:
    """getAllowedScopeNames with allow-default-scopes: the realm's default and optional client scopes."""
    return {scope.name for scope, _ in await tx.realms.default_scopes(realm.id)}


def _scopes_allowed(requested: list[str], allowed: set[str]) -> None:
    if any(name not in allowed for name in requested):
        raise Refused(SCOPES, "Not permitted to use specified clientScope")


async def before_register(tx: Tx, req: Request) -> None:
    """triggerBeforeRegister: each policy of the registration's kind, in Keycloak's order."""
    for name in ORDER[req.auth]:
        if name == TRUSTED_HOSTS:
            if not host_trusted(req.remote_ip, req.trusted_hosts):
                raise Refused(TRUSTED_HOSTS, "Host not trusted.")
            client_urls_trusted(req.rep, req.trusted_hosts)
        elif name == MAX and len(await tx.clients.list(req.realm.id)) >= MAX_CLIENTS:
            raise Refused(MAX, f"It's allowed to have max {MAX_CLIENTS} clients per realm")
        elif name == MAPPERS:
            _mappers_allowed(req.rep)
        elif name == SCOPES:
            allowed = await _allowed_scopes(tx, req.realm)
            for key in ("defaultClientScopes", "optionalClientScopes"):
                _scopes_allowed(_texts(req.rep.get(key)), allowed)


async def before_update(tx: Tx, req: Request, client: Client) -> None:
    """triggerBeforeUpdate: no turning consent off nor full scope on under the anonymous policies; client
    scopes not held before must be allowed ones."""
    for name in ORDER[req.auth]:
        if name == TRUSTED_HOSTS:
            if not host_trusted(req.remote_ip, req.trusted_hosts):
                raise Refused(TRUSTED_HOSTS, "Host not trusted.")
            client_urls_trusted(req.rep, req.trusted_hosts)
        elif name == CONSENT and client.consent_required and req.rep.get("consentRequired") is False:
            raise Refused(CONSENT, "Not permitted to update consentRequired to false")
        elif name == FULL_SCOPE and not client.full_scope_allowed and req.rep.get("fullScopeAllowed") is True:
            raise Refused(FULL_SCOPE, "Not permitted to enable fullScopeAllowed")
        elif name == MAPPERS:
            _mappers_allowed(req.rep)
        elif name == SCOPES:
            allowed = await _allowed_scopes(tx, req.realm)
            held = {(s.name, d) for s, d in await tx.clients.scopes(client.id)}
            for key, default in (("defaultClientScopes", True), ("optionalClientScopes", False)):
                _scopes_allowed([n for n in _texts(req.rep.get(key)) if (n, default) not in held], allowed)


def before_view_or_delete(req: Request) -> None:
    """triggerBeforeView / triggerBeforeRemove: only Trusted Hosts looks, at the caller's address."""
    if TRUSTED_HOSTS in ORDER[req.auth] and not host_trusted(req.remote_ip, req.trusted_hosts):
        raise Refused(TRUSTED_HOSTS, "Host not trusted.")


def after_register(client: Client, auth: str) -> Client:
    """triggerAfterRegister: consent required and no full scope under the anonymous policies, and no mapper
    of a type the policies do not allow, whoever registered."""
    mappers = tuple(m for m in client.protocol_mappers if m.mapper in ALLOWED_MAPPER_TYPES)
    client = dataclasses.replace(client, protocol_mappers=mappers)
    if auth == ANONYMOUS:
        client = dataclasses.replace(client, consent_required=True, full_scope_allowed=False)
    return client
