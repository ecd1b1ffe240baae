"""What ``GET /admin/serverinfo`` tells of the common and CIBA client-policy executors (``componentTypes`` under
ClientPolicyExecutorProvider): each factory's id, ``getHelpText`` and ``getConfigProperties``, copied from Keycloak
26's ``*ExecutorFactory`` classes (services/clientpolicy/executor, protocol/oidc/grants/ciba/clientpolicy/executor).
The redirect/client URI executors are in provider_metadata.py, the FAPI ones in executor_types.py;
``all_executor_types`` joins the three, one entry per id."""

from __future__ import annotations

from typing import Any

from doorkeep.clientpolicies import catalogue, executor_types, provider_metadata
from doorkeep.clientpolicies.executors_fapi import SECURE_ALGORITHMS

# ProviderConfigProperty's type names
BOOLEAN, STRING, LIST, MULTIVALUED_LIST, INTEGER = "boolean", "String", "List", "MultivaluedList", "Integer"


def config_property(
    name: str, label: str, help_text: str, kind: str, default: Any, options: tuple[str, ...] = ()
) -> dict[str, Any]:
    """A ProviderConfigProperty as ConfigPropertyRepresentation."""
    rep: dict[str, Any] = {"name": name, "label": label, "helpText": help_text, "type": kind}
    if default is not None:  # a null defaultValue is left out of the JSON
        rep["defaultValue"] = default
    if options:
        rep["options"] = list(options)
    return {**rep, "secret": False, "required": False, "readOnly": False}


def _auto_configure(help_text: str, default: bool = False) -> dict[str, Any]:
    return config_property("auto-configure", "Auto-configure", help_text, BOOLEAN, default)


_AUTHENTICATORS = tuple(sorted(catalogue.CLIENT_AUTHENTICATORS))  # the ClientAuthenticator factories' ids
_DAY = 24 * 60 * 60

