"""``GET /admin/serverinfo``: the part of Keycloak's ServerInfoRepresentation that tools read.

python-keycloak, @keycloak/keycloak-admin-client, the Terraform provider and keycloak-config-cli
read ``systemInfo.version`` (feature gates), ``themes`` (to validate theme names),
``providers``, ``protocolMapperTypes``/``builtinProtocolMappers`` (mapper ids), ``componentTypes``
(key providers; the FAPI client policy executors), ``passwordPolicies``, ``cryptoInfo`` and ``enums``.
Everything listed is something Doorkeep has: one built-in theme, the OpenID Connect protocol, generated
RSA/EC/HMAC keys, the built-in claims of the default client scopes, and the password policies it enforces.
"""

from __future__ import annotations

import datetime
import os
import platform
import sys
from typing import Any

from doorkeep import __version__, events, features
from doorkeep.admin import installation
from doorkeep.admin.admin_events import OPERATION_TYPES, RESOURCE_TYPES
from doorkeep.admin.keystores import FORMATS as KEYSTORE_TYPES
from doorkeep.admin.memory_info import memory_info
from doorkeep.broker import social
from doorkeep.clientpolicies import condition_metadata, executor_metadata, executor_types
from doorkeep.keys import components
from doorkeep.keys import material as keys
from doorkeep.model import CLIENT_AUTHENTICATORS
from doorkeep.oauth.mappers import claims as mappings
from doorkeep.oauth.mappers import defaults, lightweight
from doorkeep.oauth.mappers.pairwise import PAIRWISE_MAPPER, SALT, SECTOR_IDENTIFIER_URI
from doorkeep.oauth.mappers.types import NONCE_MAPPER, PRIORITIES
from doorkeep.realms import auth_providers
from doorkeep.users import password_policy_types

