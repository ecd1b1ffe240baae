"""Keycloak 26's InstallationTest (tests/base/.../tests/admin/client/InstallationTest.java), ported one Java test
method to one pytest of the same name: ``GET /admin/realms/test/clients/{id}/installation/providers/{providerId}``
for the OIDC providers. Where the Java test looks for pieces of the file (``containsString``), these tests compare
the whole text with what Keycloak's providers write (KeycloakOIDCClientInstallation: Jackson's pretty printer;
KeycloakOIDCJbossSubsystemClientInstallation; KeycloakOIDCJbossSubsystemClientCliInstallation), and each also
checks the Java test's ``assertOidcInstallationConfig``: the realm's name and the server's base URL are in it,
the realm's active signing key is not. The realm is ``test`` where Keycloak's managed realm is ``default``.

Not ported:

* ``testOidcBearerOnlyWithAuthzJson``: Authorization Services (the ``policy-enforcer`` section) are not in Doorkeep.
* ``testSamlAdapterXml``, ``testSamlAdapterCli``, ``testSamlMetadataSpDescriptor``, ``testSamlJBossXml``,
  ``testSamlMetadataSpDescriptorPost``, ``testSamlMetadataSpDescriptorRedirect``,
  ``testPemsInModAuthMellonExportShouldBeFormattedInRfc7468``: the SAML protocol is not in Doorkeep; its
  installation providers answer 501 (``test_saml_providers_are_known_but_not_rendered``), not Keycloak's files.

Beyond the Java test, from the same providers' source: a public client, client roles, the JWT client
authenticators' credential maps (a Java HashMap's key order, ``token-timeout`` a number, the signing algorithm),
a client without adapter credentials (client-x509: ``{ }``), the CLI's quoting, and text that is not ASCII.
"""

from __future__ import annotations

from typing import Any

import pytest

from client_scope_port import (
    assert_event,
    call,
    create_client,
    create_scope,
    created_id,
    ok,
    poll,
    remove_scope,
    setup,
)
from wire_env import Env

pytestmark = pytest.mark.anyio

OIDC_NAME = "oidcInstallationClient"
OIDC_NAME_BEARER_ONLY_NAME = "oidcInstallationClientBearerOnly"
SAML_NAME = "samlInstallationClient"
SAML_PROVIDERS = (
    "keycloak-saml",
    "keycloak-saml-subsystem",
    "keycloak-saml-subsystem-cli",
    "saml-sp-descriptor",
    "mod-auth-mellon",
)
JSON = "keycloak-oidc-keycloak-json"
XML = "keycloak-oidc-jboss-subsystem"
CLI = "keycloak-oidc-jboss-subsystem-cli"
BASE = "http://localhost"  # the wire tests' server: KeycloakUrls.getBase()
TARGET = '/subsystem=keycloak/secure-deployment="WAR MODULE NAME.war"/'
JWT_MAP = [
    ("client-key-password", "REPLACE WITH THE KEY PASSWORD IN KEYSTORE"),
    ("client-keystore-file", "REPLACE WITH THE LOCATION OF YOUR KEYSTORE FILE"),
    ("client-keystore-password", "REPLACE WITH THE KEYSTORE PASSWORD"),
]


@pytest.fixture
async def realm(env: Env) -> Env:
    await setup(env)
    return env


async def make_client(env: Env, client_id: str, **fields: Any) -> str:
    """The Java test's client configs: ``clientId`` and ``name`` the same, the OIDC protocol."""
    rep = {"clientId": client_id, "name": client_id, "protocol": "openid-connect", **fields}
    client = created_id(await call(env, "POST", "/clients", rep))
    # The event's representation masks the secret (``**********``); the rest is what was sent.
    assert_event(await poll(env), "CREATE", f"clients/{client}", "CLIENT", {**rep, "secret": None})
    return client


