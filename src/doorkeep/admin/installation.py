"""Client installation files (Keycloak's ClientInstallationProvider, OIDC ones), served by
``GET /admin/realms/{realm}/clients/{id}/installation/providers/{providerId}``, all as text/plain.

* ``keycloak-oidc-keycloak-json`` (KeycloakOIDCClientInstallation): ClientManager.InstallationAdapterConfig,
  written by Jackson's pretty printer (``"key" : value``, an empty map as ``{ }``, no ASCII escaping).
* ``keycloak-oidc-jboss-subsystem`` (KeycloakOIDCJbossSubsystemClientInstallation): the ``<secure-deployment>``
  XML snippet, written as Keycloak appends it: the values as they are, not XML-escaped.
* ``keycloak-oidc-jboss-subsystem-cli`` (KeycloakOIDCJbossSubsystemClientCliInstallation): the JBoss CLI
  commands adding that deployment, then one command per credential.

The client's credentials are its authenticator's adapter configuration (ClientAuthenticatorFactory
.getAdapterConfiguration): ``secret`` for client-secret, the ``secret-jwt`` and ``jwt`` maps for the JWT
authenticators, nothing for the others (client-x509). The ``jwt`` map is a Java HashMap: its keys come in
that map's iteration order, which is fixed for these keys.
"""

from __future__ import annotations

from typing import Any

from doorkeep.admincli import jackson
from doorkeep.model import Client, Realm

JBOSS_SUBSYSTEM = "keycloak-oidc-jboss-subsystem"
JBOSS_SUBSYSTEM_CLI = "keycloak-oidc-jboss-subsystem-cli"
KEYCLOAK_JSON = "keycloak-oidc-keycloak-json"
# Keycloak's other installation providers (oauth2-proxy's; SAML's, a protocol Doorkeep does not speak), which
# Doorkeep does not render: 501, not an unknown provider's 404.
NOT_RENDERED = frozenset(
    {
        "oauth2-proxy-env",
        "oauth2-proxy-config",
        "keycloak-saml",
        "keycloak-saml-subsystem",
        "keycloak-saml-subsystem-cli",
        "saml-sp-descriptor",
        "mod-auth-mellon",
    }
)
# ClientInstallationRepresentation of each provider Doorkeep renders, as server info lists them under
# ``clientInstallations`` (the admin console's "Download adapter config" choices): the providers' own words.
RENDERED = (
    {
        "id": KEYCLOAK_JSON,
        "protocol": "openid-connect",
        "downloadOnly": False,
        "displayType": "Keycloak OIDC JSON",
        "helpText": "keycloak.json file used by the Keycloak OIDC client adapter to configure clients.  This must be"
        " saved to a keycloak.json file and put in your WEB-INF directory of your WAR file.  You may also want to"
        " tweak this file after you download it.",
        "filename": "keycloak.json",
        "mediaType": "application/json",
    },
    {
        "id": JBOSS_SUBSYSTEM,
        "protocol": "openid-connect",
        "downloadOnly": False,
        "displayType": "Keycloak OIDC JBoss Subsystem XML",
        "helpText": "XML snippet you must edit and add to the Keycloak OIDC subsystem on your client app server.  This"
        " type of configuration is useful when you can't or don't want to crack open your WAR file.",
        "filename": "keycloak-oidc-subsystem.xml",
        "mediaType": "application/xml",
    },
    {
        "id": JBOSS_SUBSYSTEM_CLI,
        "protocol": "openid-connect",
        "downloadOnly": False,
        "displayType": "Keycloak OIDC JBoss Subsystem CLI",
        "helpText": "CLI script you must edit and apply to your client app server. This type of configuration is useful"
        " when you can't or don't want to crack open your WAR file.",
        "filename": "keycloak-oidc-subsystem.cli",
        "mediaType": "text/plain",
    },
)
DEPLOYMENT = "WAR MODULE NAME.war"
SIGNING_ALG = "token.endpoint.auth.signing.alg"


def show_credentials(client: Client) -> bool:
    """KeycloakOIDCClientInstallation.showClientCredentialsAdapterConfig (Doorkeep's clients never re-register
    nodes: nodeReRegistrationTimeout is -1)."""
    return not client.public_client and not (client.bearer_only and not client.service_accounts_enabled)


def adapter_credentials(client: Client) -> dict[str, Any]:
    """The authenticator's adapter configuration (ClientIdAndSecretAuthenticator, JWTClientSecretAuthenticator,
    JWTClientAuthenticator); the JWT placeholders are Keycloak's own words, ``token-timeout`` a number."""
    if client.client_authenticator_type == "client-secret":
        return {"secret": client.secret}
    if client.client_authenticator_type == "client-secret-jwt":
        return {"secret-jwt": {"secret": client.secret}}
    if client.client_authenticator_type != "client-jwt":
        return {}
    jwt: dict[str, Any] = {
        "client-key-password": "REPLACE WITH THE KEY PASSWORD IN KEYSTORE",
        "client-keystore-file": "REPLACE WITH THE LOCATION OF YOUR KEYSTORE FILE",
        "client-keystore-password": "REPLACE WITH THE KEYSTORE PASSWORD",
        "client-key-alias": client.client_id,
        "token-timeout": 10,
        "client-keystore-type": "jks",
    }
    algorithm = client.attributes.get(SIGNING_ALG)
    if algorithm is not None:  # the client's attribute, even empty
        jwt["algorithm"] = str(algorithm)
    return {"jwt": jwt}


