"""OpenID Connect Dynamic Client Registration metadata ↔ Keycloak's ClientRepresentation (Keycloak's
DescriptionConverter ``toInternal`` and ``toExternalResponse``), for the ``openid-connect`` provider.

Only what Doorkeep serves is converted: response and grant types to flows, the token endpoint's client
authentication, ``jwks_uri``/``jwks``, the ID token and token-endpoint signing algorithms, the authorization
response's (JARM) algorithms, backchannel and front-channel logout and PAR's flag. What Keycloak would refuse
(``ClientRegistrationException``) is ``ConversionError``:
400 ``invalid_client_metadata`` "Client metadata invalid".
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from doorkeep.clientpolicies.secret_rotation import EXPIRATION_TIME
from doorkeep.clientreg import ciba_metadata, pairwise_subjects
from doorkeep.model import Client
from doorkeep.numbers import loads
from doorkeep.oauth import backchannel as bc
from doorkeep.oauth import client_x509
from doorkeep.oauth import frontchannel_logout as fc
from doorkeep.oauth import redirect_uris as ru
from doorkeep.oauth.ciba import config as ciba_config
from doorkeep.oauth.client_auth import ALLOWED_SECRET_METHOD
from doorkeep.sessions.ended import BACKCHANNEL_URL

# AuthorizeClientUtil.findClientAuthenticatorForOIDCAuthMethod, for the authenticators Doorkeep runs.
AUTHENTICATORS = {
    "client_secret_basic": "client-secret",
    "client_secret_post": "client-secret",
    "client_secret_jwt": "client-secret-jwt",
    "private_key_jwt": "client-jwt",
    "tls_client_auth": "client-x509",  # X509ClientAuthenticator (oauth/client_x509.py, mTLS behind the proxy)
}
# getProtocolAuthenticatorMethods(...).iterator().next(): the method each authenticator is answered as.
SECRET_METHODS = ("client_secret_basic", "client_secret_post")
METHOD_OF = {
    "client-secret": "client_secret_basic",
    "client-secret-jwt": "client_secret_jwt",
    "client-jwt": "private_key_jwt",
    "client-x509": "tls_client_auth",
}
# OIDCClientRepresentation's fields (Jackson binds them by field, and refuses any other property with
# UnrecognizedPropertyException before the provider runs).
OIDC_CLIENT_REPRESENTATION = frozenset(
    [
        "redirect_uris",
        "token_endpoint_auth_method",
        "token_endpoint_auth_signing_alg",
        "grant_types",
        "response_types",
        "application_type",
        "client_id",
        "client_secret",
        "client_name",
        "client_uri",
        "logo_uri",
        "scope",
        "contacts",
        "tos_uri",
        "policy_uri",
        "jwks_uri",
        "jwks",
        "sector_identifier_uri",
        "subject_type",
        "id_token_signed_response_alg",
        "id_token_encrypted_response_alg",
        "id_token_encrypted_response_enc",
        "userinfo_signed_response_alg",
        "userinfo_encrypted_response_alg",
        "userinfo_encrypted_response_enc",
        "request_object_signing_alg",
        "request_object_encryption_alg",
        "request_object_encryption_enc",
        "default_max_age",
        "require_auth_time",
        "default_acr_values",
        "initiate_login_uri",
        "request_uris",
        "tls_client_certificate_bound_access_tokens",
        "tls_client_auth_subject_dn",
        "post_logout_redirect_uris",
        "software_id",
        "software_version",
        "client_id_issued_at",
        "client_secret_expires_at",
        "registration_client_uri",
        "registration_access_token",
        "backchannel_logout_uri",
        "backchannel_logout_session_required",
        "backchannel_logout_revoke_offline_tokens",
        "backchannel_token_delivery_mode",
        "backchannel_client_notification_endpoint",
        "backchannel_authentication_request_signing_alg",
        "authorization_signed_response_alg",
        "authorization_encrypted_response_alg",
        "authorization_encrypted_response_enc",
        "require_pushed_authorization_requests",
        "frontchannel_logout_uri",
        "frontchannel_logout_session_required",
        "dpop_bound_access_tokens",
    ]
)
RESPONSE_TYPES = frozenset({"code", "none", "id_token", "token"})
ATTRIBUTES = {  # OIDCAdvancedConfigWrapper's attributes for plain metadata strings
    "id_token_signed_response_alg": "id.token.signed.response.alg",
    "token_endpoint_auth_signing_alg": "token.endpoint.auth.signing.alg",
    # JARM (oauth/jarm.py), its response encrypted to the client's key with the pair (oauth/token_encryption.py)
    "authorization_signed_response_alg": "authorization.signed.response.alg",
    "authorization_encrypted_response_alg": "authorization.encrypted.response.alg",
    "authorization_encrypted_response_enc": "authorization.encrypted.response.enc",
}
# Set only when given (``if (clientOIDC.getIdTokenEncryptedResponseAlg() != null)``): an update without them keeps
# them. The ID token and userinfo encryption (oauth/token_encryption.py).
WHEN_GIVEN = {
    "id_token_encrypted_response_alg": "id.token.encrypted.response.alg",
    "id_token_encrypted_response_enc": "id.token.encrypted.response.enc",
    "userinfo_encrypted_response_alg": "user.info.encrypted.response.alg",
    "userinfo_encrypted_response_enc": "user.info.encrypted.response.enc",
    # setUserInfoSignedResponseAlg, setRequestObjectSignatureAlg (the FAPI executors judge them)
    "userinfo_signed_response_alg": "user.info.response.signature.alg",
    "request_object_signing_alg": "request.object.signature.alg",
    # setLogoUri, setPolicyUri, setTosUri (ClientModel.LOGO_URI, POLICY_URI, TOS_URI): the login pages show them,
    # client validation and the URI executors judge them
    "logo_uri": "logoUri",
    "policy_uri": "policyUri",
    "tos_uri": "tosUri",
}
# Lists kept ``##``-joined when given (OIDCAdvancedConfigWrapper's multivalued attributes)
MULTIVALUED = {"request_uris": "request.uris", "default_acr_values": "default.acr.values"}
# The authenticators whose factory supportsSecret(): the answer carries the secret and its expiry
SECRET_AUTHENTICATORS = ("client-secret", "client-secret-jwt")
MTLS = "tls.client.certificate.bound.access.tokens"  # oauth/mtls.py CLIENT_ATTRIBUTE
AUTHORIZATION = (
    "authorization_signed_response_alg",
    "authorization_encrypted_response_alg",
    "authorization_encrypted_response_enc",
)
PAR = "require.pushed.authorization.requests"
DPOP = "dpop.bound.access.tokens"  # oauth/dpop.py CLIENT_ATTRIBUTE (clientreg stays free of the oauth package)
DEFAULT_SIGNATURE_ALG = "RS256"  # Constants.DEFAULT_SIGNATURE_ALGORITHM
AUTHORIZATION_CODE = "authorization_code"
DEVICE_CODE = "urn:ietf:params:oauth:grant-type:device_code"
TOKEN_EXCHANGE = "urn:ietf:params:oauth:grant-type:token-exchange"
REFRESH_TOKENS = "use.refresh.tokens"
DEVICE_GRANT = "oauth2.device.authorization.grant.enabled"
STANDARD_TOKEN_EXCHANGE = "standard.token.exchange.enabled"  # oauth/exchange_settings.py ENABLED


class ConversionError(ValueError):
    """Keycloak's ClientRegistrationException (its message is logged, not answered)."""


