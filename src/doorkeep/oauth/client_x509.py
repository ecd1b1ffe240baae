"""The ``client-x509`` client authenticator (RFC 8705 §2.1 ``tls_client_auth``), as Keycloak 26's
X509ClientAuthenticator decides.

The client is the one ``client_id`` names (the form's, else the query's); it authenticates when the first
certificate of the chain the proxy forwarded (oauth/certificate_lookup.py) has the subject DN its ``x509.subjectdn``
attribute names: a Java regular expression matched against the whole DN as Java prints it (``EMAILADDRESS=…,
CN=…, OU=…``), or, with ``x509.allow.regex.pattern.comparison`` false, the same DN compared as a name (attribute
by attribute, case and spacing aside, in either order, ``#hex`` values and dotted OIDs understood, as Bouncy
Castle's X500Name compares). With ``x509.casubjectdn`` the chain must also lead to that CA: Keycloak checks the
chain against its truststore; Doorkeep has none (the proxy verified the chain), so the DN must be the subject of
a certificate of the forwarded chain after the first, or the issuer of its last, and every certificate of the
chain must be within its validity period. A request without a certificate, or whose certificate does not match,
is "attempted": refused as Keycloak refuses an authenticator that neither succeeded nor failed.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Sequence

from cryptography import x509
from cryptography.x509.oid import NameOID, ObjectIdentifier

from doorkeep.errors import INVALID_CLIENT_CREDENTIALS, InvalidClient
from doorkeep.model import Client
from doorkeep.users import admin_regex

CLIENT_X509 = "client-x509"
SUBJECT_DN = "x509.subjectdn"
CA_SUBJECT_DN = "x509.casubjectdn"
ALLOW_REGEX = "x509.allow.regex.pattern.comparison"
PATTERN_SECONDS = 0.5  # what one subject DN match may take; ordinary patterns take microseconds
_log = logging.getLogger(__name__)

# sun.security.x509.AVAKeyword's names, which X500Principal's default form prints.
_JAVA_NAMES = {
    NameOID.COMMON_NAME: "CN",
    NameOID.COUNTRY_NAME: "C",
    NameOID.LOCALITY_NAME: "L",
    NameOID.STATE_OR_PROVINCE_NAME: "ST",
    NameOID.ORGANIZATION_NAME: "O",
    NameOID.ORGANIZATIONAL_UNIT_NAME: "OU",
    NameOID.TITLE: "T",
    NameOID.STREET_ADDRESS: "STREET",
    NameOID.DOMAIN_COMPONENT: "DC",
    NameOID.DN_QUALIFIER: "DNQUALIFIER",
    NameOID.SURNAME: "SURNAME",
    NameOID.GIVEN_NAME: "GIVENNAME",
    NameOID.INITIALS: "INITIALS",
    NameOID.GENERATION_QUALIFIER: "GENERATION",
    NameOID.EMAIL_ADDRESS: "EMAILADDRESS",
    NameOID.USER_ID: "UID",
    NameOID.SERIAL_NUMBER: "SERIALNUMBER",
}
# The names Bouncy Castle's BCStyle (and Keycloak's Open Banking Brasil additions) read in an expected DN.
_BC_NAMES = {name.lower(): oid for oid, name in _JAVA_NAMES.items()} | {
    "e": NameOID.EMAIL_ADDRESS,
    "email": NameOID.EMAIL_ADDRESS,
    "s": NameOID.STATE_OR_PROVINCE_NAME,
    "sn": NameOID.SERIAL_NUMBER,
    "businesscategory": NameOID.BUSINESS_CATEGORY,
    "jurisdictioncountryname": NameOID.JURISDICTION_COUNTRY_NAME,
    "jurisdictioncountry": NameOID.JURISDICTION_COUNTRY_NAME,
    "jurisdictionstateorprovincename": NameOID.JURISDICTION_STATE_OR_PROVINCE_NAME,
    "jurisdictionlocalityname": NameOID.JURISDICTION_LOCALITY_NAME,
    "postalcode": NameOID.POSTAL_CODE,
    "pseudonym": NameOID.PSEUDONYM,
}
_SPECIAL = set(',+=<>#;"\\\n')
_STRING_TAGS = {0x0C: "utf-8", 0x13: "ascii", 0x16: "ascii", 0x14: "latin-1", 0x1E: "utf-16-be", 0x1C: "utf-32-be"}

Rdn = tuple[tuple[str, str], ...]  # one RDN: (dotted OID, canonical value) pairs, sorted


def authenticate(client: Client, chain: Sequence[x509.Certificate], now: int) -> Client:
    """authenticateClient for the client ``client_id`` named: the client, or Keycloak's refusal."""
    if not client.enabled:
        raise InvalidClient(INVALID_CLIENT_CREDENTIALS, event_error="client_disabled")
    expected = client.attr(SUBJECT_DN).strip()
    if not chain or not expected or not _subject_matches(chain[0], expected, client.attr_bool(ALLOW_REGEX, True)):
        raise InvalidClient(INVALID_CLIENT_CREDENTIALS, event_error="invalid_client_credentials")
    ca = client.attr(CA_SUBJECT_DN).strip()
    if ca and not _leads_to(chain, ca, now):
        raise InvalidClient(INVALID_CLIENT_CREDENTIALS, event_error="invalid_client_credentials")
    return client


