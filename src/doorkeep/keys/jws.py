"""PyJWT with keys prepared once per loaded key instead of on every call (issue #8).

``jwt.encode``/``jwt.decode`` run the algorithm's ``prepare_key`` and ``check_key_length`` on
every call; for an HMAC secret that is a PEM, SSH and DER sniff of the bytes each time. Here the
key goes through PyJWT's own ``prepare_key`` and length check once, when it is loaded
(``keys/material.load``). Verifying goes through a private ``PyJWT`` instance whose algorithm
objects take that prepared key (PyJWT's own header, signature and claim checks). Signing goes
through ``encode_compact``, which writes the header and payload as PyJWT does and signs with
PyJWT's algorithm objects (ECDSA without PyJWT's per-call wrapping, ``_signer``): the tokens are byte for
byte what ``jwt.encode`` gives, apart from ECDSA's random signatures.

One step of PyJWT's decoding is replaced by the same rule run in C: its check that each segment
holds only base64url characters walked the bytes in a Python generator, about 100 µs of the
135 µs it took to verify a refresh token (PyJWT 2.15.1). ``_decode_segment`` keeps its order of
checks and its error messages (tests/unit/test_jws_prepared_keys.py compares the two).
"""

from __future__ import annotations

import binascii
import hashlib
import hmac
import json
import warnings
from collections.abc import Callable
from typing import Any

import jwt
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature
from jwt.algorithms import Algorithm
from jwt.exceptions import (
    DecodeError,
    InvalidAlgorithmError,
    InvalidJTIError,
    InvalidKeyError,
    InvalidSignatureError,
    InvalidSubjectError,
)
from jwt.types import Options
from jwt.utils import base64url_decode, base64url_encode
from jwt.warnings import InsecureKeyLengthWarning

from doorkeep import json_bytes, numbers


class Prepared:
    """A key that went through its algorithm's ``prepare_key`` (and length check) once."""

    __slots__ = ("key",)

    def __init__(self, key: Any) -> None:
        self.key = key


class _PreparedOnce(Algorithm):
    """PyJWT's algorithm object, but the key given is already a ``Prepared`` one."""

    def __init__(self, inner: Algorithm) -> None:
        self.inner = inner

    def prepare_key(self, key: Any) -> Prepared:
        if not isinstance(key, Prepared):
            raise TypeError("this codec signs and verifies with keys prepared by doorkeep.keys.jws.prepare")
        return key

    def check_key_length(self, key: Any) -> str | None:
        return None  # checked (and warned about) once, in ``prepare``

    def sign(self, msg: bytes, key: Any) -> bytes:
        return self.inner.sign(msg, key.key)

    def verify(self, msg: bytes, key: Any, sig: bytes) -> bool:
        return self.inner.verify(msg, key.key, sig)

    def compute_hash_digest(self, bytestr: bytes) -> bytes:
        return self.inner.compute_hash_digest(bytestr)

    @staticmethod
    def to_jwk(key_obj: Any, as_dict: bool = False) -> Any:
        raise NotImplementedError

    @staticmethod
    def from_jwk(jwk: Any) -> Any:
        raise NotImplementedError


BASE64URL = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"


def _decode_segment(segment: bytes, name: str) -> bytes:
    """PyJWS._decode_base64url_segment: trailing ``=`` accepted (at most two, and only on a whole
    quantum), anything outside base64url refused, and the encoding must be the canonical one."""
    stripped = segment.rstrip(b"=")
    padding = len(segment) - len(stripped)
    if padding > 2 or (padding and len(segment) % 4 != 0):
        raise DecodeError(f"Invalid {name} padding")
    if len(stripped) % 4 == 1 or stripped.translate(None, BASE64URL):
        raise DecodeError(f"Invalid {name} padding")
    try:
        decoded = base64url_decode(stripped)
    except (TypeError, binascii.Error) as err:
        raise DecodeError(f"Invalid {name} padding") from err
    if base64url_encode(decoded) != stripped:
        raise DecodeError(f"Invalid {name} padding")
    return decoded


