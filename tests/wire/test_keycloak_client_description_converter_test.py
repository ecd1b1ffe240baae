"""Keycloak's ClientDescriptionConverterTest (tests/base/.../tests/admin/client/).

Not ported, and why: both its methods convert SAML SP metadata (an ``md:EntityDescriptor``):
testOrganizationDetailsMetadata (KEYCLOAK-4040's ShareFile metadata, converted without error) and
testClientSignatureFollowsAuthnRequestsSigned (``AuthnRequestsSigned`` becomes the SAML client's
``saml.client.signature`` attribute). Doorkeep is OpenID Connect only: it has no SAML clients, and its
converter reads Keycloak's JSON representation and OIDC registration metadata (clientreg/converters.py).

What Doorkeep answers instead is checked here: such metadata is a 400 "Unsupported format", Keycloak's own
answer for text no converter takes, and nothing is stored.
"""

from __future__ import annotations

import pytest

from support import seed_realm
from wire_env import Env

pytestmark = pytest.mark.anyio

METADATA = (
    '<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" entityID="sp-signed-requests">'
    '<md:SPSSODescriptor AuthnRequestsSigned="true" protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">'
    '<md:AssertionConsumerService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" '
    'Location="https://sp.example.org/acs" index="0"/></md:SPSSODescriptor></md:EntityDescriptor>'
)


async def test_saml_metadata_is_an_unsupported_format(env: Env) -> None:
    await seed_realm(env.db, env.clock)
    headers = {**(await env.admin_headers()), "Content-Type": "application/xml"}
    response = await env.http.post("/admin/realms/test/client-description-converter", content=METADATA, headers=headers)
    assert response.status_code == 400
    assert response.json() == {"error": "Unsupported format"}
    listed = await env.http.get(
        "/admin/realms/test/clients", params={"clientId": "sp-signed-requests"}, headers=headers
    )
    assert listed.json() == []