# The Keycloak release whose Admin REST API Doorkeep answers like; tools gate features on it.
KEYCLOAK_VERSION = "26.0.0"
OIDC = "openid-connect"
THEME_TYPES = ("account", "admin", "common", "email", "login", "welcome")
# (mapper type id, display name, help text), as Keycloak's OIDC mapper providers name them: every type Doorkeep
# applies (mappers.types: HANDLERS, TRANSFORMS and the nonce mapper), and only those.
MAPPER_TYPES = (
    ("oidc-usermodel-property-mapper", "User Property", "Map a built in user property to a token claim."),
    ("oidc-usermodel-attribute-mapper", "User Attribute", "Map a custom user attribute to a token claim."),
    ("oidc-full-name-mapper", "User's full name", "Maps the user's first and last name to the 'name' claim."),
    ("oidc-usermodel-realm-role-mapper", "User Realm Role", "Map a user realm role to a token claim."),
    ("oidc-usermodel-client-role-mapper", "User Client Role", "Map a user client role to a token claim."),
    ("oidc-audience-resolve-mapper", "Audience Resolve", "Adds the clients of the user's client roles to 'aud'."),
    ("oidc-audience-mapper", "Audience", "Add specified audience to the audience (aud) field of token."),
    ("oidc-hardcoded-claim-mapper", "Hardcoded claim", "Hardcode a claim into the token."),
    ("oidc-allowed-origins-mapper", "Allowed Web Origins", "Adds allowed web origins to the token."),
    ("oidc-acr-mapper", "Authentication Context Class Reference (ACR)", "Maps the achieved LoA to 'acr'."),
    ("oidc-sub-mapper", "Subject (sub)", "Adds the 'sub' claim."),
    ("oidc-usersessionmodel-note-mapper", "User Session Note", "Map a custom user session note to a token claim."),
    (
        "oidc-clientsessionmodel-note-mapper",
        "Client Session Note",
        "Map a custom client session note to a token claim.",
    ),
    ("oidc-group-membership-mapper", "Group Membership", "Map user group membership"),
    (
        "oidc-address-mapper",
        "User Address",
        "Maps user address attributes (street, locality, region, postal_code, and country) to the OpenID Connect "
        "'address' claim.",
    ),
    ("oidc-hardcoded-role-mapper", "Hardcoded Role", "Hardcode a role into the access token."),
    ("oidc-role-name-mapper", "Role Name Mapper", "Map an assigned role to a new name or position in the token."),
    (
        "oidc-amr-mapper",
        "Authentication Method Reference (AMR)",
        "Add authentication method reference (AMR) to the token.",
    ),
    ("oidc-organization-membership-mapper", "Organization Membership", "Map user Organization membership"),
    (
        "oidc-organization-group-membership-mapper",
        "Organization Group Membership",
        "Map user Organization group membership",
    ),
    (
        "oidc-organization-role-membership-mapper",
        "Organization Role Membership",
        "Map user Organization role membership",
    ),
    (NONCE_MAPPER, "Nonce backwards compatible", "Adds the nonce claim to Access, Refresh and ID token"),
    (
        PAIRWISE_MAPPER,
        "Pairwise subject identifier",
        "Calculates a pairwise subject identifier using a salted sha-256 hash. See OpenID Connect specification "
        "for more info about pairwise subject identifiers.",
    ),
)
MAPPER_CATEGORY = "Token mapper"  # AbstractOIDCProtocolMapper.TOKEN_MAPPER_CATEGORY, every type's here
_ROLE_SYNTAX = (
    "Click 'Select Role' button to browse roles, or just type it in the textbox.  To reference a client role the "
    "syntax is clientname.clientrole, i.e. myclient.myrole"
)
# The types whose properties are their own, with no token switches: (name, label, help text, type). The role
# transforms run whatever the token flags (HardcodedRole, RoleNameMapper); the nonce mapper has no property.
OWN_PROPERTIES: dict[str, tuple[tuple[str, str, str, str], ...]] = {
    "oidc-hardcoded-role-mapper": (("role", "Role", f"Role you want added to the token.  {_ROLE_SYNTAX}", "Role"),),
    "oidc-role-name-mapper": (
        ("role", "Role", f"Role name you want changed.  {_ROLE_SYNTAX}", "Role"),
        (
            "new.role.name",
            "New Role Name",
            "The new role name.  The new name format corresponds to where in the access token the role will be "
            "mapped to.  So, a new name of 'myapp.newname' will map the role to that position in the access "
            "token.  A new name of 'newname' will map the role to the realm roles in the token.",
            "String",
        ),
    ),
    NONCE_MAPPER: (),
    # PairwiseSubMapperHelper's two properties, their label and help text message keys as Keycloak sends them.
    PAIRWISE_MAPPER: (
        (SECTOR_IDENTIFIER_URI, "sectorIdentifierUri.label", "sectorIdentifierUri.tooltip", "String"),
        (SALT, "pairwiseSubAlgorithmSalt.label", "pairwiseSubAlgorithmSalt.tooltip", "String"),
    ),
}
# Every KeyProviderFactory the components API accepts (keys.components.PROPERTIES), with its getHelpText;
# not java-keystore, which that API refuses (docs/admin-api.md).
KEY_PROVIDERS = (
    ("rsa-generated", "Generates RSA keys and creates a self-signed certificate"),
    ("rsa-enc-generated", "Generates RSA keys for key encryption and creates a self-signed certificate"),
    ("rsa", "RSA signature key provider that can optionally generated a self-signed certificate"),
    ("rsa-enc", "RSA for key encryption provider that can optionally generated a self-signed certificate"),
    ("ecdsa-generated", "Generates ECDSA keys"),
    ("ecdh-generated", "Generates ECDH keys"),
    ("eddsa-generated", "Generates EdDSA keys"),
    ("hmac-generated", "Generates HMAC secret key"),
    ("aes-generated", "Generates AES secret key"),
)


# OIDCAttributeMapperHelper.addIncludeInTokensConfig: a switch per token the mapper type can feed, in
# Keycloak's order; "Add to lightweight access token" follows "Add to access token" and is off by default.
TOKEN_SWITCHES = (
    (mappings.ID, "id.token.claim", "includeInIdToken", "true"),
    (mappings.ACCESS, "access.token.claim", "includeInAccessToken", "true"),
    (mappings.ACCESS, lightweight.FLAG, "includeInLightweight", "false"),
    (mappings.USERINFO, "userinfo.token.claim", "includeInUserInfo", "true"),
    (mappings.RESPONSE, "access.tokenResponse.claim", "includeInAccessTokenResponse", "false"),
    (mappings.INTROSPECTION, "introspection.token.claim", "includeInIntrospection", "true"),
)


def _properties(mapper: str) -> list[dict[str, Any]]:
    """The ConfigPropertyRepresentations of ``mapper``: its own (OWN_PROPERTIES), else its token switches."""
    if mapper not in OWN_PROPERTIES:
        return _token_properties(mapper)
    flags = {"secret": False, "required": False, "readOnly": False}
    return [
        {"name": name, "label": label, "helpText": text, "type": kind, **flags}
        for name, label, text, kind in OWN_PROPERTIES[mapper]
    ]