def _codec() -> jwt.PyJWT:
    codec = jwt.PyJWT()
    jws = codec._jws
    jws._decode_base64url_segment = _decode_segment  # type: ignore[method-assign]
    for name, alg in list(jws._algorithms.items()):
        if name != "none":
            jws.unregister_algorithm(name)
            jws.register_algorithm(name, _PreparedOnce(alg))
    return codec


_CODEC = _codec()  # configured once at import, never changed


# Compact serialisation of the server's own tokens, byte for byte what ``jwt.encode`` gives for a
# header of ``kid`` and ``typ``: PyJWT's header is {"typ", "alg"} updated with the given headers
# and written with sorted keys; the payload with separators "," and ":" (json_bytes: text beyond ASCII
# as UTF-8 where PyJWT writes ``\u`` escapes, the same JSON).
# PyJWT built both dictionaries, a JSON encoder for each, and looked the algorithm up again for every
# token: a third of what signing an HS512 refresh token cost (issue #8).
_HEADER_SEGMENTS: dict[tuple[str, str, str], bytes] = {}
_SIGNERS: dict[str, Callable[[bytes, Any], bytes]] = {}
_KEPT = 256  # distinct (alg, kid, typ) headers: a realm has a handful of keys


def encode_compact(claims: dict[str, Any], key: Prepared, alg: str, kid: str, typ: str) -> str:
    """The token ``jwt.encode(claims, key, algorithm=alg, headers={"kid": kid, "typ": typ})`` gives, without PyJWT's
    per-call dictionaries and lookups. ``iss`` must be a string, as PyJWT requires."""
    if "iss" in claims and not isinstance(claims["iss"], str):
        raise TypeError("Issuer (iss) must be a string.")
    signer = _SIGNERS.get(alg)
    if signer is None:
        signer = _SIGNERS[alg] = _signer(alg)  # NotImplementedError for an unknown one
    header = _HEADER_SEGMENTS.get((alg, kid, typ))
    if header is None:
        fields = {"typ": typ, "alg": alg, "kid": kid}
        header = base64url_encode(json.dumps(fields, separators=(",", ":"), sort_keys=True).encode())
        if len(_HEADER_SEGMENTS) >= _KEPT:
            _HEADER_SEGMENTS.clear()
        _HEADER_SEGMENTS[(alg, kid, typ)] = header
    signing_input = header + b"." + base64url_encode(json_bytes.dumps(claims))
    signature = signer(signing_input, key.key)
    return (signing_input + b"." + base64url_encode(signature)).decode()


_EC_HASHES: dict[str, hashes.HashAlgorithm] = {
    "ES256": hashes.SHA256(),
    "ES384": hashes.SHA384(),
    "ES512": hashes.SHA512(),
}


def _signer(alg: str) -> Callable[[bytes, Any], bytes]:
    """PyJWT's ``sign`` for ``alg``; for ECDSA the same signature without its per-call objects.

    PyJWT's ``ECAlgorithm.sign`` makes an ``ECDSA`` and a hash object and converts the DER signature through two
    helpers on every call: 20–50 µs beside OpenSSL's ~140 µs on a busy host, a sixth of an ES256 signature
    (issue #8). The signature is the same: raw ``r || s``, each as wide as the curve's order (RFC 7518 §3.4)."""
    inner = jwt.get_algorithm_by_name(alg)
    hash_algorithm = _EC_HASHES.get(alg)
    if hash_algorithm is None:
        return inner.sign
    ecdsa = ec.ECDSA(hash_algorithm)

    def sign_ec(msg: bytes, key: Any) -> bytes:
        if not isinstance(key, ec.EllipticCurvePrivateKey):
            return inner.sign(msg, key)  # PyJWT's own refusal
        width = (key.curve.key_size + 7) // 8
        r, s = decode_dss_signature(key.sign(msg, ecdsa))
        return r.to_bytes(width, "big") + s.to_bytes(width, "big")

    return sign_ec


