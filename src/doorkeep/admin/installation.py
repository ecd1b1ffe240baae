"""Client installation files (Keycloak's ClientInstallationProvider, OIDC ones), served by
``GET /admin/realms/{realm}/clients/{id}/installation/providers/{providerId}``.

Doorkeep renders ``keycloak-oidc-jboss-subsystem`` (KeycloakOIDCJbossSubsystemClientInstallation): the
``<secure-deployment>`` XML snippet; and ``keycloak-oidc-keycloak-json`` (KeycloakOIDCClientInstallation):
ClientManager.InstallationAdapterConfig as pretty-printed JSON; both as text/plain. The client's credentials are
its authenticator's adapter configuration (ClientAuthenticatorFactory.getAdapterConfiguration): ``secret`` for
client-secret, the ``secret-jwt`` and ``jwt`` maps for the JWT authenticators.
"""

from __future__ import annotations

import json
from typing import Any
from xml.sax.saxutils import escape

from doorkeep.model import Client, Realm

JBOSS_SUBSYSTEM = "keycloak-oidc-jboss-subsystem"
KEYCLOAK_JSON = "keycloak-oidc-keycloak-json"
# Keycloak's other OIDC installation providers, which Doorkeep does not render (501, not an unknown 404).
NOT_RENDERED = frozenset(
    {
        "keycloak-oidc-jboss-subsystem-cli",
        "oauth2-proxy",
        "oauth2-proxy-config",
    }
)


def show_credentials(client: Client) -> bool:
    """KeycloakOIDCClientInstallation.showClientCredentialsAdapterConfig (no node re-registration here)."""
    return not client.public_client and not (client.bearer_only and not client.service_accounts_enabled)


def adapter_credentials(client: Client) -> dict[str, str | dict[str, str]]:
    """The authenticator's adapter configuration (ClientIdAndSecretAuthenticator, JWTClientSecretAuthenticator,
    JWTClientAuthenticator); the JWT placeholders are Keycloak's own words."""
    secret = client.secret or ""
    if client.client_authenticator_type == "client-secret":
        return {"secret": secret}
    if client.client_authenticator_type == "client-secret-jwt":
        return {"secret-jwt": {"secret": secret}}
    if client.client_authenticator_type == "client-jwt":
        return {
            "jwt": {
                "client-keystore-file": "REPLACE WITH THE LOCATION OF YOUR KEYSTORE FILE",
                "client-keystore-type": "jks",
                "client-keystore-password": "REPLACE WITH THE KEYSTORE PASSWORD",
                "client-key-password": "REPLACE WITH THE KEY PASSWORD IN YOUR KEYSTORE",
                "client-key-alias": client.client_id,
                "token-timeout": "10",
            }
        }
    return {}


def jboss_subsystem(realm: Realm, client: Client, base_uri: str, *, has_roles: bool, audience: bool) -> str:
    """The ``<secure-deployment>`` snippet; ``audience`` is showVerifyTokenAudience (client roles, or an audience
    mapper of a client scope naming the client)."""
    lines = ['<secure-deployment name="WAR MODULE NAME.war">', f"    <realm>{escape(realm.name)}</realm>"]
    lines.append(f"    <auth-server-url>{escape(base_uri)}</auth-server-url>")
    if client.bearer_only:
        lines.append("    <bearer-only>true</bearer-only>")
    elif client.public_client:
        lines.append("    <public-client>true</public-client>")
    lines.append(f"    <ssl-required>{realm.ssl_required.upper()}</ssl-required>")
    lines.append(f"    <resource>{escape(client.client_id)}</resource>")
    if audience:
        lines.append("    <verify-token-audience>true</verify-token-audience>")
    if show_credentials(client):
        for name, value in adapter_credentials(client).items():
            if isinstance(value, dict):
                lines.append(f'    <credential name="{name}">')
                lines += [f"        <{k}>{escape(v)}</{k}>" for k, v in value.items()]
                lines.append("    </credential>")
            else:
                lines.append(f'    <credential name="{name}">{escape(value)}</credential>')
    if has_roles:
        lines.append("    <use-resource-role-mappings>true</use-resource-role-mappings>")
    lines.append("</secure-deployment>")
    return "\n".join(lines) + "\n"


def keycloak_json(realm: Realm, client: Client, base_uri: str, *, has_roles: bool, audience: bool) -> str:
    """InstallationAdapterConfig in its @JsonPropertyOrder (realm, bearer-only, auth-server-url, ssl-required,
    resource, public-client, verify-token-audience, credentials, use-resource-role-mappings), nulls left out,
    then BaseRealmConfig's ``confidential-port`` (an int, 0), as Jackson's default pretty printer writes it."""
    out: dict[str, Any] = {"realm": realm.name}
    if client.bearer_only:
        out["bearer-only"] = True
    out["auth-server-url"] = base_uri
    out["ssl-required"] = realm.ssl_required.lower()
    out["resource"] = client.client_id
    if client.public_client and not client.bearer_only:
        out["public-client"] = True
    if audience:
        out["verify-token-audience"] = True
    if show_credentials(client):
        out["credentials"] = adapter_credentials(client)
    if has_roles:
        out["use-resource-role-mappings"] = True
    out["confidential-port"] = 0
    return json.dumps(out, indent=2, separators=(",", " : "))
