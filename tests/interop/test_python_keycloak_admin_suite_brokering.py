"""python-keycloak 7.1.1's own admin test suite, part 4: identity providers, social logins, organizations,
components and client certificates (``tests/test_keycloak_admin.py`` at tag v7.1.1: test_idps,
test_social_logins, test_organizations, test_components, test_upload_certificate,
test_keycloak_client_get_cert_info), against ``doorkeep start-dev`` (see ``test_python_keycloak_admin_suite.py``
for how). Each test makes the upstream calls and checks what upstream checks, through python-keycloak itself.

test_organizations' GitHub provider and 150 users and 150 organizations (the library's paging past its PAGE_SIZE
of 100) are kept as upstream has them.
"""

from __future__ import annotations

import datetime

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from keycloak import KeycloakAdmin, KeycloakDeleteError, KeycloakGetError, KeycloakPostError, KeycloakPutError

pytestmark = pytest.mark.interop

HTTP_404_REGEX = '404: b\'{"error":"HTTP 404 Not Found".*}\''
USER_NOT_FOUND_REGEX = '404: b\'{"error":"User not found".*}\''
COMPONENT_NOT_FOUND_REGEX = '404: b\'{"error":"Could not find component".*}\''
COULD_NOT_FIND_CLIENT_REGEX = '404: b\'{"error":"Could not find client".*}\''


def test_idps(suite_admin: KeycloakAdmin, suite_realm: str) -> None:
    admin = suite_admin
    admin.change_current_realm(suite_realm)
    res = admin.create_idp(
        payload={"providerId": "github", "alias": "github", "config": {"clientId": "test", "clientSecret": "test"}}
    )
    assert res == b"", res
    with pytest.raises(KeycloakPostError) as err1:
        admin.create_idp(payload={"providerId": "does-not-exist", "alias": "something"})
    assert err1.match("Invalid identity provider id"), err1

    idps = admin.get_idps()
    assert len(idps) == 1
    assert idps[0]["alias"] == "github"
    idp = admin.get_idp("github")
    assert idp["alias"] == "github"
    assert idp.get("config")
    assert idp["config"]["clientId"] == "test"
    assert idp["config"]["clientSecret"] == "**********"
    with pytest.raises(KeycloakGetError) as err2:
        admin.get_idp("does-not-exist")
    assert err2.match(HTTP_404_REGEX)

    assert admin.update_idp(idp_alias="github", payload=idps[0]) == {}
    added = admin.add_mapper_to_idp(
        idp_alias="github",
        payload={
            "identityProviderAlias": "github",
            "identityProviderMapper": "github-user-attribute-mapper",
            "name": "test",
        },
    )
    assert added == b"", added
    with pytest.raises(KeycloakPostError) as err3:
        admin.add_mapper_to_idp(idp_alias="does-no-texist", payload={})
    assert err3.match(HTTP_404_REGEX)

    idp_mappers = admin.get_idp_mappers(idp_alias="github")
    assert len(idp_mappers) == 1
    updated = admin.update_mapper_in_idp(
        idp_alias="github",
        mapper_id=idp_mappers[0]["id"],
        payload={
            "id": idp_mappers[0]["id"],
            "identityProviderAlias": "github-alias",
            "identityProviderMapper": "github-user-attribute-mapper",
            "name": "test",
            "config": idp_mappers[0]["config"],
        },
    )
    assert updated == {}, updated

    assert admin.delete_idp(idp_alias="github") == {}
    with pytest.raises(KeycloakDeleteError) as err4:
        admin.delete_idp(idp_alias="does-not-exist")
    assert err4.match(HTTP_404_REGEX)


def test_social_logins(suite_admin: KeycloakAdmin, suite_user: str) -> None:
    admin, user = suite_admin, suite_user
    res = admin.add_user_social_login(
        user_id=user, provider_id="gitlab", provider_userid="test", provider_username="test"
    )
    assert res == {}, res
    admin.add_user_social_login(user_id=user, provider_id="github", provider_userid="test", provider_username="test")
    with pytest.raises(KeycloakPostError) as err5:
        admin.add_user_social_login(
            user_id="does-not-exist", provider_id="does-not-exist", provider_userid="test", provider_username="test"
        )
    assert err5.match(USER_NOT_FOUND_REGEX)

    assert admin.get_user_social_logins(user_id=user) == []
    with pytest.raises(KeycloakGetError) as err6:
        admin.get_user_social_logins(user_id="does-not-exist")
    assert err6.match(USER_NOT_FOUND_REGEX)

    assert admin.delete_user_social_login(user_id=user, provider_id="gitlab") == {}
    assert admin.delete_user_social_login(user_id=user, provider_id="github") == {}
    with pytest.raises(KeycloakDeleteError) as err7:
        admin.delete_user_social_login(user_id=user, provider_id="instagram")
    assert err7.match('404: b\'{"error":"Link not found".*}\''), err7


