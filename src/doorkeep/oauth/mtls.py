"""Certificate-bound tokens (RFC 8705 §3) as Keycloak's MtlsHoKTokenUtil binds and checks them.

A client with "OAuth 2.0 Mutual TLS Certificate Bound Access Tokens Enabled" (client attribute
``tls.client.certificate.bound.access.tokens``) gets access and refresh tokens whose ``cnf`` names the SHA-256
thumbprint of its certificate's DER (``x5t#S256``, base64url). A token request without a certificate is refused
(400 ``invalid_request``). A refresh or a logout with its refresh token, and a userinfo request with its access
token, must then present the same certificate; introspection shows ``cnf`` and checks nothing.

The certificate is the first of the chain the proxy forwarded (oauth/certificate_lookup.py).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Mapping, Sequence
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding

from doorkeep.model import Client

CLIENT_ATTRIBUTE = "tls.client.certificate.bound.access.tokens"  # OIDCConfigAttributes.USE_MTLS_HOK_TOKEN
THUMBPRINT = "x5t#S256"
MISSING = "Client Certification missing for MTLS HoK Token Binding"
# MtlsHoKTokenUtil.CERT_VERIFY_ERROR_DESC, which userinfo repeats word for word, "refresh token" included.
MISMATCH = "Client certificate missing, or its thumbprint and one in the refresh token did NOT match"


def required(client: Client) -> bool:
    """OIDCAdvancedConfigWrapper.isUseMtlsHokToken."""
    return client.attr_bool(CLIENT_ATTRIBUTE)


def thumbprint(certificate: x509.Certificate) -> str:
    """getCertificateThumbprintInSHA256DERX509Base64UrlEncoded: base64url of SHA-256 of the DER, no padding."""
    digest = hashlib.sha256(certificate.public_bytes(Encoding.DER)).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def confirmation(chain: Sequence[x509.Certificate]) -> dict[str, str] | None:
    """bindTokenWithClientCertificate: the ``cnf`` for the client's certificate, None without one."""
    return {THUMBPRINT: thumbprint(chain[0])} if chain else None


def bound_to(claims: Mapping[str, Any], chain: Sequence[x509.Certificate]) -> bool:
    """verifyTokenBindingWithClientCertificate: the token names a thumbprint and it is the certificate's."""
    cnf = claims.get("cnf")
    expected = cnf.get(THUMBPRINT) if isinstance(cnf, dict) else None
    if not isinstance(expected, str) or not chain:
        return False
    return hmac.compare_digest(expected.encode(), thumbprint(chain[0]).encode())