def _token_properties(mapper: str) -> list[dict[str, Any]]:
    """The ConfigPropertyRepresentations of the token switches of ``mapper`` (the tokens it feeds, claims.ONLY)."""
    tokens = mappings.ONLY.get(mapper, {mappings.ID, mappings.ACCESS, mappings.USERINFO, mappings.INTROSPECTION})
    if mapper in mappings.RESPONSE_MAPPERS:  # OIDCAccessTokenResponseMapper
        tokens = {*tokens, mappings.RESPONSE}
    return [
        {
            "name": name,
            "label": f"{key}.label",
            "helpText": f"{key}.tooltip",
            "type": "boolean",
            "defaultValue": default,
            "secret": False,
            "required": False,
            "readOnly": False,
        }
        for token, name, key, default in TOKEN_SWITCHES
        if token in tokens
    ]


def _providers(*ids: str) -> dict[str, Any]:
    return {"internal": True, "providers": {pid: {"order": 0} for pid in ids}}


def _mapper(name: str, mapper: str, config: dict[str, str]) -> dict[str, Any]:
    """ModelToRepresentation.toRepresentation of a builtin ProtocolMapperModel (no id)."""
    return {"name": name, "protocol": OIDC, "protocolMapper": mapper, "consentRequired": False, "config": config}


def _key_properties(provider: str) -> list[dict[str, Any]]:
    """The ConfigPropertyRepresentations of a key provider's config properties (keys.components.PROPERTIES)."""
    out: list[dict[str, Any]] = []
    for prop in components.PROPERTIES[provider]:
        rep: dict[str, Any] = {"name": prop.name, "label": prop.label, "secret": prop.secret}
        if prop.options:
            rep |= {"type": "List", "options": list(prop.options)}
        out.append({**rep, "required": False, "readOnly": False})
    return out


def _uptime(seconds: int) -> str:
    """Keycloak's uptime text, e.g. ``0 days, 1 hour, 2 minutes, 3 seconds``."""
    days, rest = divmod(max(seconds, 0), 86_400)
    hours, rest = divmod(rest, 3_600)
    minutes, secs = divmod(rest, 60)
    parts = [(days, "day"), (hours, "hour"), (minutes, "minute"), (secs, "second")]
    return ", ".join(f"{n} {unit}{'' if n == 1 else 's'}" for n, unit in parts)


def system_info(now: int, started: int) -> dict[str, Any]:
    """SystemInfoRepresentation: Keycloak's fields where Doorkeep has a true value (no Java here)."""
    moment = datetime.datetime.fromtimestamp(now, datetime.UTC)
    return {
        "version": KEYCLOAK_VERSION,
        "serverTime": moment.strftime("%a %b %d %H:%M:%S UTC %Y"),
        "uptime": _uptime(now - started),
        "uptimeMillis": max(now - started, 0) * 1000,
        "osName": platform.system(),
        "osArchitecture": platform.machine(),
        "osVersion": platform.release(),
        "fileEncoding": sys.getfilesystemencoding().upper().replace("UTF8", "UTF-8"),
        "userTimezone": "UTC",
        "userLocale": "en",
        "productName": "Doorkeep",
        "productVersion": __version__,
    }


def shown_to(info: dict[str, Any], *, system: bool, version: bool) -> dict[str, Any]:
    """What an admin sees of ``info`` (Keycloak's PermissionsTest.testServerInfo, ServerInfoPermissionsTest): the
    system (``systemInfo``, ``cpuInfo``, ``memoryInfo``) to a manage-realm admin of the master realm (no
    ``view-system`` since Keycloak 26.6.4); to another realm's manage-realm admin only ``systemInfo.version``; to
    the rest neither."""
    if system:
        return {**info, "cpuInfo": {"processorCount": os.cpu_count() or 1}, "memoryInfo": memory_info()}
    out = {key: value for key, value in info.items() if key != "systemInfo"}
    if version:
        out["systemInfo"] = {"version": info["systemInfo"]["version"]}
    return out


