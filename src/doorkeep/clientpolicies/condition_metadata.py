"""What ``GET /admin/serverinfo`` tells of the client-policy conditions (``componentTypes`` under
ClientPolicyConditionProvider): each factory's id, ``getHelpText`` and ``getConfigProperties``, copied from Keycloak
26's ``*ConditionFactory`` classes (services/clientpolicy/condition). The factories built on
AbstractClientPolicyConditionProviderFactory list its ``is-negative-logic`` switch first (addCommonConfigProperties);
labels and help texts that are message keys in Keycloak stay keys (the admin console translates them)."""

from __future__ import annotations

from typing import Any

from doorkeep.clientpolicies.executor_metadata import BOOLEAN, LIST, MULTIVALUED_LIST, config_property

SPI = "org.keycloak.services.clientpolicy.condition.ClientPolicyConditionProvider"
MULTIVALUED_STRING, MAP = "MultivaluedString", "Map"
_NEGATIVE = config_property(
    "is-negative-logic",
    "clientpolicycondition-is-negative-logic.label",
    "clientpolicycondition-is-negative-logic.tooltip",
    BOOLEAN,
    False,
)
# GrantTypeConditionFactory's DEFAULT_GRANT_TYPES_SUPPORTED, with the standard token exchange and device features on
_GRANT_TYPES = (
    "authorization_code",
    "implicit",
    "refresh_token",
    "password",
    "client_credentials",
    "urn:ietf:params:oauth:grant-type:token-exchange",
    "urn:ietf:params:oauth:grant-type:device_code",
)
_PROTOCOLS = ("openid-connect",)  # the LoginProtocol providers Doorkeep has