def decode(token: str, key: Prepared, alg: str, options: Options) -> dict[str, Any]:
    """``jwt.decode`` with a prepared key, for the one algorithm ``alg``."""
    prepared: Any = key
    return _CODEC.decode(token, prepared, algorithms=[alg], options=options)


# The parsed header segments of HMAC tokens that verified: a realm signs all its refresh tokens under one or
# two, and a refresh parsed its header twice (to find the key, then to verify). Read-only once kept.
_HEADERS: dict[bytes, dict[str, Any]] = {}


def verified_header(segment: bytes) -> dict[str, Any] | None:
    """The parsed header of an HMAC token ``decode_hmac`` verified before under this exact segment, or None."""
    return _HEADERS.get(segment)


_HMAC_DIGESTS = {"HS256": hashlib.sha256, "HS384": hashlib.sha384, "HS512": hashlib.sha512}


def decode_hmac(token: str, key: Prepared, alg: str) -> dict[str, Any]:
    """``decode`` with signature-only options for an HS256/384/512 key, without PyJWT's per-call objects and
    option merging (a refresh verifies one HMAC token; PyJWT's path was a third of that token's cost, issue #8).

    The same checks in PyJWT's order: two dots, each segment canonical base64url (``_decode_segment``), a JSON
    object header whose ``alg`` is ``alg``, the MAC compared in constant time, a JSON object payload, and
    PyJWT's default ``sub`` and ``jti`` type checks. Any failure raises an ``InvalidTokenError``."""
    digest = _HMAC_DIGESTS.get(alg)
    if digest is None:
        raise InvalidAlgorithmError("Algorithm not supported")
    raw = token.encode("utf-8")
    signing_input, _, crypto_segment = raw.rpartition(b".")
    header_segment, dot, payload_segment = signing_input.partition(b".")
    if not dot:
        raise DecodeError("Not enough segments")
    header = _HEADERS.get(header_segment)
    known = header is not None
    if header is None:
        header = _json_object(_decode_segment(header_segment, "header"), "Invalid header string: must be a json object")
    payload_bytes = _decode_segment(payload_segment, "payload")
    signature = _decode_segment(crypto_segment, "crypto")
    if header.get("b64", True) is False:  # RFC 7797's detached payload: PyJWT wants it passed separately
        raise DecodeError("It is required that you pass in a value for the detached_content argument")
    if header.get("alg") != alg:
        raise InvalidAlgorithmError("The specified alg value is not allowed")
    if not hmac.compare_digest(signature, hmac.new(key.key, signing_input, digest).digest()):
        raise InvalidSignatureError("Signature verification failed")
    if not known:  # kept only once a realm key has vouched for it
        if len(_HEADERS) >= _KEPT:
            _HEADERS.clear()
        _HEADERS[header_segment] = header
    payload = _json_object(payload_bytes, "Invalid payload string: must be a json object")
    if not isinstance(payload.get("sub", ""), str):
        raise InvalidSubjectError("Subject must be a string")
    if not isinstance(payload.get("jti", ""), str):
        raise InvalidJTIError("JWT ID must be a string")
    return payload


def _json_object(data: bytes, message: str) -> dict[str, Any]:
    try:
        value = numbers.loads(data)
    except (ValueError, UnicodeDecodeError) as err:
        raise DecodeError(message) from err
    if not isinstance(value, dict):
        raise DecodeError(message)
    return value


def prepare(alg: str, key: Any) -> Prepared | None:
    """``key`` through PyJWT's ``prepare_key`` and length check for ``alg`` (the family's key
    serves its sibling algorithms too: RS256 and PS512 prepare an RSA key the same way).

    None when PyJWT refuses the key or does not know the algorithm: such a key is then used the
    way it always was, through ``jwt.encode``/``jwt.decode``, which raise the same errors."""
    try:
        inner = jwt.get_algorithm_by_name(alg)
        prepared = inner.prepare_key(key)
    except (NotImplementedError, InvalidKeyError, TypeError, ValueError):
        return None
    message = inner.check_key_length(prepared)
    if message:
        warnings.warn(message, InsecureKeyLengthWarning, stacklevel=2)
    return Prepared(prepared)