def _java(value: Any) -> str:
    """``String.valueOf``: how Java appends a value (a map as ``{k=v, k=v}``, null as ``null``)."""
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}={_java(v)}" for k, v in value.items()) + "}"
    return "null" if value is None else str(value)


def _cli_quote(value: str) -> str:
    """ClientCliInstallationUtil.quote: in double quotes, backslashes and quotes escaped."""
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def jboss_subsystem(realm: Realm, client: Client, base_uri: str, *, has_roles: bool, audience: bool) -> str:
    """The ``<secure-deployment>`` snippet; ``audience`` is showVerifyTokenAudience (client roles, or an audience
    mapper of a client scope naming the client)."""
    lines = [f'<secure-deployment name="{DEPLOYMENT}">', f"    <realm>{realm.name}</realm>"]
    lines.append(f"    <auth-server-url>{base_uri}</auth-server-url>")
    if client.bearer_only:
        lines.append("    <bearer-only>true</bearer-only>")
    elif client.public_client:
        lines.append("    <public-client>true</public-client>")
    lines.append(f"    <ssl-required>{realm.ssl_required.upper()}</ssl-required>")
    lines.append(f"    <resource>{client.client_id}</resource>")
    if audience:
        lines.append("    <verify-token-audience>true</verify-token-audience>")
    if show_credentials(client):
        for name, value in adapter_credentials(client).items():
            if isinstance(value, dict):
                lines.append(f'    <credential name="{name}">')
                lines += [f"        <{k}>{_java(v)}</{k}>" for k, v in value.items()]
                lines.append("    </credential>")
            else:
                lines.append(f'    <credential name="{name}">{_java(value)}</credential>')
    if has_roles:
        lines.append("    <use-resource-role-mappings>true</use-resource-role-mappings>")
    lines.append("</secure-deployment>")
    return "\n".join(lines) + "\n"


def jboss_subsystem_cli(realm: Realm, client: Client, base_uri: str, *, has_roles: bool, audience: bool) -> str:
    """The JBoss CLI script: one ``:add`` of the secure deployment (each attribute on a continued line), a blank
    line, then one ``credential=…:add(value=…)`` per credential, its value as Java prints it."""
    target = f"/subsystem=keycloak/secure-deployment={_cli_quote(DEPLOYMENT)}/"
    attributes = [f"realm={_cli_quote(realm.name)}", f"resource={_cli_quote(client.client_id)}"]
    attributes.append(f"auth-server-url={base_uri}")
    if client.bearer_only:
        attributes.append("bearer-only=true")
    elif client.public_client:
        attributes.append("public-client=true")
    if audience:
        attributes.append("verify-token-audience=true")
    if has_roles:
        attributes.append("use-resource-role-mappings=true")
    attributes.append(f"ssl-required={realm.ssl_required.upper()})")
    text = target + ":add( \\\n" + ", \\\n".join("    " + a for a in attributes) + "\n\n"
    if show_credentials(client):
        for name, value in adapter_credentials(client).items():
            text += f"{target}credential={name}:add(value={_java(value)})\n"
    return text


def keycloak_json(realm: Realm, client: Client, base_uri: str, *, has_roles: bool, audience: bool) -> str:
    """InstallationAdapterConfig in its @JsonPropertyOrder (realm, bearer-only, auth-server-url, ssl-required,
    resource, public-client, verify-token-audience, credentials, use-resource-role-mappings), nulls left out,
    then BaseRealmConfig's ``confidential-port`` (an int, 0)."""
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
        out["credentials"] = adapter_credentials(client)  # a null secret stays: Jackson writes a map's nulls
    if has_roles:
        out["use-resource-role-mappings"] = True
    out["confidential-port"] = 0
    return jackson.dumps(out)


def adapter_config(realm: Realm, client: Client, base_uri: str, *, has_roles: bool) -> dict[str, Any]:
    """ClientManager.toInstallationRepresentation, which the client registration service's ``install`` provider
    answers as JSON: the same InstallationAdapterConfig without the audience check, and credentials for any
    client neither public nor bearer-only (ClientManager.showClientCredentialsAdapterConfig, the
    re-registration timeout never set)."""
    out: dict[str, Any] = {"realm": realm.name}
    if client.bearer_only:
        out["bearer-only"] = True
    out["auth-server-url"] = base_uri
    out["ssl-required"] = realm.ssl_required.lower()
    out["resource"] = client.client_id
    if client.public_client and not client.bearer_only:
        out["public-client"] = True
    if not client.public_client and not client.bearer_only:
        out["credentials"] = adapter_credentials(client)
    if has_roles:
        out["use-resource-role-mappings"] = True
    out["confidential-port"] = 0
    return out


RENDERERS = {JBOSS_SUBSYSTEM: jboss_subsystem, JBOSS_SUBSYSTEM_CLI: jboss_subsystem_cli, KEYCLOAK_JSON: keycloak_json}