def server_info(now: int, started: int, disabled: frozenset[str] = frozenset()) -> dict[str, Any]:
    """The ServerInfoRepresentation Doorkeep serves; ``disabled``, the features --features-disabled turns off,
    are ``profileInfo.disabledFeatures`` by their Profile.Feature names (ProfileInfoRepresentation.create) and
    ``enabled: false`` in ``features``."""
    theme = [{"name": "keycloak", "locales": ["en"]}]
    password_policies = password_policy_types.representations(disabled)
    mapper_ids = [m[0] for m in MAPPER_TYPES]
    executors = executor_metadata.all_executor_types()
    conditions = condition_metadata.condition_types()
    return {
        "systemInfo": system_info(now, started),
        "profileInfo": {
            "name": "community",
            "disabledFeatures": features.enum_names(disabled),
            "previewFeatures": [],
            "experimentalFeatures": [],
        },
        "features": features.representations(disabled),
        "cryptoInfo": {
            "cryptoProvider": "cryptography (Python)",
            "supportedKeystoreTypes": list(KEYSTORE_TYPES),  # what client-certificate downloads write
            "clientSignatureSymmetricAlgorithms": ["HS256", "HS384", "HS512"],
            "clientSignatureAsymmetricAlgorithms": sorted(keys.ASYMMETRIC),
        },
        "themes": {kind: theme for kind in THEME_TYPES},
        # the social providers Doorkeep brokers (broker/social.py), as ServerInfoAdminResource.setSocialProviders
        "socialProviders": [{"id": p, "name": social.NAMES[p]} for p in social.SOCIAL],
        # the other IdentityProviderFactory ids Doorkeep brokers (broker/providers.py), as ServerInfoAdminResource
        # .setIdentityProviders lists them: IdentityProvider factories in the "User-defined" group
        "identityProviders": [
            # JWTAuthorizationGrantIdentityProviderFactory, supported while its feature is on
            *(
                [{"groupName": "User-defined", "id": "jwt-authorization-grant", "name": "JWT Authorization Grant"}]
                if features.JWT_AUTHORIZATION_GRANT not in disabled
                else []
            ),
            {"groupName": "User-defined", "id": "keycloak-oidc", "name": "Keycloak OpenID Connect"},
            {"groupName": "User-defined", "id": "oauth2", "name": "OAuth v2"},
            {"groupName": "User-defined", "id": "oidc", "name": "OpenID Connect v1.0"},
        ],
        "clientImporters": [],
        "providers": {
            "login-protocol": _providers(OIDC),
            "eventsListener": _providers("jboss-logging", "email"),
            "eventsStore": _providers("jpa"),
            "keys": _providers(*(p[0] for p in KEY_PROVIDERS)),
            "password-hashing": _providers("argon2"),
            "password-policy": _providers(*(t["id"] for t in password_policies)),
            "client-authenticator": _providers(*CLIENT_AUTHENTICATORS),
            # the AuthenticatorFactory ids the admin API lists (realms/auth_providers.py)
            "authenticator": _providers(
                *(p["id"] for p in auth_providers.listed(auth_providers.AUTHENTICATOR, disabled))
            ),
            "protocol-mapper": _providers(*mapper_ids),
            # ClientPolicyExecutorSpi and ClientPolicyConditionSpi by SPI_NAME (ClientPoliciesFeatureTest reads them)
            "client-policy-executor": _providers(*(str(e["id"]) for e in executors)),
            "client-policy-condition": _providers(*(str(c["id"]) for c in conditions)),
        },
        "protocolMapperTypes": {
            OIDC: [
                {
                    "id": mid,
                    "name": name,
                    "category": MAPPER_CATEGORY,
                    "helpText": help_text,
                    "priority": PRIORITIES.get(mid, 0),  # getPriority
                    "properties": _properties(mid),
                }
                for mid, name, help_text in MAPPER_TYPES
            ]
        },
        "builtinProtocolMappers": {OIDC: [_mapper(*m) for m in defaults.builtins()]},
        "clientInstallations": {OIDC: [dict(item) for item in installation.RENDERED]},
        "componentTypes": {
            "org.keycloak.keys.KeyProvider": [
                {"id": pid, "helpText": text, "properties": _key_properties(pid), "metadata": {}}
                for pid, text in KEY_PROVIDERS
            ],
            executor_types.SPI: executors,
            condition_metadata.SPI: conditions,
        },
        "passwordPolicies": password_policies,
        "enums": {
            "sslRequired": ["all", "external", "none"],
            "eventType": sorted(events.EVENT_TYPES),
            "operationType": sorted(OPERATION_TYPES),  # createEnumsMap sorts each enum's names
            "resourceType": sorted(RESOURCE_TYPES),
        },
    }
