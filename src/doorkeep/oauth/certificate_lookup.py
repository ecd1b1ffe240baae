"""The client's X.509 certificate chain behind a TLS-terminating proxy (Keycloak's X509ClientCertificateLookup SPI).

Doorkeep does not terminate mutual TLS itself: the proxy in front of it verifies the client's certificate and
forwards it in a request header, and the configured lookup provider reads it back, as Keycloak's
``--spi-x509cert-lookup--provider`` does:

* ``default``: no header is read, so there is never a client certificate (Keycloak's default provider reads the
  TLS connection, which Doorkeep never sees).
* ``apache``, ``haproxy``: the PEM (armour optional) in the header the ``ssl-client-cert`` option names, then the
  chain in ``<ssl-cert-chain-prefix>_0`` … ``_<certificate-chain-length - 1>``.
* ``nginx``: the same, URL-decoded first unless ``cert-is-url-encoded`` is false (``$ssl_client_escaped_cert``).
  With ``trust-proxy-verification`` the certificates count only beside ``ssl-client-verify: SUCCESS``; without
  it Keycloak rebuilds the chain from its truststore, which Doorkeep has not: the chain is the client's
  certificate alone, as Keycloak's is when no truststore is configured.
* ``traefik``: every URL-encoded PEM block of ``X-Forwarded-Tls-Client-Cert`` (or the ``ssl-client-cert`` option's).
* ``envoy``: the ``Chain`` of ``x-forwarded-client-cert``.

The headers count only from a trusted peer (HttpRequest.isProxyTrusted: any peer unless
``--proxy-trusted-addresses`` names some); the web layer says which. A header that does not decode is no
certificate, never an error. Nothing here logs a certificate.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from urllib.parse import unquote_plus

from cryptography import x509

TRAEFIK_HEADER = "X-Forwarded-Tls-Client-Cert"
ENVOY_HEADER = "x-forwarded-client-cert"
NGINX_VERIFY_HEADER = "ssl-client-verify"
_ARMOUR = re.compile(r"-----(BEGIN|END) CERTIFICATE-----")
_PEM_BLOCK = re.compile(r"-----BEGIN CERTIFICATE-----(.*?)-----END CERTIFICATE-----", re.S)

Headers = Mapping[str, str]  # case-insensitive (Starlette's), first value of a repeated header
Chain = tuple[x509.Certificate, ...]


@dataclass(frozen=True)
class Lookup:
    """A configured provider: its id and the server's lookup options (``nginx-ssl-client-cert`` → header, …)."""

    provider: str = "default"
    options: Mapping[str, str] | None = None

    def option(self, name: str, default: str = "") -> str:
        """This provider's option ``name`` (``ssl-client-cert``), Keycloak's Config.Scope.get."""
        return (self.options or {}).get(f"{self.provider}-{name}", default)

    def flag(self, name: str, default: bool) -> bool:
        value = self.option(name)
        return default if not value else value.strip().lower() == "true"

    def chain_length(self) -> int:
        """certificateChainLength (default 1); a value that is not a number of 0 or more reads as 1."""
        try:
            length = int(self.option("certificate-chain-length", "1"))
        except ValueError:
            return 1
        return length if length >= 0 else 1


def certificate_chain(lookup: Lookup, headers: Headers, *, trusted: bool) -> Chain:
    """The client's certificate first, then its chain; empty when the request carries none the provider trusts."""
    reader = _READERS.get(lookup.provider)
    if reader is None or not trusted:
        return ()
    return reader(lookup, headers)


def decode(text: str | None) -> x509.Certificate | None:
    """PemUtils.decodeCertificate: base64 DER with or without the PEM armour and line breaks; None if malformed."""
    if text is None:
        return None
    body = "".join(_ARMOUR.sub("", text).split())
    if not body:
        return None
    try:
        return x509.load_der_x509_certificate(base64.b64decode(body, validate=True))
    except (binascii.Error, ValueError):
        return None


def _header(headers: Headers, name: str) -> str | None:
    """getCertificateFromHttpHeader's value: the header, without the double quotes a proxy may add."""
    value = headers.get(name) if name else None
    if value is not None and len(value) > 1 and value[0] == value[-1] == '"':
        value = value[1:-1]
    return value if value and value.strip() else None


def _prefixed(lookup: Lookup, headers: Headers, read: Callable[[str], x509.Certificate | None]) -> Chain:
    """AbstractClientCertificateFromHttpHeadersLookup: the client's header, then the numbered chain headers."""
    leaf = read(lookup.option("ssl-client-cert"))
    if leaf is None:
        return ()
    prefix = lookup.option("ssl-cert-chain-prefix")
    rest = [read(f"{prefix}_{i}") for i in range(lookup.chain_length())] if prefix else []
    return (leaf, *(cert for cert in rest if cert is not None))


def _plain(lookup: Lookup, headers: Headers) -> Chain:
    return _prefixed(lookup, headers, lambda name: decode(_header(headers, name)))


def _nginx(lookup: Lookup, headers: Headers) -> Chain:
    url_encoded = lookup.flag("cert-is-url-encoded", True)

    def read(name: str) -> x509.Certificate | None:
        value = _header(headers, name)
        return decode(unquote_plus(value) if value is not None and url_encoded else value)

    if lookup.flag("trust-proxy-verification", False):
        if headers.get(NGINX_VERIFY_HEADER) != "SUCCESS":  # NginxProxyTrustedClientCertificateLookup
            return ()
        return _prefixed(lookup, headers, read)
    leaf = read(lookup.option("ssl-client-cert"))  # no truststore to rebuild the chain from
    return () if leaf is None else (leaf,)


def _traefik(lookup: Lookup, headers: Headers) -> Chain:
    value = _header(headers, lookup.option("ssl-client-cert") or TRAEFIK_HEADER)
    if value is None:
        return ()
    text = unquote_plus(value)
    blocks = _PEM_BLOCK.findall(text) or text.split(",")
    certs = [decode(block) for block in blocks]
    if any(cert is None for cert in certs):
        return ()
    return tuple(cert for cert in certs if cert is not None)


def _envoy(lookup: Lookup, headers: Headers) -> Chain:
    value = headers.get(ENVOY_HEADER)
    if not value:
        return ()
    fields = dict(part.split("=", 1) for part in value.split(",")[0].split(";") if part.count("=") == 1)
    chain = fields.get("Chain")
    if chain is None:
        return ()
    text = unquote_plus(chain).replace('"', "")
    certs = [decode(block) for block in _PEM_BLOCK.findall(text)]
    if not certs or any(cert is None for cert in certs):
        return ()
    return tuple(cert for cert in certs if cert is not None)


_READERS: dict[str, Callable[[Lookup, Headers], Chain]] = {
    "apache": _plain,
    "haproxy": _plain,
    "nginx": _nginx,
    "traefik": _traefik,
    "envoy": _envoy,
}
