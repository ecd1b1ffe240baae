"""The identity provider mappers Doorkeep runs, as IdentityProviderResource.getMapperTypes lists them
(IdentityProviderMapperTypeRepresentation: id, name, category, helpText, properties), and a mapper as the admin API
stores it (IdentityProviderMapperRepresentation: id, name, identityProviderAlias, identityProviderMapper, config,
whose ``syncMode`` is IMPORT, LEGACY, FORCE or INHERIT; IdentityProviderMapperModel reads LEGACY when unset).

Keycloak 26's HardcodedAttributeMapper, UserAttributeMapper, ClaimToRoleMapper, HardcodedRoleMapper,
UsernameTemplateMapper, AdvancedClaimToRoleMapper, HardcodedGroupMapper and AdvancedClaimToGroupMapper
(idp_group_mappers); the others of its IdentityProviderMapper SPI (the session note one, the SAML ones) are not run
here, so the admin API refuses them rather than store a mapper no login would apply.
"""

from __future__ import annotations

import uuid

from doorkeep.errors import AdminError
from doorkeep.model import JSON
from doorkeep.realms.auth_providers import BOOLEAN, LIST, STRING, Prop

ROLE_TYPE = "Role"  # ProviderConfigProperty.ROLE_TYPE
HARDCODED_ATTRIBUTE = "hardcoded-attribute-idp-mapper"
USER_ATTRIBUTE = "oidc-user-attribute-idp-mapper"
CLAIM_TO_ROLE = "oidc-role-idp-mapper"
HARDCODED_ROLE = "oidc-hardcoded-role-idp-mapper"
EXTERNAL_ROLE_TO_ROLE = "keycloak-oidc-role-to-role-idp-mapper"  # ExternalKeycloakRoleToRoleMapper
USERNAME_TEMPLATE = "oidc-username-idp-mapper"
ADVANCED_CLAIM_TO_ROLE = "oidc-advanced-role-idp-mapper"
HARDCODED_GROUP = "oidc-hardcoded-group-idp-mapper"
ADVANCED_CLAIM_TO_GROUP = "oidc-advanced-group-idp-mapper"
GITHUB_ATTRIBUTE = "github-user-attribute-mapper"  # GitHubUserAttributeMapper (AbstractJsonUserAttributeMapper)
# Each social provider's AbstractJsonUserAttributeMapper (GitHub's, Google's, Facebook's, Microsoft's, PayPal's,
# Stack Overflow's, LinkedIn's, OpenshiftV4AttributeMapper; Bitbucket, GitLab and OpenShift 3 have none): its provider.
JSON_ATTRIBUTE = {
    **{
        f"{p}-user-attribute-mapper": p
        for p in ("github", "google", "facebook", "microsoft", "paypal", "stackoverflow")
    },
    "linkedin-user-attribute-mapper": "linkedin-openid-connect",
    "openshift-v4-user-attribute-mapper": "openshift-v4",
}
# UsernameTemplateMapper.COMPATIBLE_PROVIDERS that Doorkeep runs (OpenShift 3 is not among them)
TEMPLATE_SOCIAL = frozenset(
    {"github", "gitlab", "google", "facebook", "microsoft", "bitbucket", "linkedin-openid-connect"}
    | {"openshift-v4", "paypal", "stackoverflow"}
)
GROUP_TYPE = "Group"  # ProviderConfigProperty.GROUP_TYPE
TARGETS = ("LOCAL", "BROKER_ID", "BROKER_USERNAME")  # UsernameTemplateMapper.Target
SYNC_MODE = "syncMode"  # IdentityProviderMapperModel.SYNC_MODE
SYNC_MODES = ("IMPORT", "LEGACY", "FORCE", "INHERIT")  # IdentityProviderMapperSyncMode
REPRESENTATION = frozenset({"id", "name", "identityProviderAlias", "identityProviderMapper", "config"})