def java_dn(name: x509.Name) -> str:
    """The DN as Java's X500Principal prints it by default: most specific RDN first, ``, `` between them."""
    return ", ".join(" + ".join(_java_ava(a) for a in rdn) for rdn in reversed(name.rdns))


def same_name(name: x509.Name, expected: str) -> bool:
    """CertificateValidator.checkSubjectDNExact: the names equal attribute by attribute, in order or reversed."""
    parsed = _parse(expected)
    actual = [_rdn((a.oid.dotted_string, _value(a.value)) for a in rdn) for rdn in name.rdns]
    return parsed is not None and (parsed == actual or parsed == actual[::-1])


def _subject_matches(certificate: x509.Certificate, expected: str, regex: bool) -> bool:
    if not regex:
        return same_name(certificate.subject, expected)
    # the DN is the certificate holder's choice: the pattern runs on the regex engine with a time limit (Keycloak's
    # String.matches has none); one that does not compile, would take hours to, or runs past the limit, no match
    try:
        return (
            admin_regex.compiled(expected).fullmatch(java_dn(certificate.subject), timeout=PATTERN_SECONDS) is not None
        )
    except admin_regex.UnsafePattern:
        return False
    except TimeoutError:
        _log.warning("x509.subjectdn pattern ran past %s s; no match", PATTERN_SECONDS)
        return False


def _leads_to(chain: Sequence[x509.Certificate], ca: str, now: int) -> bool:
    if any(not (c.not_valid_before_utc.timestamp() <= now <= c.not_valid_after_utc.timestamp()) for c in chain):
        return False
    return any(same_name(c.subject, ca) for c in chain[1:]) or same_name(chain[-1].issuer, ca)


def _java_ava(attribute: x509.NameAttribute[str | bytes]) -> str:
    key = _JAVA_NAMES.get(attribute.oid, attribute.oid.dotted_string)
    value = attribute.value if isinstance(attribute.value, str) else "#" + attribute.value.hex()
    if any(ch in _SPECIAL for ch in value) or value != value.strip():
        value = '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return f"{key}={value}"


def _rdn(pairs: Iterable[tuple[str, str]]) -> Rdn:
    return tuple(sorted(pairs))


def _value(raw: str | bytes) -> str:
    """IETFUtils.canonicalize: lower case, outer spaces trimmed, inner runs of spaces made one."""
    text = raw if isinstance(raw, str) else raw.decode("latin-1")
    return " ".join(text.lower().split())


def _parse(dn: str) -> list[Rdn] | None:
    """An expected DN (RFC 2253 or 1779 form) as RDNs; None when it does not read."""
    rdns: list[Rdn] = []
    for rdn_text in _split(dn, ","):
        pairs = []
        for ava in _split(rdn_text, "+"):
            key, sep, value = ava.partition("=")
            oid = _oid(key.strip())
            if not sep or oid is None:
                return None
            decoded = _decoded(value.strip())
            if decoded is None:
                return None
            pairs.append((oid.dotted_string, _value(decoded)))
        rdns.append(_rdn(pairs))
    return rdns


def _split(text: str, separator: str) -> list[str]:
    """Split at separators that are neither escaped nor quoted."""
    parts, current, quoted, escaped = [], [], False, False
    for ch in text:
        if escaped:
            current.append(ch)
            escaped = False
        elif ch == "\\":
            current.append(ch)
            escaped = True
        elif ch == '"':
            current.append(ch)
            quoted = not quoted
        elif ch == separator and not quoted:
            parts.append("".join(current))
            current = []
        else:
            current.append(ch)
    parts.append("".join(current))
    return [p for p in parts if p.strip()]


def _oid(key: str) -> ObjectIdentifier | None:
    lowered = key.lower().removeprefix("oid.")
    if lowered in _BC_NAMES:
        return _BC_NAMES[lowered]
    if re.fullmatch(r"\d+(\.\d+)+", lowered):
        return ObjectIdentifier(lowered)
    return None


def _decoded(value: str) -> str | None:
    """A value's text: ``#hex`` is a DER string, quotes and backslash escapes are removed."""
    if value.startswith("#"):
        try:
            der = bytes.fromhex(value[1:])
        except ValueError:
            return None
        return _der_string(der)
    if len(value) > 1 and value[0] == value[-1] == '"':
        value = value[1:-1]
    return re.sub(r"\\(.)", r"\1", value)


def _der_string(der: bytes) -> str | None:
    if len(der) < 2 or der[0] not in _STRING_TAGS:
        return None
    length, offset = der[1], 2
    if length & 0x80:
        size = length & 0x7F
        length, offset = int.from_bytes(der[2 : 2 + size], "big"), 2 + size
    body = der[offset : offset + length]
    if len(body) != length:
        return None
    try:
        return body.decode(_STRING_TAGS[der[0]])
    except UnicodeDecodeError:
        return None
