"""Mutual TLS for the wire ports of HoKTest and MutualTLSClientTest: the certificates Keycloak's test keystores hold
(client.jks, other_client.jks, test-user-obb, keycloak.jks), made here with ``cryptography`` under the same subject
DNs and issued by the same CA chain, and the app started behind an nginx-style proxy
(``--spi-x509cert-lookup-provider nginx``) to which a test hands "its" certificate as nginx would forward it:
URL-encoded PEM in ``ssl-client-cert``, the chain in ``cert-chain_0``…, and ``ssl-client-verify: SUCCESS``.

Thumbprints (``x5t#S256``) are computed here from the DER, independently of Doorkeep's code.
"""

from __future__ import annotations

import base64
import contextlib
import datetime
import hashlib
import os
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import Encoding
from cryptography.x509.oid import NameOID

from doorkeep.settings import Settings
from pg import ThrowawayPostgres
from wire_env import Env, make_env, marked_options, prepared_postgres

LOOKUP_OPTIONS = {
    "nginx-ssl-client-cert": "ssl-client-cert",
    "nginx-ssl-cert-chain-prefix": "cert-chain",
    "nginx-certificate-chain-length": "2",
    "nginx-trust-proxy-verification": "true",
}
_ORDER = {
    "C": NameOID.COUNTRY_NAME,
    "ST": NameOID.STATE_OR_PROVINCE_NAME,
    "L": NameOID.LOCALITY_NAME,
    "O": NameOID.ORGANIZATION_NAME,
    "OU": NameOID.ORGANIZATIONAL_UNIT_NAME,
    "CN": NameOID.COMMON_NAME,
    "EMAILADDRESS": NameOID.EMAIL_ADDRESS,
    "SERIALNUMBER": NameOID.SERIAL_NUMBER,
    "BUSINESSCATEGORY": NameOID.BUSINESS_CATEGORY,
    "JURISDICTIONCOUNTRYNAME": NameOID.JURISDICTION_COUNTRY_NAME,
}


def name(dn: str) -> x509.Name:
    """A DN printed most specific first (``EMAILADDRESS=…, CN=…, …, C=US``) as a Name (DER order: C first)."""
    pairs = [part.strip().split("=", 1) for part in dn.split(",")]
    return x509.Name([x509.NameAttribute(_ORDER[key], value) for key, value in reversed(pairs)])


@dataclass(frozen=True)
class Issued:
    certificate: x509.Certificate
    key: ec.EllipticCurvePrivateKey

    @property
    def pem(self) -> str:
        return self.certificate.public_bytes(Encoding.PEM).decode()

    @property
    def thumbprint(self) -> str:
        """getThumbprintFromDefaultClientCert: SHA-256 of the DER, base64url without padding."""
        digest = hashlib.sha256(self.certificate.public_bytes(Encoding.DER)).digest()
        return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def issue(subject: str, issuer: Issued | None = None, *, ca: bool = False) -> Issued:
    key = ec.generate_private_key(ec.SECP256R1())
    start = datetime.datetime(2023, 1, 1, tzinfo=datetime.UTC)  # valid at the wire tests' FakeClock (Nov 2023) on
    builder = (
        x509.CertificateBuilder()
        .subject_name(name(subject))
        .issuer_name(issuer.certificate.subject if issuer else name(subject))
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(start + datetime.timedelta(days=365 * 30))
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
    )
    certificate = builder.sign(issuer.key if issuer else key, hashes.SHA256())
    return Issued(certificate, key)


CA_DN = "EMAILADDRESS=contact@keycloak.org, CN=Keycloak CA, OU=Keycloak, O=Red Hat, L=Boston, ST=MA, C=US"
INTERMEDIATE_DN = "EMAILADDRESS=contact@keycloak.org, CN=Keycloak Intermediate CA, OU=Keycloak, O=Red Hat, ST=MA, C=US"
# MutualTLSUtils.DEFAULT_KEYSTORE_SUBJECT_DN: client.jks's certificate, issued by the intermediate CA.
DEFAULT_DN = "EMAILADDRESS=test-user@localhost, CN=test-user@localhost, OU=Keycloak, O=Red Hat, L=Westford, ST=MA, C=US"
OTHER_DN = "EMAILADDRESS=test-user-altmail@localhost, CN=test-user-altmail@localhost, OU=Keycloak, O=Red Hat, C=US"
SERVER_DN = "CN=localhost, OU=Keycloak, O=Red Hat, L=Westford, ST=MA, C=US"  # keycloak.jks
OBB_DN = (
    "CN=Foo, JURISDICTIONCOUNTRYNAME=BR, BUSINESSCATEGORY=Business Entity, SERIALNUMBER=2009, OU=My Org Unit, "
    "O=Red Hat, L=Boston, ST=MA, C=US"
)
CA = issue(CA_DN, ca=True)
INTERMEDIATE = issue(INTERMEDIATE_DN, CA, ca=True)
DEFAULT = issue(DEFAULT_DN, INTERMEDIATE)
OTHER = issue(OTHER_DN, INTERMEDIATE)
SERVER = issue(SERVER_DN, CA)
OBB = issue(OBB_DN, INTERMEDIATE)


def presenting(*chain: Issued, verified: bool = True) -> dict[str, str]:
    """The headers nginx sets for a client that presented ``chain`` (its own certificate first)."""
    if not chain:
        return {}
    headers = {"ssl-client-cert": quote(chain[0].pem), "ssl-client-verify": "SUCCESS" if verified else "FAILED"}
    for i, cert in enumerate(chain[1:]):
        headers[f"cert-chain_{i}"] = quote(cert.pem)
    return headers


def with_default_certificate() -> dict[str, str]:
    """MutualTLSUtils.newCloseableHttpClientWithDefaultKeyStoreAndTrustStore: client.jks (leaf and intermediate)."""
    return presenting(DEFAULT, INTERMEDIATE)


def with_other_certificate() -> dict[str, str]:
    return presenting(OTHER, INTERMEDIATE)


@pytest.fixture(scope="module")
def anyio_backend() -> str:
    return "asyncio"


@contextlib.asynccontextmanager
async def proxied_env(
    request: pytest.FixtureRequest, folder: Path, provider: str, options: dict[str, str], **settings: Any
) -> AsyncIterator[Env]:
    """The app behind the ``provider`` lookup, on SQLite or (DOORKEEP_WIRE_ENGINE=postgresql) PostgreSQL."""
    server: ThrowawayPostgres | None = None
    if os.environ.get("DOORKEEP_WIRE_ENGINE") == "postgresql":
        server = request.getfixturevalue("postgres_server")
        url = await prepared_postgres(server)
    else:
        url = f"sqlite:///{folder / 'doorkeep.db'}"
    configured = Settings(
        db_url=url,
        bootstrap_admin_username="admin",
        bootstrap_admin_password="admin",
        max_body_bytes=65536,
        x509cert_lookup_provider=provider,
        x509cert_lookup_options=options,
        **settings,
    )
    env, db = await make_env(url, marked_options(request, configured), prepared=server is not None)
    try:
        yield env
    finally:
        await env.drain()
        await env.http.aclose()
        await db.dispose()
        if server is not None:
            server.drop_database_of(url)


@pytest.fixture(scope="module")
async def shared_env(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Env]:
    """One app for the module, behind the nginx lookup of ``LOOKUP_OPTIONS``."""
    async with proxied_env(request, tmp_path_factory.mktemp("mtls"), "nginx", dict(LOOKUP_OPTIONS)) as env:
        yield env


@pytest.fixture
def env(shared_env: Env) -> Env:
    return shared_env