_TYPES: tuple[tuple[str, str, tuple[dict[str, Any], ...]], ...] = (
    (
        "allowed-protocol-mappers",  # Keycloak 26.8's AllowedProtocolMappersExecutorFactory
        "When present, it allows to specify whitelist of protocol mapper types, which will be allowed when creating or "
        "updating clients and protocol mappers",
        (
            config_property(
                "allowed-protocol-mapper-types",
                "allowed-protocol-mappers.label",
                "allowed-protocol-mappers.tooltip",
                MULTIVALUED_LIST,
                None,
            ),
        ),
    ),
    (
        "auth-flow-enforcer",
        "",  # AuthenticationFlowSelectorExecutorFactory's help text is empty
        (
            config_property(
                "auth-flow-alias", "Auth Flow Alias", "Insert the alias of the authentication flow", STRING, None
            ),
            config_property(
                "auth-flow-loa",
                "Auth Flow Loa",
                "Insert the loa to enforce when the selected authentication flow is executed",
                INTEGER,
                1,
            ),
        ),
    ),
    (
        "pkce-enforcer",
        "It makes the client enforce Proof Key for Code Exchange operation with secure algorithm like S256.",
        (
            _auto_configure(
                "If On, then the during client creation or update, the configuration of the client will be "
                "auto-configured to enforce usage of PKCE with secure algorithm S256"
            ),
        ),
    ),
    (
        "dpop-bind-enforcer",
        "It enforces a client to enable DPoP bind token setting.",
        (
            _auto_configure(
                "If On, then the during client creation or update, the configuration of the client will be "
                "auto-configured to use DPoP bind token"
            ),
            config_property(
                "enforce-authorization-code-binding-to-dpop",
                "Enforce Authorization Code binding to DPoP key",
                "If On, then there is enforced authorization code binding to DPoP key. This means that parameter "
                "'dpop_jkt' will be required in the OIDC/OAuth2 authentication requests and will be verified during "
                "token request if it matches DPoP proof. When this is false, it is still possible to use 'dpop_jkt' "
                "parameter, which would be checked in the token request later, but 'dpop_jkt' parameter will not be "
                "required",
                BOOLEAN,
                False,
            ),
            config_property(
                "allow-only-refresh-token-binding",
                "Bind only refresh token for public client",
                "If On and the client is public the DPoP binding is enforced only for refresh token. This option is "
                "ignored if the DPoP is enforced in client settings or if the client is not public",
                BOOLEAN,
                False,
            ),
        ),
    ),
    (
        "confidential-client",
        "On authorization endpoint and token endpoint, this executor checks whether the client is confidential "
        "client. If not, it denies its request.",
        (),
    ),
    (
        "full-scope-disabled",
        "When present, then registered/updated clients will be verified to have 'fullScopeAllowed' switch disabled "
        "and eventually will be auto-configured for 'fullScopeAllowed' switch to be disabled",
        (
            _auto_configure(
                "If On, the configuration of the client will be auto-configured to disable fullScopeAllowed during "
                "client creation or update.If off, the clients are validated to not have fullScopeAllowed enabled "
                "during create/update client",
                True,
            ),
        ),
    ),
    (
        "consent-required",
        "When present, then registered/updated clients will be verified to have 'consentRequired' switch enabled "
        "and eventually will be auto-configured for 'consentRequired' switch to be enabled",
        (
            _auto_configure(
                "If On, the configuration of the client will be auto-configured to enable consentRequired during "
                "client creation or update.If Off, the clients are validated to have consentRequired enabled during "
                "create/update client",
                True,
            ),
        ),
    ),
    (
        "reject-implicit-grant",
        "It makes keycloak to reject an implicit grant / hybrid flow.",
        (
            _auto_configure(
                "If On, then the during client creation or update, the configuration of the client will be "
                "auto-configured to reject an implicit grant/hybrid flow."
            ),
        ),
    ),
    (
        "reject-ropc-grant",
        "It makes keycloak to reject a resource owner password credentials grant.",
        (
            _auto_configure(
                "If On, then the during client creation or update, the configuration of the client will be "
                "auto-configured to reject a resource owner password credentials grant."
            ),
        ),
    ),
    (
        "secure-client-authenticator",
        "It makes the client enforce registering/updating secure client authentication.",
        (
            config_property(
                "allowed-client-authenticators",
                "Allowed Client Authenticators",
                "List of available client authentication methods, which are allowed for clients to use. Other client "
                "authentication methods will not be allowed.",
                MULTIVALUED_LIST,
                None,
                _AUTHENTICATORS,
            ),
            config_property(
                "default-client-authenticator",
                "Default Client Authenticator",
                "This client authentication method will be set as the authentication method to new clients during "
                "register/update request of the client in case that client does not have explicitly set other client "
                "authenticator method. If it is not set, then the client authenticator won't be set on new clients. "
                "Regardless the value of this option, client is still always validated to match with any of the "
                "allowed client authentication methods",
                LIST,
                "client-jwt",
                _AUTHENTICATORS,
            ),
        ),
    ),
    ("use-lightweight-access-token", "Use lightweight access token", ()),
    (
        "secret-rotation",
        "The executor verifies that secret rotation is enabled for the client. If rotation is enabled, it provides "
        "validation of secrets and performs rotation if necessary.",
        (
            config_property(
                "expiration-period",
                "Secret expiration",
                "When the secret is rotated. The time frequency for generating a new secret. (In seconds)",
                STRING,
                30 * _DAY,
            ),
            config_property(
                "rotated-expiration-period",
                "Rotated Secret expiration",
                "When secret is rotated, this is the remaining expiration time for the old secret. This value should "
                "be always smaller than Secret expiration. When this is set to 0, the old secret will be immediately "
                "removed during client rotation (In seconds)",
                STRING,
                2 * _DAY,
            ),
            config_property(
                "remaining-rotation-period",
                "Remain Expiration Time",
                "During dynamic client registration client-update request, the client secret will be automatically "
                "rotated if the remaining expiration time of the current secret is smaller than the value specified "
                "by this option. This configuration option is relevant only for dynamic client update requests (In "
                "seconds)",
                STRING,
                10 * _DAY,
            ),
        ),
    ),
    (
        "secure-ciba-session",
        "To distinguish which authentication belongs to which CIBA flow, it refuses backchannel authentication "
        "request which lacks 'binding_message' parameter.",
        (),
    ),
    (
        "secure-ciba-signed-authn-req",
        "The executor checks whether the client treats the signed authentication request in its CIBA backchannel "
        "authentication request by following Financial-grade API CIBA Security Profile.",
        (
            config_property(
                "available-period",
                "Available Period",
                "The maximum period in seconds for which the 'request' signed authentication request used in CIBA "
                "backchannel authentication request is considered valid.",
                STRING,
                "3600",
            ),
        ),
    ),
    (
        "jwt-authorization-grant-audience",  # JWTAuthorizationGrantAudienceExecutorFactory (property text not verified)
        "Executor that configures new and exclusive valid audiences for the JWT Authorization Grant type.\n"
        "The default audiences valid for the grant are not valid anymore.\n"
        "Note this behavior breaks the standard and can have major security implications.\n",
        (
            config_property(
                "allowed-audience",
                "Allowed Audience",
                "The audiences allowed for each client (client ID as key, audience as value)",
                "Map",
                None,
            ),
        ),
    ),
    (
        "downscope-assertion-grant-enforcer",
        "It ensures that the scopes in the final access token are limited to the ones already present in the JWT "
        "assertion passed.\n"
        "For the moment, the executor applies to certain grants where some initial token/assertion is passed (for "
        "example\n"
        "subject_token in case of Standard Token Exchange grant). The limitation is done over the scopes that are\n"
        "present in the initial token/assertion, returning an error if any extra scope is requested.\n",
        (),
    ),
    (
        "jwt-claim-enforcer",
        "The executor enforces the presence and specific values of a claim in a JWT.\n"
        "It is applied in client requests where an existing JWT token is passed, such as a JWT Authorization Grant "
        "request (RFC 7523) or Standard Token Exchange request.\n"
        "The configured claim must be present in the received JWT.\n"
        "If allowed value is empty, only the presence of the claim is enforced.\n"
        "If allowed value is set, the claim's value must match the configured regular expression.\n"
        "Only claims of type string or number are allowed; multi-valued, arrays, maps, or other JSON objects are not "
        "supported.\n",
        (
            config_property(
                "claim-name",
                "Claim Name",
                "The name of the JWT claim to enforce. This claim must be present in the token for validation.",
                STRING,
                None,
            ),
            config_property(
                "allowed-value",
                "Allowed Value",
                "Value that the JWT claim must match. Regular expressions are supported. If left empty, only the "
                "presence of the claim is enforced.",
                STRING,
                None,
            ),
        ),
    ),
    (
        "secure-ciba-req-sig-algorithm",
        "It refuses the client whose signature algorithms are considered not to be secure. This is applied by server "
        "for CIBA backchannel signed authentication request. It accepts ES256, ES384, ES512, PS256, PS384 and PS512.",
        (
            config_property(
                "default-algorithm",
                "Default Algorithm",
                "Default signature algorithm, which will be set to clients during client registration/update in case "
                "that client does not specify any algorithm",
                LIST,
                "PS256",
                SECURE_ALGORITHMS,
            ),
        ),
    ),
)


def all_executor_types() -> list[dict[str, Any]]:
    """The ComponentTypeRepresentations of every executor Doorkeep runs (fresh copies), one per id, in id order."""
    listed = [
        *(
            {"id": pid, "helpText": text, "properties": [dict(p) for p in props], "metadata": {}}
            for pid, text, props in _TYPES
        ),
        *executor_types.component_types(),
        *provider_metadata.executor_component_types(),
    ]
    by_id: dict[str, dict[str, Any]] = {}
    _with_mapper_options(listed)
    for rep in listed:
        by_id.setdefault(str(rep["id"]), rep)
    return [by_id[pid] for pid in sorted(by_id)]


def _with_mapper_options(listed: list[dict[str, Any]]) -> None:
    """allowed-protocol-mappers' property lists the server's protocol mapper types (getProtocolMapperFactoryIds)."""
    from doorkeep.admin.serverinfo import MAPPER_TYPES  # the serverinfo module lists these executors in turn

    for rep in listed:
        for prop in rep["properties"]:
            if rep["id"] == "allowed-protocol-mappers" and prop["name"] == "allowed-protocol-mapper-types":
                prop["options"] = [m[0] for m in MAPPER_TYPES]
