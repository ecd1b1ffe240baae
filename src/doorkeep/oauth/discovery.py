"""OpenID Provider metadata (OIDC Discovery 1.0 §3) and the realm info document (KEYCLOAK.md §1)."""

from __future__ import annotations

from typing import Any

from doorkeep import features
from doorkeep.keys import material
from doorkeep.model import ClientScope
from doorkeep.oauth import authorize, client_assertion, dpop, pkce, token_encryption, token_endpoint, userinfo
from doorkeep.oauth.ciba import config as ciba_config

# getSupportedAlgorithms(SignatureProvider, false): the realm's asymmetric signature providers, in Keycloak's order.
ID_TOKEN_ALGS = [
    alg
    for alg in ("PS384", "RS384", "EdDSA", "ES384", "ES256", "RS256", "ES512", "PS256", "PS512", "RS512")
    if alg in material.ASYMMETRIC
]
# getSupportedSigningAlgorithms(true): every SignatureProvider (the order is the client verifiers' one, see
# client_assertion.SIGNING_ALGS), then "none" (a client without user.info.response.signature.alg, or with "none",
# reads plain JSON). HS* are signed with the client's secret.
USERINFO_ALGS = [*(alg for alg in client_assertion.SIGNING_ALGS if alg in userinfo.SIGNED_ALGS), userinfo.UNSIGNED]
# OIDCWellKnownProvider.DEFAULT_RESPONSE_TYPES_SUPPORTED: a client allows the implicit and hybrid ones
# only with implicitFlowEnabled (authorize.py, front_channel.py).
RESPONSE_TYPES = [
    "code",
    "none",
    "id_token",
    "token",
    "id_token token",
    "code id_token",
    "code token",
    "code id_token token",
]
IMPLICIT = "implicit"  # listed by Keycloak; the token endpoint refuses it as a grant_type, as Keycloak's does
# The client authenticators' methods in Keycloak's order (client-x509's tls_client_auth: oauth/client_x509.py).
AUTH_METHODS = ["private_key_jwt", "client_secret_basic", "client_secret_post", "tls_client_auth", "client_secret_jwt"]
AUTH_SIGNING_ALGS = list(client_assertion.SIGNING_ALGS)
# getSupportedClientSigningAlgorithms(true): every client signature verifier, then "none" (oauth/request_object.py).
REQUEST_OBJECT_ALGS = [*client_assertion.SIGNING_ALGS, "none"]