_CLAIM_HELP = (
    "Name of claim to search for in token. You can reference nested claims using a '.', i.e. 'address.locality'. "
    "To use dot (.) literally, escape it with backslash (\\.)"
)
_ROLE_HELP = (
    "Role to grant to user if claim is present.  Click 'Select Role' button to browse roles, or just type it in the "
    "textbox.  To reference a client role the syntax is clientname.clientrole, i.e. myclient.myrole"
)
_HARDCODED_ROLE_HELP = (
    "Role to grant to user.  Click 'Select Role' button to browse roles, or just type it in the textbox.  To "
    "reference a client role the syntax is clientname.clientrole, i.e. myclient.myrole"
)
_TEMPLATE_HELP = (
    "Template to use to format the username to import.  Substitutions are enclosed in ${}.  For example: "
    "'${ALIAS}.${CLAIM.sub}'.  ALIAS is the provider alias.  CLAIM.<NAME> references an ID or Access token claim. \n"
    "The substitution can be converted to upper or lower case by appending |uppercase or |lowercase to the "
    "substituted value, e.g. '${CLAIM.sub | lowercase}"
)
_TARGET_HELP = (
    "Destination field for the mapper. LOCAL (default) means that the changes are applied to the username stored in "
    "local database upon user import. BROKER_ID and BROKER_USERNAME means that the changes are stored into the ID or "
    "username used for federation user lookup, respectively."
)
_CLAIMS_HELP = (
    "Name and value of the claims to search for in token. You can reference nested claims using a '.', i.e. "
    "'address.locality'. To use dot (.) literally, escape it with backslash (\\.)"
)
_ADVANCED_ROLE_HELP = (
    "Role to grant to user if claim is present. Click 'Select Role' button to browse roles, or just type it in the "
    "textbox. To reference a client role the syntax is clientname.clientrole, i.e. myclient.myrole"
)
# id -> (display type, category, help text, properties)
# Both advanced mappers' regex switch (AbstractClaimToGroupMapper / AdvancedClaimToRoleMapper: one property).
_REGEX_VALUES = Prop(
    "are.claim.values.regex",
    "Regex Claim Values",
    "If enabled claim values are interpreted as regular expressions.",
    BOOLEAN,
)

TYPES: dict[str, tuple[str, str, str, tuple[Prop, ...]]] = {
    HARDCODED_ATTRIBUTE: (
        "Hardcoded Attribute",
        "Attribute Importer",
        "When user is imported from provider, hardcode a value to a specific user attribute.",
        (
            Prop("attribute", "User Attribute", "Name of user attribute you want to hardcode", STRING),
            Prop("attribute.value", "User Attribute Value", "Value you want to hardcode", STRING),
        ),
    ),
    HARDCODED_ROLE: (
        "Hardcoded Role",
        "Role Importer",
        "When user is imported from provider, hardcode a role mapping for it.",
        (Prop("role", "Role", _HARDCODED_ROLE_HELP, ROLE_TYPE),),
    ),
    EXTERNAL_ROLE_TO_ROLE: (
        "External Role to Role",
        "Role Importer",
        "Looks for an external role in a keycloak access token.  If external role exists, grant the user the "
        "specified realm or client role.",
        (
            Prop(
                "external.role",
                "External role",
                "External role to check for.  To reference a client role the syntax is clientname.clientrole, "
                "i.e. myclient.myrole",
                STRING,
            ),
            Prop(
                "role",
                "Role",
                "Role to grant to user if external role is present.  Click 'Select Role' button to browse roles, or "
                "just type it in the textbox.  To reference a client role the syntax is clientname.clientrole, "
                "i.e. myclient.myrole",
                ROLE_TYPE,
            ),
        ),
    ),
    HARDCODED_GROUP: (
        "Hardcoded Group",
        "Group Importer",
        "Assign the user to the specified group.",
        (Prop("group", "Group", "Group to assign the user.", GROUP_TYPE),),
    ),
    CLAIM_TO_ROLE: (
        "Claim to Role",
        "Role Importer",
        "If a claim exists, grant the user the specified realm or client role.",
        (
            Prop("claim", "Claim", _CLAIM_HELP, STRING),
            Prop(
                "claim.value",
                "Claim Value",
                "Value the claim must have.  If the claim is an array, then the value must be contained in the array.",
                STRING,
            ),
            Prop("role", "Role", _ROLE_HELP, ROLE_TYPE),
        ),
    ),
    USERNAME_TEMPLATE: (
        "Username Template Importer",
        "Preprocessor",
        "Format the username to import.",
        (
            Prop("template", "Template", _TEMPLATE_HELP, STRING, "${ALIAS}.${CLAIM.preferred_username}"),
            Prop("target", "Target", _TARGET_HELP, LIST, "LOCAL", TARGETS),
        ),
    ),
    ADVANCED_CLAIM_TO_ROLE: (
        "Advanced Claim to Role",
        "Role Importer",
        "If all claims exists, grant the user the specified realm or client role.",
        (
            Prop("claims", "Claims", _CLAIMS_HELP, "Map"),
            _REGEX_VALUES,
            Prop("role", "Role", _ADVANCED_ROLE_HELP, ROLE_TYPE),
        ),
    ),
    ADVANCED_CLAIM_TO_GROUP: (
        "Advanced Claim to Group",
        "Group Importer",
        "If all claims exists, assign the user to the specified group.",
        (
            Prop("claims", "Claims", _CLAIMS_HELP, "Map"),
            _REGEX_VALUES,
            Prop("group", "Group", "Group to assign the user to if claim is present.", GROUP_TYPE),
        ),
    ),
    **{
        kind: (
            "Attribute Importer",
            "Attribute Importer",
            "Import user profile information if it exists in Social provider JSON data into the specified user "
            "attribute.",
            (
                Prop(
                    "jsonField",
                    "Social Profile JSON Field Path",
                    "Path of field in Social provider User Profile JSON data to get value from. You can use dot "
                    "notation for nesting and square brackets for array index. Eg. 'contact.address[0].country'.",
                    STRING,
                ),
                Prop("userAttribute", "User Attribute Name", "User attribute name to store information into.", STRING),
            ),
        )
        for kind in JSON_ATTRIBUTE
    },
    USER_ATTRIBUTE: (
        "Attribute Importer",
        "Attribute Importer",
        "Import declared claim if it exists in ID, access token or the claim set returned by the user profile "
        "endpoint into the specified user property or attribute.",
        (
            Prop("claim", "Claim", _CLAIM_HELP, STRING),
            Prop(
                "user.attribute",
                "User Attribute Name",
                "User attribute name to store claim.  Use email, lastName, and firstName to map to those predefined "
                "user properties.",
                STRING,
            ),
        ),
    ),
}