def _strings(value: Any, name: str) -> list[str] | None:
    if value is None:
        return None
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise TypeError(name)
    return value


def _string(value: Any, name: str) -> str | None:
    if value is not None and not isinstance(value, str):
        raise TypeError(name)
    return value


def _flag(value: Any, name: str) -> bool | None:
    if value is not None and not isinstance(value, bool):
        raise TypeError(name)
    return value


def _response_flows(types: list[str]) -> tuple[bool, bool]:
    """OIDCResponseType.parse: (standard flow, implicit or hybrid flow)."""
    parts: set[str] = set()
    for value in types:
        words = value.split(" ")
        if not words or any(w not in RESPONSE_TYPES for w in words) or ("none" in words and len(words) > 1):
            raise ConversionError(f"Unsupported response_type: {value}")
        parts.update(words)
    return bool(parts & {"code", "none"}), bool(parts & {"id_token", "token"})  # ``none`` is the standard flow


def to_internal(oidc: Mapping[str, Any]) -> dict[str, Any]:
    """toInternal: the ClientRepresentation the registration works on. A metadata value of the wrong JSON
    type is a ``TypeError`` (Jackson's binding error)."""
    rep: dict[str, Any] = {
        "clientId": _string(oidc.get("client_id"), "client_id"),
        "name": _string(oidc.get("client_name"), "client_name"),
        "redirectUris": _strings(oidc.get("redirect_uris"), "redirect_uris"),
        "baseUrl": _string(oidc.get("client_uri"), "client_uri"),
        "protocol": "openid-connect",
    }
    scope = _string(oidc.get("scope"), "scope")
    if scope is not None:
        rep["optionalClientScopes"] = scope.split(" ")
    grants = _strings(oidc.get("grant_types"), "grant_types")
    types = _strings(oidc.get("response_types"), "response_types")
    if not types:  # OIDC's default ``code``, unless the grants leave the authorization code out
        types = ["code"] if grants is None or AUTHORIZATION_CODE in grants else []
    standard, implicit = _response_flows(types)
    rep.update(standardFlowEnabled=standard, implicitFlowEnabled=implicit)
    listed = grants or []
    rep.update(directAccessGrantsEnabled="password" in listed, serviceAccountsEnabled="client_credentials" in listed)
    method = _string(oidc.get("token_endpoint_auth_method"), "token_endpoint_auth_method")
    if method == "none" and TOKEN_EXCHANGE in listed:
        raise ConversionError("Standard token exchange is not allowed for a public client")
    rep["publicClient"] = method == "none"
    if method == "none":
        rep["clientAuthenticatorType"] = "none"
    elif method is None or method in AUTHENTICATORS:
        rep["clientAuthenticatorType"] = AUTHENTICATORS.get(method or "", "client-secret")
    else:
        raise ConversionError("Not found clientAuthenticator for requested token_endpoint_auth_method")
    attributes: dict[str, str | None] = {}
    if not _public_key(oidc, attributes) and method == "private_key_jwt":
        raise ConversionError("Didn't find key of supported keyType for use sig")
    for name, attribute in ATTRIBUTES.items():
        # setXxx(null) on the wrapper: an absent value clears the attribute on update
        attributes[attribute] = _string(oidc.get(name), name)
    for name, attribute in WHEN_GIVEN.items():
        given = _string(oidc.get(name), name)
        if given is not None:
            attributes[attribute] = given
    if method in SECRET_METHODS:
        # Keycloak 26.6 ("Client secret authentication method"): client_secret_post is kept, and then only the
        # form's secret authenticates; client_secret_basic, the metadata's default that every read answers back,
        # keeps both ways (as a 26.7 server answers: an update echoing the read must not pin a client to Basic)
        attributes[ALLOWED_SECRET_METHOD] = method if method == "client_secret_post" else None
    subject_dn = _string(oidc.get("tls_client_auth_subject_dn"), "tls_client_auth_subject_dn")
    if subject_dn is not None:
        # "tls_client_auth_subject_dn has subject DN in the exact expected format": no regex comparison
        attributes[client_x509.SUBJECT_DN] = subject_dn
        attributes[client_x509.ALLOW_REGEX] = "false"
    logout_url = _string(oidc.get("backchannel_logout_uri"), "backchannel_logout_uri")
    if logout_url is not None:
        attributes[BACKCHANNEL_URL] = logout_url
    required = _flag(oidc.get("backchannel_logout_session_required"), "backchannel_logout_session_required")
    revoke = _flag(oidc.get("backchannel_logout_revoke_offline_tokens"), "backchannel_logout_revoke_offline_tokens")
    attributes[bc.SESSION_REQUIRED] = "false" if required is False else "true"
    attributes[bc.REVOKE_OFFLINE] = "true" if revoke else "false"
    _frontchannel(oidc, rep, attributes)
    for name, attribute in MULTIVALUED.items():  # setRequestUris, setAttributeMultivalued(DEFAULT_ACR_VALUES)
        values = _strings(oidc.get(name), name)
        if values is not None:  # an empty list removes the attribute
            attributes[attribute] = "##".join(values) or None
    post_logout = _strings(oidc.get("post_logout_redirect_uris"), "post_logout_redirect_uris")
    if post_logout:  # none or an empty list leaves the default, the redirect URIs
        attributes[ru.POST_LOGOUT] = "##".join(post_logout)
    par = _flag(oidc.get("require_pushed_authorization_requests"), "require_pushed_authorization_requests")
    if par is not None:
        attributes[PAR] = "true" if par else "false"
    bound = _flag(oidc.get("dpop_bound_access_tokens"), "dpop_bound_access_tokens")
    if bound is not None:  # OIDCAdvancedConfigWrapper.setUseDPoP
        attributes[DPOP] = "true" if bound else "false"
    name = "tls_client_certificate_bound_access_tokens"
    hok = _flag(oidc.get(name), name)
    if hok is not None:  # setUseMtlsHoKToken
        attributes[MTLS] = "true" if hok else "false"
    if grants is not None:  # without grant_types, refresh tokens stay on (Keycloak's backwards compatibility)
        attributes[REFRESH_TOKENS] = "true" if "refresh_token" in grants else "false"
        attributes[DEVICE_GRANT] = "true" if DEVICE_CODE in grants else "false"
        attributes[STANDARD_TOKEN_EXCHANGE] = "true" if TOKEN_EXCHANGE in grants else "false"
    if (refused := ciba_metadata.to_internal(oidc, grants, attributes)) is not None:
        raise ConversionError(refused)
    subject_type(oidc)
    rep["attributes"] = attributes
    return rep


