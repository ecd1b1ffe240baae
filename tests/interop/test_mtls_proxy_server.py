"""A real ``doorkeep start-dev`` started with Keycloak 26's spelling of the nginx certificate lookup
(``--spi-x509cert-lookup--provider=nginx``, ``--spi-x509cert-lookup--nginx--ssl-client-cert``): a ``client-x509``
client with certificate-bound tokens gets its token with the certificate header a TLS-terminating nginx sets, is
refused without it, and the server's log never holds the certificate."""

from __future__ import annotations

import base64
import json
from pathlib import Path
from urllib.parse import quote

import httpx
import jwt
from cryptography.hazmat.primitives.serialization import Encoding

from interop.server import StartServer
from mtls_port import DEFAULT, DEFAULT_DN, OTHER

OPTIONS = (
    "--spi-x509cert-lookup--provider=nginx",
    "--spi-x509cert-lookup--nginx--ssl-client-cert=ssl-client-cert",
)


def _realm(folder: Path) -> Path:
    rep = {
        "realm": "mtls",
        "enabled": True,
        "clients": [
            {
                "clientId": "x509-app",
                "clientAuthenticatorType": "client-x509",
                "serviceAccountsEnabled": True,
                "attributes": {
                    "x509.subjectdn": DEFAULT_DN,
                    "x509.allow.regex.pattern.comparison": "false",
                    "tls.client.certificate.bound.access.tokens": "true",
                },
            }
        ],
    }
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "mtls-realm.json"
    path.write_text(json.dumps(rep))
    return path


def test_the_nginx_lookup_authenticates_and_binds_over_a_real_server(start_server: StartServer, tmp_path: Path) -> None:
    server = start_server(import_realms=[_realm(tmp_path / "realm")], options=OPTIONS)
    token_url = f"{server.base_url}/realms/mtls/protocol/openid-connect/token"
    data = {"grant_type": "client_credentials", "client_id": "x509-app"}
    with httpx.Client(timeout=10) as http:
        granted = http.post(token_url, data=data, headers={"ssl-client-cert": quote(DEFAULT.pem)})
        assert granted.status_code == 200, granted.text
        claims = jwt.decode(granted.json()["access_token"], options={"verify_signature": False})
        assert claims["cnf"] == {"x5t#S256": DEFAULT.thumbprint}
        for headers in ({}, {"ssl-client-cert": quote(OTHER.pem)}, {"ssl-client-cert": "garbage"}):
            refused = http.post(token_url, data=data, headers=headers)
            assert refused.status_code == 401, refused.text
            assert refused.json()["error"] == "invalid_client"
    log = server.log_path.read_text(errors="replace")
    der = base64.b64encode(DEFAULT.certificate.public_bytes(Encoding.DER)).decode()
    assert der[40:100] not in log and quote(DEFAULT.pem)[60:160] not in log  # the certificate is never logged
