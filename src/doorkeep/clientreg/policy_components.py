"""Client registration policies as Keycloak keeps them: components of type ``ClientRegistrationPolicy``.

Each realm starts with DefaultClientRegistrationPolicies' components: for ``anonymous`` registrations
"Trusted Hosts" (no host trusted), "Consent Required", "Full Scope Disabled", "Max Clients Limit" (200), and
for both kinds "Allowed Protocol Mapper Types" and "Allowed Client Scopes" (the realm's default scopes). An
admin lists and changes them through ``/admin/realms/{realm}/components`` and learns the providers and their
properties from ``/client-registration-policy/providers`` (ClientRegistrationPolicyResource). Each factory's
``validateConfiguration`` is ``validate`` here, its refusals ComponentValidationException's 400.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from doorkeep.keys.components import ComponentInvalid
from doorkeep.model import RegistrationPolicy

POLICY_TYPE = "org.keycloak.services.clientregistration.policy.ClientRegistrationPolicy"
ANONYMOUS = "anonymous"
AUTHENTICATED = "authenticated"

TRUSTED_HOSTS = "trusted-hosts"  # TrustedHostClientRegistrationPolicyFactory
HOST_MUST_MATCH = "host-sending-registration-request-must-match"
URIS_MUST_MATCH = "client-uris-must-match"
CONSENT = "consent-required"
FULL_SCOPE = "scope"
MAX_CLIENTS = "max-clients"  # the provider id and its config key
DEFAULT_MAX_CLIENTS = 200
MAPPERS = "allowed-protocol-mappers"
MAPPER_TYPES = "allowed-protocol-mapper-types"
CONSENT_FOR_ALL_MAPPERS = "consent-required-for-all-mappers"
SCOPES = "allowed-client-templates"  # ClientScopesClientRegistrationPolicyFactory keeps the old name
ALLOWED_SCOPES = "allowed-client-scopes"
ALLOW_DEFAULT_SCOPES = "allow-default-scopes"
DISABLED = "client-disabled"
WEB_ORIGINS = "registration-web-origins"
WEB_ORIGINS_KEY = "web-origins"

# DefaultClientRegistrationPolicies.DEFAULT_ALLOWED_PROTOCOL_MAPPERS
DEFAULT_MAPPER_TYPES = (
    "saml-user-attribute-mapper",
    "oidc-usermodel-attribute-mapper",
    "saml-user-property-mapper",
    "oidc-usermodel-property-mapper",
    "oidc-full-name-mapper",
    "oidc-address-mapper",
    "oidc-sha256-pairwise-sub-mapper",
    "saml-role-list-mapper",
)


@dataclass(frozen=True)
class Property:
    """A ProviderConfigProperty, as ConfigPropertyRepresentation shows it."""

    name: str
    label: str
    help_text: str
    type: str
    default: Any = None

    def representation(self, options: Sequence[str] | None = None) -> dict[str, Any]:
        out: dict[str, Any] = {"name": self.name, "label": self.label, "helpText": self.help_text, "type": self.type}
        if self.default is not None:
            out["defaultValue"] = self.default
        if options is not None:
            out["options"] = list(options)
        out.update(secret=False, required=False, readOnly=False)
        return out


def _prop(name: str, kind: str, default: Any = None, label: str | None = None) -> Property:
    label = label or name
    return Property(name, f"{label}.label", f"{label}.tooltip", kind, default)


HOST_MUST_MATCH_PROP = _prop(HOST_MUST_MATCH, "boolean", "true")
URIS_MUST_MATCH_PROP = _prop(URIS_MUST_MATCH, "boolean", "true")
MAX_CLIENTS_PROP = _prop(MAX_CLIENTS, "String", str(DEFAULT_MAX_CLIENTS))
# Each factory's id, getHelpText and getConfigProperties.
PROVIDERS: dict[str, tuple[str, tuple[Property, ...]]] = {
    TRUSTED_HOSTS: (
        "Allows to specify from which hosts is user able to register and which redirect URIs can client use in "
        "it's configuration",
        (_prop(TRUSTED_HOSTS, "MultivaluedString"), HOST_MUST_MATCH_PROP, URIS_MUST_MATCH_PROP),
    ),
    CONSENT: ("When present, then newly registered client will always have 'consentRequired' switch enabled", ()),
    FULL_SCOPE: ("When present, then newly registered client won't have full scope allowed", ()),
    MAX_CLIENTS: (
        "When present, then it won't be allowed to register new client if count of existing clients in realm is "
        "same or bigger than configured limit",
        (MAX_CLIENTS_PROP,),
    ),
    MAPPERS: (
        "When present, it allows to specify whitelist of protocol mapper types, which will be allowed in "
        "representation of registered (or updated) client",
        (
            _prop(MAPPER_TYPES, "MultivaluedList", label="allowed-protocol-mappers"),
            _prop(CONSENT_FOR_ALL_MAPPERS, "boolean", "true"),
        ),
    ),
    SCOPES: (
        "When present, it allows to specify whitelist of client scopes, which will be allowed in representation "
        "of registered (or updated) client",
        (_prop(ALLOWED_SCOPES, "MultivaluedList"), _prop(ALLOW_DEFAULT_SCOPES, "boolean", True)),
    ),
    DISABLED: (
        "When present, then newly registered client will be disabled and admin needs to manually enable them",
        (),
    ),
    WEB_ORIGINS: (
        "Allowed web origins for client registration requests",
        (_prop(WEB_ORIGINS_KEY, "MultivaluedString", label="registration-web-origins"),),
    ),
}


def declared(provider_id: str) -> set[str]:
    return {p.name for p in PROVIDERS.get(provider_id, ("", ()))[1]}


def providers(mapper_ids: Sequence[str], scope_names: Sequence[str]) -> list[dict[str, Any]]:
    """ClientRegistrationPolicyResource.getProviders: each factory's ComponentTypeRepresentation, the mapper
    types offered being every protocol mapper the server has (ProtocolMappersClientRegistrationPolicyFactory sets
    them as the property's options, which ClientRegistrationPoliciesTest.testProviders reads), the client scopes
    offered being the realm's."""
    out = []
    for provider_id, (help_text, props) in PROVIDERS.items():
        shown = []
        for prop in props:
            if prop.name == MAPPER_TYPES:  # the server's mapper types as the list's options
                shown.append(prop.representation(list(mapper_ids)))
            elif prop.name == ALLOWED_SCOPES:
                shown.append(prop.representation(scope_options(scope_names)))
            else:
                shown.append(prop.representation())
        out.append({"id": provider_id, "helpText": help_text, "properties": shown, "metadata": {}})
    return out


def scope_options(scope_names: Sequence[str]) -> list[str]:
    """getClientScopes: the realm's client scopes, and ``openid``."""
    names = list(scope_names)
    return names if "openid" in names else [*names, "openid"]


def _policy(realm_id: str, name: str, provider_id: str, sub_type: str, **config: list[str]) -> RegistrationPolicy:
    return RegistrationPolicy(str(uuid.uuid4()), realm_id, name, provider_id, sub_type, dict(config))


def _generic(realm_id: str, sub_type: str) -> list[RegistrationPolicy]:
    return [
        _policy(
            realm_id,
            "Allowed Protocol Mapper Types",
            MAPPERS,
            sub_type,
            **{MAPPER_TYPES: list(DEFAULT_MAPPER_TYPES)},
        ),
        _policy(realm_id, "Allowed Client Scopes", SCOPES, sub_type, **{ALLOW_DEFAULT_SCOPES: ["true"]}),
    ]


def defaults(realm_id: str) -> list[RegistrationPolicy]:
    """DefaultClientRegistrationPolicies.addDefaultPolicies (an empty list config is stored as no value)."""
    host = {HOST_MUST_MATCH: ["true"], URIS_MUST_MATCH: ["true"]}
    return [
        _policy(realm_id, "Trusted Hosts", TRUSTED_HOSTS, ANONYMOUS, **host),
        _policy(realm_id, "Consent Required", CONSENT, ANONYMOUS),
        _policy(realm_id, "Full Scope Disabled", FULL_SCOPE, ANONYMOUS),
        _policy(realm_id, "Max Clients Limit", MAX_CLIENTS, ANONYMOUS, **{MAX_CLIENTS: [str(DEFAULT_MAX_CLIENTS)]}),
        *_generic(realm_id, ANONYMOUS),
        *_generic(realm_id, AUTHENTICATED),
    ]


def representation(policy: RegistrationPolicy) -> dict[str, Any]:
    """ComponentRepresentation as ComponentResource shows it (undeclared config dropped, StripSecretsUtils)."""
    keep = declared(policy.provider_id)
    out: dict[str, Any] = {"id": policy.id, "name": policy.name, "providerId": policy.provider_id}
    out.update(providerType=POLICY_TYPE, parentId=policy.realm_id)
    if policy.sub_type is not None:
        out["subType"] = policy.sub_type
    out["config"] = {k: list(v) for k, v in policy.config.items() if k in keep}
    return out


def export(policy: RegistrationPolicy) -> dict[str, Any]:
    """ComponentExportRepresentation of a realm export: its whole config, under the realm's components."""
    out: dict[str, Any] = {"id": policy.id, "name": policy.name, "providerId": policy.provider_id}
    if policy.sub_type is not None:
        out["subType"] = policy.sub_type
    out.update(subComponents={}, config={k: list(v) for k, v in policy.config.items()})
    return out


def _single(config: Mapping[str, list[str]], prop: Property, required: bool = False) -> str | None:
    """ConfigurationValidationHelper.checkSingle (and checkRequired)."""
    values = config.get(prop.name)
    if values is not None and len(values) > 1:
        raise ComponentInvalid(f"'{prop.label}' should be a single entry")
    if required and not values:
        raise ComponentInvalid(f"'{prop.label}' is required")
    return values[0] if values else None


def _boolean(config: Mapping[str, list[str]], prop: Property) -> None:
    """checkBoolean(prop, true): required, "true" or "false"."""
    if _single(config, prop, required=True) not in ("true", "false"):
        raise ComponentInvalid(f"'{prop.label}' should be 'true' or 'false'")


def flag(config: Mapping[str, list[str]], key: str, default: bool = True) -> bool:
    """ComponentModel.get(key, default) for a boolean."""
    values = config.get(key)
    return default if not values else values[0] == "true"


def validate(provider_id: str, config: Mapping[str, list[str]], scope_names: Sequence[str]) -> None:
    """The factory's validateConfiguration."""
    if provider_id == TRUSTED_HOSTS:
        _boolean(config, HOST_MUST_MATCH_PROP)
        _boolean(config, URIS_MUST_MATCH_PROP)
        if not flag(config, HOST_MUST_MATCH) and not flag(config, URIS_MUST_MATCH):
            raise ComponentInvalid("At least one of hosts verification or client URIs validation must be enabled")
    elif provider_id == MAX_CLIENTS:
        value = _single(config, MAX_CLIENTS_PROP, required=True) or ""
        if not value.lstrip("+-").isdigit() or not -(2**31) <= int(value) < 2**31:
            raise ComponentInvalid(f"'{MAX_CLIENTS_PROP.label}' should be a number")
    elif provider_id == SCOPES:
        wanted = config.get(ALLOWED_SCOPES, [])
        if not set(wanted) <= set(scope_options(scope_names)):
            raise ComponentInvalid(f"Client scopes not allowed: [{', '.join(wanted)}]")


def clean(config: Any) -> dict[str, list[str]]:
    """RepresentationToModel.toModel: blank values dropped, keys left without values dropped."""
    out: dict[str, list[str]] = {}
    for key, values in config.items() if isinstance(config, dict) else ():
        kept = [v for v in values if isinstance(v, str) and v.strip()] if isinstance(values, list) else []
        if kept:
            out[str(key)] = kept
    return out


def built(rep: Mapping[str, Any], realm_id: str, policy_id: str, config: dict[str, list[str]]) -> RegistrationPolicy:
    """The policy a component representation describes (its provider known, its config validated)."""
    name, sub_type = rep.get("name"), rep.get("subType")
    return RegistrationPolicy(
        policy_id,
        realm_id,
        name if isinstance(name, str) else "",
        str(rep.get("providerId")),
        sub_type if isinstance(sub_type, str) else None,
        config,
    )


def imported(rep: Mapping[str, Any], realm_id: str) -> RegistrationPolicy | None:
    """A policy of a realm file (ComponentExportRepresentation); None for a provider Doorkeep does not run."""
    if rep.get("providerId") not in PROVIDERS:
        return None
    given = rep.get("id")
    return built(rep, realm_id, given if isinstance(given, str) else str(uuid.uuid4()), clean(rep.get("config")))