ANY_PROVIDER = "*"  # IdentityProviderMapper.ANY_PROVIDER
OIDC_PROVIDERS = frozenset({"oidc", "keycloak-oidc"})
# Each mapper's getCompatibleProviders, for the providers Doorkeep brokers.
COMPATIBLE: dict[str, frozenset[str]] = {
    HARDCODED_ATTRIBUTE: frozenset({ANY_PROVIDER}),
    HARDCODED_ROLE: frozenset({ANY_PROVIDER}),
    HARDCODED_GROUP: frozenset({ANY_PROVIDER}),
    USERNAME_TEMPLATE: OIDC_PROVIDERS | TEMPLATE_SOCIAL,
    EXTERNAL_ROLE_TO_ROLE: frozenset({"keycloak-oidc"}),
    **{kind: frozenset({provider}) for kind, provider in JSON_ATTRIBUTE.items()},
}


def compatible(kind: str, provider_id: str | None) -> bool:
    """IdentityProviderResource.getMapperTypes' filter: the mapper names the provider, or any provider."""
    allowed = COMPATIBLE.get(kind, OIDC_PROVIDERS)
    return provider_id is None or ANY_PROVIDER in allowed or provider_id in allowed


def types(provider_id: str | None = None) -> dict[str, JSON]:
    """getMapperTypes for a provider of ``provider_id`` (None: every type): each type by its id."""
    return {
        mapper_id: {
            "id": mapper_id,
            "name": name,
            "category": category,
            "helpText": help_text,
            "properties": [p.representation() for p in props],
        }
        for mapper_id, (name, category, help_text, props) in TYPES.items()
        if compatible(mapper_id, provider_id)
    }


def _parse_error() -> AdminError:
    return AdminError(400, "unknown_error", key="error", description="Cannot parse the JSON")


def model(rep: JSON, provider: JSON, *, mapper_id: str | None = None) -> JSON:
    """RepresentationToModel.toModel of an IdentityProviderMapperRepresentation for ``provider``: the mapper as
    stored. A mapper Doorkeep does not run, or a sync mode Keycloak has not, is refused as createMapper's failure
    (400 "Failed to add mapper ...")."""
    name = rep.get("name")
    config = rep.get("config") if rep.get("config") is not None else {}
    if not isinstance(config, dict) or (name is not None and not isinstance(name, str)):
        raise _parse_error()
    kind = rep.get("identityProviderMapper")
    if isinstance(kind, (dict, list)):  # a String field: Jackson cannot read an object or array into it
        raise _parse_error()
    stored: dict[str, str] = {}
    for key, value in config.items():
        if value is None or value == "":  # RepresentationToModel.removeEmptyString (KEYCLOAK-4962)
            continue
        if isinstance(value, (dict, list)):
            raise _parse_error()
        stored[str(key)] = str(value).lower() if isinstance(value, bool) else str(value)
    failed = f"Failed to add mapper '{name}' to identity provider [{provider['providerId']}]."
    if kind not in TYPES or not name or stored.get(SYNC_MODE, "LEGACY") not in SYNC_MODES:
        raise AdminError(400, failed)
    return {
        "id": mapper_id or str(uuid.uuid4()),
        "name": name,
        "identityProviderAlias": provider["alias"],
        "identityProviderMapper": kind,
        "config": stored,
    }


def of_provider(mappers: tuple[JSON, ...] | list[JSON], alias: str) -> list[JSON]:
    """The provider's mappers (IdentityProviderStorageProvider.getMappersByAliasStream), in the order added."""
    return [dict(m) for m in mappers if m.get("identityProviderAlias") == alias]


def find(mappers: tuple[JSON, ...] | list[JSON], mapper_id: str) -> JSON | None:
    return next((dict(m) for m in mappers if m.get("id") == mapper_id), None)


def by_name(mappers: tuple[JSON, ...] | list[JSON], alias: str, name: str) -> JSON | None:
    """IdentityProviderStorageProvider.getMapperByName: the provider's mapper of that name."""
    return next((dict(m) for m in of_provider(mappers, alias) if m.get("name") == name), None)
