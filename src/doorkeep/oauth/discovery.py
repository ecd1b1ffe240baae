"""OpenID Provider metadata (OIDC Discovery 1.0 §3) and the realm info document (KEYCLOAK.md §1)."""

from __future__ import annotations

from typing import Any

from doorkeep.model import ClientScope

SIGNING_ALGS = ["PS384", "RS384", "EdDSA", "ES384", "HS256", "HS512", "ES256", "RS256", "HS384", "ES512",
                "PS256", "PS512", "RS512"]
ASYM_ALGS = ["PS384", "RS384", "EdDSA", "ES384", "ES256", "RS256", "ES512", "PS256", "PS512", "RS512"]
AUTH_METHODS = ["private_key_jwt", "client_secret_basic", "client_secret_post", "tls_client_auth",
                "client_secret_jwt"]


def configuration(issuer: str, scopes: list[ClientScope]) -> dict[str, Any]:
    oidc = f"{issuer}/protocol/openid-connect"
    scope_names = ["openid"] + [
        s.name for s in scopes if str(s.attributes.get("include.in.openid.provider.metadata", "true")) == "true"
    ]
    return {
        "issuer": issuer,
        "authorization_endpoint": f"{oidc}/auth",
        "token_endpoint": f"{oidc}/token",
        "introspection_endpoint": f"{oidc}/token/introspect",
        "userinfo_endpoint": f"{oidc}/userinfo",
        "end_session_endpoint": f"{oidc}/logout",
        "frontchannel_logout_session_supported": True,
        "frontchannel_logout_supported": True,
        "jwks_uri": f"{oidc}/certs",
        "check_session_iframe": f"{oidc}/login-status-iframe.html",
        "grant_types_supported": ["authorization_code", "client_credentials", "implicit", "password",
                                  "refresh_token"],
        "acr_values_supported": ["0", "1"],
        "response_types_supported": ["code", "none", "id_token", "token", "id_token token", "code id_token",
                                     "code token", "code id_token token"],
        "subject_types_supported": ["public", "pairwise"],
        "prompt_values_supported": ["none", "login", "consent"],
        "id_token_signing_alg_values_supported": ASYM_ALGS,
        "userinfo_signing_alg_values_supported": [*ASYM_ALGS, "none"],
        "request_object_signing_alg_values_supported": [*SIGNING_ALGS, "none"],
        "response_modes_supported": ["query", "fragment", "form_post", "query.jwt", "fragment.jwt",
                                     "form_post.jwt", "jwt"],
        "registration_endpoint": f"{issuer}/clients-registrations/openid-connect",
        "token_endpoint_auth_methods_supported": AUTH_METHODS,
        "token_endpoint_auth_signing_alg_values_supported": SIGNING_ALGS,
        "introspection_endpoint_auth_methods_supported": AUTH_METHODS,
        "introspection_endpoint_auth_signing_alg_values_supported": SIGNING_ALGS,
        "authorization_signing_alg_values_supported": SIGNING_ALGS,
        "claims_supported": ["iss", "sub", "aud", "exp", "iat", "auth_time", "name", "given_name", "family_name",
                             "preferred_username", "email", "acr", "azp", "nonce"],
        "claim_types_supported": ["normal"],
        "claims_parameter_supported": True,
        "scopes_supported": scope_names,
        "request_parameter_supported": True,
        "request_uri_parameter_supported": True,
        "require_request_uri_registration": True,
        "code_challenge_methods_supported": ["plain", "S256"],
        "tls_client_certificate_bound_access_tokens": True,
        "revocation_endpoint": f"{oidc}/revoke",
        "revocation_endpoint_auth_methods_supported": AUTH_METHODS,
        "revocation_endpoint_auth_signing_alg_values_supported": SIGNING_ALGS,
        "backchannel_logout_supported": True,
        "backchannel_logout_session_supported": True,
        "require_pushed_authorization_requests": False,
        "pushed_authorization_request_endpoint": f"{oidc}/ext/par/request",
        "backchannel_authentication_endpoint": f"{oidc}/ext/ciba/auth",
        "authorization_response_iss_parameter_supported": True,
        "mtls_endpoint_aliases": {
            "token_endpoint": f"{oidc}/token",
            "revocation_endpoint": f"{oidc}/revoke",
            "introspection_endpoint": f"{oidc}/token/introspect",
            "userinfo_endpoint": f"{oidc}/userinfo",
        },
    }


def realm_info(issuer: str, realm_name: str, public_key: str, not_before: int) -> dict[str, Any]:
    return {
        "realm": realm_name,
        "public_key": public_key,
        "token-service": f"{issuer}/protocol/openid-connect",
        "account-service": f"{issuer}/account",
        "tokens-not-before": not_before,
    }
