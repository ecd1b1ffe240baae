"""The ``kubernetes`` identity provider (Keycloak 26.6, supported): Kubernetes service-account tokens as client
assertions (KubernetesIdentityProviderFactory, KubernetesIdentityProviderConfig, KubernetesIdentityProvider).

Such a provider is only a client-assertion provider (IdentityProviderType.CLIENT_ASSERTION): no login runs it, it is
hidden on the login page (``isHideOnLogin`` is always true), and its one setting is the cluster's ``issuer``
(required, a URL). Its keys are the issuer's: ``{issuer}/.well-known/openid-configuration`` names the ``jwks_uri``
whose ``use: sig`` keys check a token (KubernetesJwksEndpointLoader), kept per process as other providers' keys
(oauth/client_keys.py). A service-account token of the issuer that Keycloak sends along when it runs inside the
cluster (``/var/run/secrets/kubernetes.io/serviceaccount/token``) is not sent: Doorkeep fetches the documents
without credentials, so a cluster must serve them to anonymous callers (``service-account-issuer-discovery``).
"""

from __future__ import annotations

import json

from doorkeep.oauth.client_keys import fetch_bounded

KUBERNETES = "kubernetes"  # KubernetesIdentityProviderFactory.PROVIDER_ID
DEFAULT_MAX_EXP = 3600  # a projected service-account token lives an hour by default (verifyClientAssertion)


def config_error(config: dict[str, str]) -> str | None:
    """KubernetesIdentityProviderConfig.validate's first check: why the provider cannot be stored, or None."""
    if not config.get("issuer"):
        return "issuer is required"
    return None


def discovery_url(issuer: str) -> str:
    return f"{issuer}/.well-known/openid-configuration"


async def fetch_keys(url: str) -> bytes:
    """KubernetesJwksEndpointLoader.loadKeys: the discovery document at ``url``, then the JWK set its ``jwks_uri``
    names; any failure is a ValueError."""
    try:
        document = json.loads(await fetch_bounded(url, "application/json"))
    except json.JSONDecodeError as err:
        raise ValueError("discovery document not JSON") from err
    jwks_uri = document.get("jwks_uri") if isinstance(document, dict) else None
    if not isinstance(jwks_uri, str) or not jwks_uri:
        raise ValueError("discovery document names no jwks_uri")
    return await fetch_bounded(jwks_uri, "application/jwk-set+json")
