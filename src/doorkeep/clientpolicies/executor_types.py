"""The FAPI executors as their Keycloak factories describe them (``getHelpText``, ``getConfigProperties``): the
ComponentTypeRepresentations server info lists under ClientPolicyExecutorProvider, each property a
ConfigPropertyRepresentation (ProviderConfigProperty's BOOLEAN_TYPE is ``boolean``, STRING_TYPE ``String``,
LIST_TYPE ``List``)."""

from __future__ import annotations

from typing import Any

from doorkeep.clientpolicies.executors_fapi import SECURE_ALGORITHMS

SPI = "org.keycloak.services.clientpolicy.executor.ClientPolicyExecutorProvider"


def _property(
    name: str, label: str, help_text: str, kind: str, default: Any, options: tuple[str, ...] = ()
) -> dict[str, Any]:
    rep: dict[str, Any] = {"name": name, "label": label, "helpText": help_text, "type": kind, "defaultValue": default}
    if options:
        rep["options"] = list(options)
    return {**rep, "secret": False, "required": False, "readOnly": False}


_TYPES: tuple[tuple[str, str, tuple[dict[str, Any], ...]], ...] = (
    (
        "secure-signature-algorithm",
        "It refuses the client whose signature algorithms are considered not to be secure. This is applied by server "
        "for signing ID Token, UserInfo and Access Token. Also it is used by client for Token Endpoint Authentication "
        "signature algorithm (for JWT client authenticators) and OIDC Request object. It accepts ES256, ES384, ES512, "
        "PS256, PS384 and PS512.",
        (
            _property(
                "default-algorithm",
                "Default Algorithm",
                "Default signature algorithm, which will be set to clients during client registration/update in case "
                "that client does not specify any algorithm",
                "List",
                "PS256",
                SECURE_ALGORITHMS,
            ),
        ),
    ),
    (
        "secure-signature-algorithm-signed-jwt",
        "It refuses the client whose JWT token signature algorithms are considered not to be secure. It accepts "
        "ES256, ES384, ES512, PS256, PS384 and PS512.",
        (
            _property(
                "require-client-assertion",
                "Require Client Assertion",
                "If this is ON, then parameter 'client_assertion' will be required in the requests and request will "
                "fail if it is not present. If false, then parameter 'client_assertion' is not required in the "
                "requests, which is convenient for example for clients authenticating with MTLS. When "
                "'client_assertion' parameter is present in the request, then the algorithm on the JWT from specified "
                "client assertion is always checked regardless of the value of this switch",
                "boolean",
                False,
            ),
        ),
    ),
    (
        "secure-request-object",
        "The executor checks whether the client treats the request object in its authorization request by following "
        "Financial-grade API Security Profile : Read and Write API Security Profile.",
        (
            _property(
                "verify-nbf",
                "Verify Not-Before",
                "If ON, then it will be verified if 'request' object used in OIDC authorization request contains "
                "not-before claim and this claim will be validated",
                "boolean",
                True,
            ),
            _property(
                "available-period",
                "Available Period",
                "The maximum period in seconds for which the 'request' object used in OIDC authorization request is "
                "considered valid. It is used if 'Verify Not-Before' is ON.",
                "String",
                "3600",
            ),
            _property(
                "encryption-required",
                "Encryption Required",
                "Whether request object encryption is required. If enabled, request objects must be encrypted. "
                "Otherwise, encryption is optional.",
                "boolean",
                False,
            ),
            _property(
                "allowed-clock-skew",
                "Allowed Clock Skew",
                "The allowed clock skew (sec) between a client and Keycloak. For example, if nbf claim values of "
                "'request' object is ahead from Keycloak's clock within the clock skew, Keycloak accept the object "
                "even if its nbf claim value indicates the future.",
                "String",
                "15",
            ),
        ),
    ),
    (
        "secure-par-content",
        "It checks if a PAR request includes necessary parameters included by an authorization request.",
        (),
    ),
    (
        "secure-client-authentication-assertion",
        "This executor only accepts Keycloak's issuer URI as the aud claim value in a client authentication assertion ",
        (),
    ),
    (
        "holder-of-key-enforcer",
        "It prohibits the client whose MTLS certificate does not match with the certificate thumbprint from the "
        "tokens.",
        (
            _property(
                "auto-configure",
                "Auto-configure",
                "If On, then the during client creation or update, the configuration of the client will be "
                "auto-configured to use MTLS HoK token",
                "boolean",
                False,
            ),
        ),
    ),
)


def component_types() -> list[dict[str, Any]]:
    """The ComponentTypeRepresentations of the FAPI executors (a fresh copy)."""
    return [
        {"id": provider, "helpText": text, "properties": [dict(p) for p in props], "metadata": {}}
        for provider, text, props in _TYPES
    ]
