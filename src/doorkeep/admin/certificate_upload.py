"""A client certificate upload (Keycloak's ClientAttributeCertificateResource.updateCertFromRequest): the form's
parts read as a keystore, a PEM certificate, a PEM public key or a JWK set, and the client as it is to be kept.

``keystoreFormat`` names what ``file`` holds; a keystore also needs ``keyAlias`` (and ``storePassword`` and
``keyPassword`` to open it and its key). What is read is answered as a CertificateRepresentation; ``upload-
certificate`` (``keep_private`` False) keeps and answers no private key.
"""

from __future__ import annotations

import base64

from doorkeep.admin import client_certificates as certs
from doorkeep.admin import keystores
from doorkeep.model import Client

CERTIFICATE_PEM, PUBLIC_KEY_PEM, JSON_WEB_KEY_SET = "Certificate PEM", "Public Key PEM", "JSON Web Key Set"


class UploadRefused(ValueError):
    """A form Keycloak answers with BadRequestException(message)."""


def _text(parts: dict[str, bytes], name: str) -> str | None:
    value = parts.get(name)
    return None if value is None else value.decode("utf-8", errors="replace")


def read(parts: dict[str, bytes], client: Client, prefix: str, keep_private: bool) -> tuple[Client, dict[str, str]]:
    """The client with what the form gives under ``prefix``, and the CertificateRepresentation read. Raises
    UploadRefused, keystores.KeystoreError, or certs.CertificateNotFound (nothing usable under the alias)."""
    fmt, data = _text(parts, "keystoreFormat"), parts.get("file")
    if fmt is None:
        raise UploadRefused("keystoreFormat cannot be null")
    if not data:
        raise UploadRefused("file cannot be empty")
    text = data.decode("utf-8", errors="replace")
    if fmt == JSON_WEB_KEY_SET:
        return certs.with_jwks(client, prefix, text), certs.jwks_info(text)  # an OIDC client keeps the set
    if fmt == CERTIFICATE_PEM:
        body = certs.pem_body(text)
        if not certs.valid_certificate(body):  # Keycloak's PemException is a 500: a 400 here
            raise UploadRefused("error loading certificate")
        rep = {"certificate": body}
    elif fmt == PUBLIC_KEY_PEM:
        if not certs.valid_public_key(text):
            raise UploadRefused("error loading public key")
        rep = {"publicKey": text}
    elif fmt in keystores.FORMATS:
        alias = _text(parts, "keyAlias")
        if alias is None:
            raise UploadRefused("keyAlias cannot be null")
        key, cert = keystores.read(fmt, data, _text(parts, "storePassword"), alias, _text(parts, "keyPassword"))
        found = (("privateKey", key if keep_private else None), ("certificate", cert))
        rep = {k: base64.b64encode(v).decode() for k, v in found if v}
    else:  # KeystoreFormat.valueOf: not a format Doorkeep reads (BCFKS among them)
        raise UploadRefused("error loading keystore")
    return certs.with_info(client, prefix, rep), rep