def subject_type(oidc: Mapping[str, Any]) -> tuple[str | None, str | None]:
    """The ``subject_type`` (SubjectType.parse: ``public`` or ``pairwise``) and ``sector_identifier_uri``,
    which the registration applies to the client's pairwise mapper once it is stored."""
    subject = _string(oidc.get("subject_type"), "subject_type")
    if subject not in (None, "public", "pairwise"):
        raise ConversionError(f"Unsupported subject_type: {subject}")
    return subject, _string(oidc.get("sector_identifier_uri"), "sector_identifier_uri")


def _frontchannel(oidc: Mapping[str, Any], rep: dict[str, Any], attributes: dict[str, str | None]) -> None:
    """Front-channel logout: a ``frontchannel_logout_uri`` turns it on; the session is required only when
    ``frontchannel_logout_session_required`` says so (OIDC Front-Channel Logout's default is false)."""
    uri = _string(oidc.get("frontchannel_logout_uri"), "frontchannel_logout_uri")
    if uri is not None:
        rep["frontchannelLogout"] = True
        attributes[fc.URL] = uri
    required = _flag(oidc.get("frontchannel_logout_session_required"), "frontchannel_logout_session_required")
    attributes[fc.SESSION_REQUIRED] = "true" if required else "false"


def _public_key(oidc: Mapping[str, Any], attributes: dict[str, str | None]) -> bool:
    """setPublicKey: ``jwks_uri`` or ``jwks`` (not both); a key set kept as the client's JWKS string."""
    uri, jwks = oidc.get("jwks_uri"), oidc.get("jwks")
    if uri is None and jwks is None:
        return False
    if uri is not None and jwks is not None:
        raise ConversionError("Illegal to use both jwks_uri and jwks")
    if jwks is not None:
        if not isinstance(jwks, dict) or not isinstance(jwks.get("keys"), list):
            raise TypeError("jwks")
        # JWKSUtils.getKeyForUse(keySet, SIG): a key without ``use`` is skipped, not taken for a signing key
        signing = [k for k in jwks["keys"] if isinstance(k, dict) and k.get("use") == "sig"]
        if not signing:
            return False
        attributes.update({"use.jwks.url": "false", "use.jwks.string": "true", "jwks.string": json.dumps(jwks)})
        return True
    # setUseJwksString(false): a key set registered before stops being used, or the client would hold both
    attributes.update({"use.jwks.url": "true", "jwks.url": str(_string(uri, "jwks_uri")), "use.jwks.string": "false"})
    return True