def test_organizations(suite_admin: KeycloakAdmin, suite_realm: str) -> None:
    admin = suite_admin
    admin.change_current_realm(suite_realm)
    admin.update_realm(realm_name=suite_realm, payload={"organizationsEnabled": True})

    org_id = admin.create_organization(
        payload={"name": "test-org01", "alias": "test-org01", "domains": [{"name": "org1.com"}]}
    )
    assert org_id is not None, org_id
    org = admin.get_organization(org_id)
    assert (org["name"], org["alias"], org["domains"][0]["name"]) == ("test-org01", "test-org01", "org1.com")

    org["name"] = "test-org01-u"
    assert admin.update_organization(org_id, payload=org) == {}
    org["name"] = "test-org01"
    admin.update_organization(org_id, payload=org)
    orgs = admin.get_organizations()
    assert len(orgs) == 1, orgs
    assert orgs[0]["name"] == "test-org01", orgs[0]["name"]

    user_id = admin.create_user(payload={"username": "test", "email": "test@test.test"})
    assert admin.organization_user_add(user_id, org_id) == b""
    users = admin.get_organization_members(org_id)
    assert len(users) == 1 and users[0]["id"] == user_id, users
    assert admin.get_organization_members_count(org_id) == 1
    user_orgs = admin.get_user_organizations(user_id)
    assert len(user_orgs) == 1 and user_orgs[0]["name"] == "test-org01", user_orgs
    assert admin.organization_user_remove(user_id, org_id) == {}
    assert admin.get_organization_members(org_id) == []
    assert admin.get_organization_members_count(org_id) == 0

    for i in range(admin.PAGE_SIZE + 50):
        user_id = admin.create_user(payload={"username": f"test-user{i:02d}", "email": f"test-user{i:02d}@test.test"})
        admin.organization_user_add(user_id, org_id)
    assert len(admin.get_organization_members(org_id)) == admin.PAGE_SIZE + 50
    assert len(admin.get_organization_members(org_id, query={"first": 100, "max": -1, "search": ""})) == 50
    assert len(admin.get_organization_members(org_id, query={"max": 20, "first": -1, "search": ""})) == 20

    admin.create_idp(
        payload={
            "providerId": "github",
            "alias": "github",
            "config": {"clientId": "test-client-id", "clientSecret": "test-client-secret"},
        }
    )
    assert admin.organization_idp_add(org_id, "github") == {}
    idps = admin.get_organization_idps(org_id)
    assert len(idps) == 1 and idps[0]["alias"] == "github", idps
    assert admin.organization_idp_remove(org_id, "github") == {}
    assert admin.get_organization_idps(org_id) == []

    assert admin.delete_organization(org_id) == {}
    assert admin.get_organizations() == []

    for i in range(admin.PAGE_SIZE + 50):
        admin.create_organization(
            payload={"name": f"test-org{i:02d}", "alias": f"org{i:02d}", "domains": [{"name": f"org{i:02d}.com"}]}
        )
    assert len(admin.get_organizations()) == admin.PAGE_SIZE + 50
    assert len(admin.get_organizations(query={"first": 100, "max": -1, "search": ""})) == 50
    assert len(admin.get_organizations(query={"first": -1, "max": 20, "search": ""})) == 20


def test_components(suite_admin: KeycloakAdmin, suite_realm: str) -> None:
    admin = suite_admin
    admin.change_current_realm(suite_realm)
    res = admin.get_components()
    assert len(res) in [12, 14], [(c["providerType"], c["providerId"]) for c in res]
    with pytest.raises(KeycloakGetError) as err8:
        admin.get_component(component_id="does-not-exist")
    assert err8.match(COMPONENT_NOT_FOUND_REGEX)
    assert admin.get_component(component_id=res[0]["id"]) == res[0]

    with pytest.raises(KeycloakPostError) as err9:
        admin.create_component(payload={"bad": "dict"})
    assert err9.match("Unrecognized field")
    made = admin.create_component(
        payload={
            "name": "Test Component",
            "providerId": "max-clients",
            "providerType": "org.keycloak.services.clientregistration.policy.ClientRegistrationPolicy",
            "config": {"max-clients": ["1000"]},
        },
    )
    assert made
    assert admin.get_component(component_id=made)["name"] == "Test Component"

    component = admin.get_component(component_id=made)
    component["name"] = "Test Component Update"
    with pytest.raises(KeycloakPutError) as err10:
        admin.update_component(component_id="does-not-exist", payload={})
    assert err10.match(COMPONENT_NOT_FOUND_REGEX)
    assert admin.update_component(component_id=made, payload=component) == {}
    assert admin.get_component(component_id=made)["name"] == "Test Component Update"

    assert admin.delete_component(component_id=made) == {}
    with pytest.raises(KeycloakDeleteError) as err11:
        admin.delete_component(component_id=made)
    assert err11.match(COMPONENT_NOT_FOUND_REGEX)


def _self_signed() -> str:
    """Upstream's ``selfsigned_cert`` fixture's certificate, PEM (CN and DNS name ``testcert``)."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "testcert")])
    now = datetime.datetime.now(tz=datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(1000)
        .not_valid_before(now)
        .not_valid_after(now + datetime.timedelta(days=10 * 365))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), False)
        .add_extension(x509.SubjectAlternativeName([x509.DNSName("testcert")]), False)
        .sign(key, hashes.SHA256())
    )
    return cert.public_bytes(serialization.Encoding.PEM).decode()


def test_upload_certificate(suite_admin: KeycloakAdmin, suite_realm: str, suite_client: str) -> None:
    admin = suite_admin
    admin.change_current_realm(suite_realm)
    cert = _self_signed().strip()
    res = admin.upload_certificate(suite_client, cert)
    assert "certificate" in res
    client = admin.get_client(suite_client)
    assert client["attributes"]["jwt.credential.certificate"] == "".join(cert.splitlines()[1:-1])


def test_keycloak_client_get_cert_info(suite_admin: KeycloakAdmin, suite_client: str) -> None:
    admin = suite_admin
    assert admin.get_client_certificate_key_info(suite_client, "jwt.credential") == {}
    with pytest.raises(KeycloakGetError) as res:
        admin.get_client_certificate_key_info("blah", "blah")
    assert res.match(COULD_NOT_FIND_CLIENT_REGEX)