_TYPES: tuple[tuple[str, str, tuple[dict[str, Any], ...]], ...] = (
    (
        "acr-condition",
        "The condition is satisfied when configured acr value is requested",
        (config_property("acr-property", "ACR", "ACR to be requested to satisfy the condition", "String", None),),
    ),
    ("any-client", "The condition is satisfied by any client on any event.", ()),
    (
        "client-access-type",
        "It uses the client's access type (confidential, public, bearer-only) to determine whether the policy is "
        "applied. Condition is checked during most of OpenID Connect requests (Authorization request, token "
        "requests, introspection endpoint request etc). Confidential client has enabled client authentication when "
        "public client has disabled client authentication. Bearer-only is deprecated client type.",
        (
            _NEGATIVE,
            config_property(
                "type",
                "client-accesstype.label",
                "client-accesstype.tooltip",
                MULTIVALUED_LIST,
                "confidential",
                ("confidential", "public", "bearer-only"),
            ),
        ),
    ),
    (
        "client-attributes",
        "The condition checks whether all of the specified client attributes exists on the client to determine "
        "whether the policy is applied. This effectively allows client administrator to create client attribute of "
        "specified name on the client to make sure that particular client policy will be applied on requests of "
        "this client. Condition is checked during most of OpenID Connect requests (Authorization request, token "
        "requests, introspection endpoint request etc.).",
        (
            _NEGATIVE,
            config_property("attributes", "client-attributes.label", "client-attributes-condition.tooltip", MAP, None),
        ),
    ),
    (
        "client-roles",
        "The condition checks whether one of the specified client roles exists on the client to determine whether "
        "the policy is applied. This effectively allows client administrator to create client role of specified "
        "name on the client to make sure that particular client policy will be applied on requests of this client. "
        "Condition is checked during most of OpenID Connect requests (Authorization request, token requests, "
        "introspection endpoint request etc).",
        (
            _NEGATIVE,
            config_property("roles", "client-roles.label", "client-roles-condition.tooltip", MULTIVALUED_STRING, None),
        ),
    ),
    (
        "client-scopes",
        "It uses the scopes requested or assigned in advance to the client to determine whether the policy is "
        "applied to this client. Condition is evaluated during OpenID Connect authorization request and/or token "
        "request.",
        (
            _NEGATIVE,
            config_property(
                "scopes",
                "client-scopes-condition.label",
                "client-scopes-condition.tooltip",
                MULTIVALUED_STRING,
                "offline_access",
            ),
            config_property(
                "type",
                "Scope Type",
                "If set to 'Default', condition evaluates to true if client has some default scopes of the values "
                "specified by the 'Expected Scopes' property. If set to 'Optional', condition evaluates to true if "
                "client has some optional scopes of the values specified by the 'Expected Scopes' property and at the "
                "same time, the scope were used as a value of 'scope' parameter in the request",
                LIST,
                "Optional",
                ("Default", "Optional"),
            ),
        ),
    ),
    (
        "client-type",
        "Condition that uses the client's protocol (OpenID Connect, SAML) to determine whether the policy is applied.",
        (
            config_property(
                "protocol",
                "Client protocol",
                "What client login protocol the condition will apply on.",
                LIST,
                _PROTOCOLS[0],
                _PROTOCOLS,
            ),
        ),
    ),
    (
        "client-updater-context",
        "The condition checks the context how is client created/updated to determine whether the policy is applied. "
        "For example it checks if client is created with admin REST API or OIDC dynamic client registration. And "
        "for the letter case if it is ANONYMOUS client registration or AUTHENTICATED client registration with "
        "Initial access token or Registration access token and so on.",
        (
            _NEGATIVE,
            config_property(
                "update-client-source",
                "Update Client Context",
                "Specifies the context how is client created or updated. ByInitialAccessToken is usually OpenID "
                "Connect client registration with the initial access token. ByRegistrationAccessToken is usually "
                "OpenID Connect client update request with the registration access token. ByAuthenticatedUser is "
                "usually Admin REST request with the token on behalf of authenticated user or client (service "
                "account). ByAnonymous is usually anonymous OpenID Client registration request.",
                MULTIVALUED_LIST,
                "ByAuthenticatedUser",
                ("ByAuthenticatedUser", "ByAnonymous", "ByInitialAccessToken", "ByRegistrationAccessToken"),
            ),
        ),
    ),
    (
        "client-updater-source-groups",
        "The condition checks the group of the entity who tries to create/update the client to determine whether "
        "the policy is applied.",
        (
            _NEGATIVE,
            config_property(
                "groups",
                "client-updater-source-groups.label",
                "client-updater-source-groups.tooltip",
                MULTIVALUED_STRING,
                "topGroup",
            ),
        ),
    ),
    (
        "client-updater-source-host",
        "The condition checks the host/domain of the entity who tries to create/update the client to determine "
        "whether the policy is applied.",
        (
            _NEGATIVE,
            config_property(
                "trusted-hosts",
                "client-updater-trusted-hosts.label",
                "client-updater-trusted-hosts.tooltip",
                MULTIVALUED_STRING,
                None,
            ),
        ),
    ),
    (
        "client-updater-source-roles",
        "The condition checks the role of the entity who tries to create/update the client to determine whether the "
        "policy is applied.",
        (
            _NEGATIVE,
            config_property(
                "roles",
                "client-updater-source-roles.label",
                "client-updater-source-roles.tooltip",
                MULTIVALUED_STRING,
                "admin",
            ),
        ),
    ),
    (
        "grant-type",
        "The condition checks that the grant type used is one of those in the configured list.",
        (
            _NEGATIVE,
            config_property(
                "grant_types",
                "Grant Types",
                "The condition evaluates to true if the current grant type is one of those in the list",
                MULTIVALUED_LIST,
                None,
                _GRANT_TYPES,
            ),
        ),
    ),
    (
        "identity-provider-alias",  # IdentityProviderConditionFactory (its property's label and help not verified)
        "Condition that checks the Identity Provider that is involved in the client request.\n"
        "Only applies to operations in which an IdP is involved (for example JWT Authorization grant).\n",
        (
            _NEGATIVE,
            config_property(
                "identity_provider_aliases",
                "Identity Provider Aliases",
                "The aliases of the identity providers that satisfy the condition",
                MULTIVALUED_STRING,
                None,
            ),
        ),
    ),
)


def condition_types() -> list[dict[str, Any]]:
    """The ComponentTypeRepresentations of the conditions Doorkeep evaluates (fresh copies), in id order."""
    return [
        {"id": pid, "helpText": text, "properties": [dict(p) for p in props], "metadata": {}}
        for pid, text, props in sorted(_TYPES)
    ]