async def installation(env: Env, client: str, provider: str) -> str:
    """``clients().get(id).getInstallationProvider(provider)``: 200, text/plain."""
    response = await call(env, "GET", f"/clients/{client}/installation/providers/{provider}")
    assert response.status_code == 200, (provider, response.status_code, response.text)
    assert response.headers["content-type"].startswith("text/plain"), response.headers
    return response.text


async def secret_of(env: Env, client: str) -> str:
    return str((await ok(env, "GET", f"/clients/{client}/client-secret", status=200))["value"])


async def assert_oidc_installation_config(env: Env, config: str) -> None:
    """assertOidcInstallationConfig: the realm's name and the base URL are there, the active signing key is not."""
    keys = await ok(env, "GET", "/keys", status=200)
    rs256 = keys["active"]["RS256"]
    public_key = next(k["publicKey"] for k in keys["keys"] if k["kid"] == rs256)
    assert "test" in config and BASE in config
    assert public_key not in config


def keycloak_json(resource: str, *middle: str, credentials: str = "") -> str:
    """A keycloak.json as Jackson's pretty printer writes InstallationAdapterConfig for realm ``test``: ``middle``
    are the lines after ``resource``, ``credentials`` the map's text when that is all they are."""
    lines = ['  "realm" : "test"', f'  "auth-server-url" : "{BASE}/"', '  "ssl-required" : "external"']
    lines += [f'  "resource" : "{resource}"', *middle]
    if credentials:
        lines.append(f'  "credentials" : {credentials}')
    return "{\n" + ",\n".join([*lines, '  "confidential-port" : 0']) + "\n}"


async def test_test_oidc_jboss_xml(realm: Env) -> None:
    """The Java test's client names neither ``publicClient`` nor ``bearerOnly``: OIDC's defaults make it public."""
    client = await make_client(realm, OIDC_NAME)
    xml = await installation(realm, client, XML)
    await assert_oidc_installation_config(realm, xml)
    assert xml.startswith("<secure-deployment")
    assert xml == (
        '<secure-deployment name="WAR MODULE NAME.war">\n'
        "    <realm>test</realm>\n"
        f"    <auth-server-url>{BASE}/</auth-server-url>\n"
        "    <public-client>true</public-client>\n"
        "    <ssl-required>EXTERNAL</ssl-required>\n"
        f"    <resource>{OIDC_NAME}</resource>\n"
        "</secure-deployment>\n"
    )


async def test_test_oidc_json(realm: Env) -> None:
    client = await make_client(realm, OIDC_NAME)
    text = await installation(realm, client, JSON)
    await assert_oidc_installation_config(realm, text)
    assert text == keycloak_json(OIDC_NAME, '  "public-client" : true')


async def test_test_oidc_jboss_cli(realm: Env) -> None:
    client = await make_client(realm, OIDC_NAME)
    cli = await installation(realm, client, CLI)
    await assert_oidc_installation_config(realm, cli)
    assert '/subsystem=keycloak/secure-deployment="WAR MODULE NAME.war"' in cli
    assert cli == (
        f"{TARGET}:add( \\\n"
        '    realm="test", \\\n'
        f'    resource="{OIDC_NAME}", \\\n'
        f"    auth-server-url={BASE}/, \\\n"
        "    public-client=true, \\\n"
        "    ssl-required=EXTERNAL)\n\n"
    )


async def test_a_confidential_client_gives_its_secret_in_each_file(realm: Env) -> None:
    client = await make_client(realm, "confidential", publicClient=False)
    secret = await secret_of(realm, client)
    text = await installation(realm, client, JSON)
    assert text == keycloak_json("confidential", credentials='{\n    "secret" : "' + secret + '"\n  }')
    xml = await installation(realm, client, XML)
    assert xml.endswith(
        "    <resource>confidential</resource>\n"
        f'    <credential name="secret">{secret}</credential>\n'
        "</secure-deployment>\n"
    )
    assert "public-client" not in xml
    cli = await installation(realm, client, CLI)
    assert cli.endswith(f"    ssl-required=EXTERNAL)\n\n{TARGET}credential=secret:add(value={secret})\n")
    assert "public-client" not in cli