def _grant_types(client: Client) -> list[str]:
    """getOIDCGrantTypes."""
    grants = []
    if client.standard_flow_enabled:
        grants.append("authorization_code")
    if client.implicit_flow_enabled:
        grants.append("implicit")
    if client.direct_access_grants_enabled:
        grants.append("password")
    if client.service_accounts_enabled:
        grants.append("client_credentials")
    if client.attr_bool(DEVICE_GRANT):
        grants.append(DEVICE_CODE)
    if ciba_config.grant_enabled(client):
        grants.append(ciba_config.GRANT_TYPE)
    if client.attr_bool(STANDARD_TOKEN_EXCHANGE):
        grants.append(TOKEN_EXCHANGE)
    if client.attr_bool(REFRESH_TOKENS, True):
        grants.append("refresh_token")
    return grants


def _response_types(client: Client) -> list[str]:
    """getOIDCResponseTypes."""
    types = []
    if client.standard_flow_enabled:
        types += ["code", "none"]
    if client.implicit_flow_enabled:
        types += ["id_token", "id_token token"]
    if client.standard_flow_enabled and client.implicit_flow_enabled:
        types += ["code id_token", "code token", "code id_token token"]
    return types


def to_external(
    client: Client,
    optional_scopes: list[str],
    uri: str,
    token: str | None,
    *,
    realm_signature_alg: str | None = None,
) -> dict[str, Any]:
    """toExternalResponse: the client's registered metadata (OIDCClientRepresentation, nulls left out).

    A client without ``id.token.signed.response.alg`` signs its ID tokens with the realm's
    ``defaultSignatureAlgorithm``: that is what ``id_token_signed_response_alg`` answers, unless the realm's is
    Keycloak's own default RS256, which is left out (OIDCClientRegistrationDefaultSignatureTest)."""
    out: dict[str, Any] = {"redirect_uris": list(client.redirect_uris)}
    authenticator = "none" if client.public_client else client.client_authenticator_type
    out["token_endpoint_auth_method"] = "none" if authenticator == "none" else METHOD_OF.get(authenticator)
    if authenticator == "client-secret" and client.attr(ALLOWED_SECRET_METHOD):
        out["token_endpoint_auth_method"] = client.attr(ALLOWED_SECRET_METHOD)  # getProtocolAuthenticatorMethod
    if client.attr("token.endpoint.auth.signing.alg"):
        out["token_endpoint_auth_signing_alg"] = client.attr("token.endpoint.auth.signing.alg")
    out["grant_types"] = _grant_types(client)
    out["response_types"] = _response_types(client)
    out["client_id"] = client.client_id
    if authenticator in SECRET_AUTHENTICATORS:
        out["client_secret"] = client.secret
    out["client_name"] = client.name
    out["client_uri"] = client.base_url
    if optional_scopes:
        out["scope"] = " ".join(optional_scopes)
    if client.attr_bool("use.jwks.url"):
        out["jwks_uri"] = client.attr("jwks.url")
    if client.attr_bool("use.jwks.string"):
        out["jwks"] = _key_set(client.attr("jwks.string"))
    subject, out["sector_identifier_uri"] = pairwise_subjects.subject_of(client)  # null ones are left out below
    out["subject_type"] = subject
    names = ("userinfo_signed_response_alg", "request_object_signing_alg")
    for name in ("userinfo_encrypted_response_alg", "userinfo_encrypted_response_enc", *names):
        if client.attr(WHEN_GIVEN[name]):
            out[name] = client.attr(WHEN_GIVEN[name])
    for name in ("id_token_signed_response_alg", "id_token_encrypted_response_alg", "id_token_encrypted_response_enc"):
        attribute = ATTRIBUTES.get(name) or WHEN_GIVEN[name]
        if client.attr(attribute):
            out[name] = client.attr(attribute)
    if "id_token_signed_response_alg" not in out and realm_signature_alg not in (None, "", DEFAULT_SIGNATURE_ALG):
        out["id_token_signed_response_alg"] = realm_signature_alg
    for name in AUTHORIZATION:
        if client.attr(ATTRIBUTES[name]):
            out[name] = client.attr(ATTRIBUTES[name])
    if authenticator in SECRET_AUTHENTICATORS:  # the secret's expiry (OIDCClientSecretConfigWrapper), 0 without one
        expiry = client.attr(EXPIRATION_TIME).strip()
        out["client_secret_expires_at"] = int(expiry) if expiry.lstrip("-").isdigit() else 0
    out["registration_client_uri"] = uri
    out["registration_access_token"] = token
    out["backchannel_logout_uri"] = client.attr(BACKCHANNEL_URL) or None
    # As Keycloak's toExternalResponse writes it: the revoke-offline flag lands in session_required.
    out["backchannel_logout_session_required"] = client.attr_bool(bc.REVOKE_OFFLINE)
    ciba_metadata.to_external(client, out)
    out["tls_client_certificate_bound_access_tokens"] = client.attr_bool(MTLS)
    out["tls_client_auth_subject_dn"] = client.attr(client_x509.SUBJECT_DN) or None
    # "+" (or nothing) answers the redirect URIs, "-" none (OIDCAdvancedConfigWrapper.getPostLogoutRedirectUris)
    out["post_logout_redirect_uris"] = ru.post_logout_patterns(client)
    # getRequestUris is never null (an empty list when unset); default ACR values are answered when there are some
    out["request_uris"] = [v for v in client.attr(MULTIVALUED["request_uris"]).split("##") if v]
    out["default_acr_values"] = [v for v in client.attr(MULTIVALUED["default_acr_values"]).split("##") if v] or None
    out["frontchannel_logout_uri"] = client.attr(fc.URL) or None
    out["frontchannel_logout_session_required"] = fc.session_required(client)
    out["require_pushed_authorization_requests"] = client.attr_bool(PAR)
    out["dpop_bound_access_tokens"] = client.attr_bool(DPOP)
    return {k: v for k, v in out.items() if v is not None}


def _key_set(text: str) -> dict[str, Any] | None:
    """The kept JWKS string as a JSON Web Key Set; one that does not parse is left out (Keycloak's "Illegal jwks
    format" would refuse the whole answer, here to a set the admin API let in)."""
    try:
        parsed = loads(text)
    except ValueError:
        return None
    return parsed if isinstance(parsed, dict) else None