def configuration(
    issuer: str,
    scopes: list[ClientScope],
    *,
    registration: bool = False,
    acr_values: list[str] | None = None,
    backend: str | None = None,
    disabled: frozenset[str] = frozenset(),
) -> dict[str, Any]:
    """What Doorkeep serves, in Keycloak's field names and order; nothing it does not implement.

    ``disabled``: the features --features-disabled turns off (doorkeep.features): their grant types are not
    listed, nor, with device-flow off, the device endpoint; the CIBA and PAR endpoints stay, as in Keycloak.
    A client library may pick any advertised option, so only what works here is listed. Request objects
    are read signed or not (``none``, as Keycloak lists it); a ``request_uri`` must be registered.
    """
    oidc = f"{issuer}/protocol/openid-connect"
    # OIDCWellKnownProvider builds these from the BACKEND URL (hostname v2: the request's own URL under
    # --hostname-backchannel-dynamic); the issuer, auth, logout, device, iframe and revoke from the FRONTEND one.
    back = f"{backend or issuer}/protocol/openid-connect"
    scope_names = ["openid"] + [
        s.name for s in scopes if str(s.attributes.get("include.in.openid.provider.metadata", "true")) == "true"
    ]
    device = {} if features.DEVICE_FLOW in disabled else {"device_authorization_endpoint": f"{oidc}/auth/device"}
    return {
        "issuer": issuer,
        "authorization_endpoint": f"{oidc}/auth",
        "token_endpoint": f"{back}/token",
        "introspection_endpoint": f"{back}/token/introspect",
        "userinfo_endpoint": f"{back}/userinfo",
        "end_session_endpoint": f"{oidc}/logout",
        "frontchannel_logout_session_supported": True,  # oauth/frontchannel_logout.py, sid and iss on the URL
        "frontchannel_logout_supported": True,
        "jwks_uri": f"{back}/certs",
        "check_session_iframe": f"{oidc}/login-status-iframe.html",
        "grant_types_supported": sorted([*token_endpoint.supported_grants(disabled), IMPLICIT]),
        "acr_values_supported": ["0", "1"] if acr_values is None else acr_values,  # oauth/acr.py: supported
        "response_types_supported": RESPONSE_TYPES,
        "subject_types_supported": ["public", "pairwise"],
        # OIDCWellKnownProvider.getPromptValuesSupported: ``create`` while the realm allows registration.
        "prompt_values_supported": ["none", "login", "consent", *(["create"] if registration else [])],
        "id_token_signing_alg_values_supported": ID_TOKEN_ALGS,
        # ID tokens, userinfo and JARM responses encrypted to a client's key (oauth/token_encryption.py)
        "id_token_encryption_alg_values_supported": list(token_encryption.ALGS),
        "id_token_encryption_enc_values_supported": list(token_encryption.ENCS),
        "userinfo_signing_alg_values_supported": USERINFO_ALGS,
        "userinfo_encryption_alg_values_supported": list(token_encryption.ALGS),
        "userinfo_encryption_enc_values_supported": list(token_encryption.ENCS),
        "request_object_signing_alg_values_supported": REQUEST_OBJECT_ALGS,
        # request objects encrypted to the realm's RSA-OAEP key (oauth/request_object.py)
        "request_object_encryption_alg_values_supported": list(token_encryption.ALGS),
        "request_object_encryption_enc_values_supported": list(token_encryption.ENCS),
        "response_modes_supported": list(authorize.RESPONSE_MODES),
        # the client registration service's OpenID Connect provider, where Keycloak lists it
        "registration_endpoint": f"{backend or issuer}/clients-registrations/openid-connect",
        "token_endpoint_auth_methods_supported": AUTH_METHODS,
        "token_endpoint_auth_signing_alg_values_supported": AUTH_SIGNING_ALGS,
        "introspection_endpoint_auth_methods_supported": AUTH_METHODS,
        "introspection_endpoint_auth_signing_alg_values_supported": AUTH_SIGNING_ALGS,
        # JARM (oauth/jarm.py): the realm keys' algorithms a ``response`` is signed with (Keycloak adds HS*)
        "authorization_signing_alg_values_supported": ID_TOKEN_ALGS,
        "authorization_encryption_alg_values_supported": list(token_encryption.ALGS),
        "authorization_encryption_enc_values_supported": list(token_encryption.ENCS),
        "claims_supported": [
            "iss",
            "sub",
            "aud",
            "exp",
            "iat",
            "auth_time",
            "name",
            "given_name",
            "family_name",
            "preferred_username",
            "email",
            "acr",
            "azp",
            "nonce",
        ],
        "claim_types_supported": ["normal"],
        # OIDCWellKnownProvider says true: the default acr mapper reads ``claims`` (oauth/acr.py, as here); the
        # opt-in claims-parameter mappers are stored, not applied (web/admin/mappers.py STORED_ONLY)
        "claims_parameter_supported": True,
        "scopes_supported": scope_names,
        "request_parameter_supported": True,
        "request_uri_parameter_supported": True,
        "require_request_uri_registration": True,
        "code_challenge_methods_supported": list(pkce.METHODS),
        "tls_client_certificate_bound_access_tokens": True,  # RFC 8705 §3, oauth/mtls.py
        "revocation_endpoint": f"{oidc}/revoke",
        "revocation_endpoint_auth_methods_supported": AUTH_METHODS,
        "revocation_endpoint_auth_signing_alg_values_supported": AUTH_SIGNING_ALGS,
        "backchannel_logout_supported": True,
        "backchannel_logout_session_supported": True,
        **device,  # only while the DEVICE_FLOW feature is on, as OIDCWellKnownProvider has it
        # CIBA (oauth/ciba/): CibaConfig.CIBA_SUPPORTED_MODES, the backend URL, the asymmetric algorithms
        "backchannel_token_delivery_modes_supported": [ciba_config.POLL, ciba_config.PING],
        "backchannel_authentication_endpoint": f"{back}/ext/ciba/auth",
        "backchannel_authentication_request_signing_alg_values_supported": list(ID_TOKEN_ALGS),
        "require_pushed_authorization_requests": False,
        "pushed_authorization_request_endpoint": f"{back}/ext/par/request",
        # getMtlsEndpointAliases: the same endpoints, mutual TLS being the proxy's in front of them (RFC 8705 §5)
        "mtls_endpoint_aliases": {
            "token_endpoint": f"{back}/token",
            "revocation_endpoint": f"{oidc}/revoke",
            "introspection_endpoint": f"{back}/token/introspect",
            **device,
            "registration_endpoint": f"{backend or issuer}/clients-registrations/openid-connect",
            "userinfo_endpoint": f"{back}/userinfo",
            "pushed_authorization_request_endpoint": f"{back}/ext/par/request",
            "backchannel_authentication_endpoint": f"{back}/ext/ciba/auth",
        },
        "authorization_response_iss_parameter_supported": True,
        "dpop_signing_alg_values_supported": list(dpop.ALGS),
    }


def realm_info(issuer: str, realm_name: str, public_key: str, not_before: int) -> dict[str, Any]:
    return {
        "realm": realm_name,
        "public_key": public_key,
        "token-service": f"{issuer}/protocol/openid-connect",
        "account-service": f"{issuer}/account",
        "tokens-not-before": not_before,
    }