async def test_test_oidc_bearer_only_json(realm: Env) -> None:
    client = await make_client(realm, OIDC_NAME_BEARER_ONLY_NAME, bearerOnly=True, publicClient=False)
    text = await installation(realm, client, JSON)
    await assert_oidc_installation_config(realm, text)
    assert "bearer-only" in text and "public-client" not in text
    assert "credentials" not in text and "verify-token-audience" not in text
    assert text == keycloak_json(OIDC_NAME_BEARER_ONLY_NAME).replace(
        '  "auth-server-url"', '  "bearer-only" : true,\n  "auth-server-url"'
    )


async def test_test_oidc_bearer_only_json_with_audience_client_scope(realm: Env) -> None:
    client = await make_client(realm, OIDC_NAME_BEARER_ONLY_NAME, bearerOnly=True, publicClient=False)
    mapper = {
        "name": f"Audience for {OIDC_NAME_BEARER_ONLY_NAME}",
        "protocol": "openid-connect",
        "protocolMapper": "oidc-audience-mapper",
        "config": {
            "included.client.audience": OIDC_NAME_BEARER_ONLY_NAME,
            "access.token.claim": "true",
            "introspection.token.claim": "true",
        },
    }
    scope = {"name": OIDC_NAME_BEARER_ONLY_NAME, "protocol": "openid-connect", "protocolMappers": [mapper]}
    scope_id = await create_scope(realm, scope)
    text = await installation(realm, client, JSON)
    await assert_oidc_installation_config(realm, text)
    assert "bearer-only" in text and "public-client" not in text and "credentials" not in text
    assert '  "verify-token-audience" : true,\n' in text
    await remove_scope(realm, scope_id)
    # With the scope gone, nothing names the client as an audience any more.
    assert "verify-token-audience" not in await installation(realm, client, JSON)


async def test_test_saml_metadata_idp_descriptor(realm: Env) -> None:
    """Keycloak has no ``saml-idp-descriptor`` installation provider any more: 404 ``Unknown Provider``."""
    client = await create_client(realm, {"clientId": SAML_NAME, "name": SAML_NAME, "protocol": "saml"})
    response = await call(realm, "GET", f"/clients/{client}/installation/providers/saml-idp-descriptor")
    assert (response.status_code, response.json()) == (404, {"error": "Unknown Provider"})


async def test_saml_providers_are_known_but_not_rendered(realm: Env) -> None:
    client = await create_client(realm, {"clientId": SAML_NAME, "name": SAML_NAME, "protocol": "saml"})
    for provider in SAML_PROVIDERS:
        response = await call(realm, "GET", f"/clients/{client}/installation/providers/{provider}")
        assert response.status_code == 501, (provider, response.status_code, response.text)


async def test_client_roles_ask_for_the_audience_check_and_resource_role_mappings(realm: Env) -> None:
    client = await make_client(realm, "war-app", publicClient=False, secret="s3cr3t")
    await ok(realm, "POST", f"/clients/{client}/roles", {"name": "user"}, status=201)
    assert await installation(realm, client, JSON) == keycloak_json(
        "war-app",
        '  "verify-token-audience" : true',
        '  "credentials" : {\n    "secret" : "s3cr3t"\n  }',
        '  "use-resource-role-mappings" : true',
    )
    xml = await installation(realm, client, XML)
    assert xml.endswith(
        "    <verify-token-audience>true</verify-token-audience>\n"
        '    <credential name="secret">s3cr3t</credential>\n'
        "    <use-resource-role-mappings>true</use-resource-role-mappings>\n"
        "</secure-deployment>\n"
    )
    cli = await installation(realm, client, CLI)
    assert "    verify-token-audience=true, \\\n    use-resource-role-mappings=true, \\\n    ssl-required=" in cli


async def test_the_jwt_authenticators_give_their_credential_maps_in_keycloaks_order(realm: Env) -> None:
    attributes = {"token.endpoint.auth.signing.alg": "PS256"}
    signed = await make_client(
        realm, "signed", publicClient=False, clientAuthenticatorType="client-jwt", attributes=attributes
    )
    jwt = [*JWT_MAP, ("client-key-alias", "signed"), ("token-timeout", 10), ("client-keystore-type", "jks")]
    jwt.append(("algorithm", "PS256"))
    as_json = ",\n".join(f'      "{k}" : ' + (str(v) if isinstance(v, int) else f'"{v}"') for k, v in jwt)
    text = await installation(realm, signed, JSON)
    assert text == keycloak_json("signed", credentials='{\n    "jwt" : {\n' + as_json + "\n    }\n  }")
    xml = await installation(realm, signed, XML)
    assert '    <credential name="jwt">\n' + "".join(f"        <{k}>{v}</{k}>\n" for k, v in jwt) in xml
    cli = await installation(realm, signed, CLI)
    as_java = ", ".join(f"{k}={v}" for k, v in jwt)
    assert cli.endswith(f"{TARGET}credential=jwt:add(value={{{as_java}}})\n")

    hmac = await make_client(
        realm, "hmac", publicClient=False, clientAuthenticatorType="client-secret-jwt", secret="hs-secret"
    )
    text = await installation(realm, hmac, JSON)
    assert text == keycloak_json(
        "hmac", credentials='{\n    "secret-jwt" : {\n      "secret" : "hs-secret"\n    }\n  }'
    )
    assert (await installation(realm, hmac, CLI)).endswith("credential=secret-jwt:add(value={secret=hs-secret})\n")


async def test_an_authenticator_without_adapter_credentials_gives_an_empty_map(realm: Env) -> None:
    client = await make_client(realm, "mtls", publicClient=False, clientAuthenticatorType="client-x509")
    assert await installation(realm, client, JSON) == keycloak_json("mtls", credentials="{ }")
    assert "credential" not in await installation(realm, client, XML)
    assert "credential=" not in await installation(realm, client, CLI)


async def test_text_is_written_as_keycloak_writes_it(realm: Env) -> None:
    """UTF-8 as it is in the JSON (Jackson escapes no letter), values unescaped in the XML (Keycloak appends them
    as they are), the CLI's quoted values with backslashes and quotes escaped (ClientCliInstallationUtil.quote)."""
    client = await make_client(realm, 'café "q" a\\b', publicClient=True)
    text = await installation(realm, client, JSON)
    assert '  "resource" : "café \\"q\\" a\\\\b",\n' in text
    assert '    <resource>café "q" a\\b</resource>\n' in await installation(realm, client, XML)
    assert '    resource="café \\"q\\" a\\\\b", \\\n' in await installation(realm, client, CLI)


async def test_server_info_lists_each_provider_a_client_can_download(realm: Env) -> None:
    """ServerInfoAdminResource's ``clientInstallations``: every OIDC provider served above, with its
    ClientInstallationRepresentation, and each of them answers for a client."""
    response = await realm.http.get("/admin/serverinfo", headers=await realm.admin_headers())
    assert response.status_code == 200, response.text
    listed = response.json()["clientInstallations"]["openid-connect"]
    assert [item["id"] for item in listed] == [JSON, XML, CLI]
    by_id = {item["id"]: item for item in listed}
    assert by_id[JSON]["filename"] == "keycloak.json" and by_id[JSON]["mediaType"] == "application/json"
    assert by_id[XML]["displayType"] == "Keycloak OIDC JBoss Subsystem XML"
    assert by_id[CLI]["filename"] == "keycloak-oidc-subsystem.cli" and by_id[CLI]["mediaType"] == "text/plain"
    fields = ["id", "protocol", "downloadOnly", "displayType", "helpText", "filename", "mediaType"]
    assert all(list(item) == fields and item["protocol"] == "openid-connect" for item in listed)
    client = await make_client(realm, OIDC_NAME)
    for item in listed:
        assert "test" in await installation(realm, client, item["id"])
