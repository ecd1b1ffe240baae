"""The public keys a client signs its assertions with (Keycloak's ClientPublicKeyLoader).

Where they come from, as the client's attributes say: ``use.jwks.url`` = true, the JWK set at ``jwks.url``;
else ``use.jwks.string`` = true, the JWK set in ``jwks.string``; else the certificate (or public key) in
``jwt.credential.certificate`` (``jwt.credential.public.key``), whose key id is ``jwt.credential.kid`` or
KeyUtils.createKeyId's (the base64url SHA-256 of the key's SubjectPublicKeyInfo). A key is found by the
assertion's ``kid`` when it has one, and must suit its ``alg``.

A fetched JWK set is kept per client and URL, fetched again when a ``kid`` is not in it (only once more than 10
seconds have passed since the last fetch: InfinispanPublicKeyStorageProvider's ``currentTime > lastRequestTime +
minTimeBetweenRequests``) or after a day. While a set is being fetched, a request wanting it waits for that fetch
instead of making its own (the provider's ``tasksInProgress``): a burst of tokens naming unknown kids costs a slow
provider one request, not one each. An identity provider's set (its ``jwksUrl``) is kept the same way under
the provider's ``internalId`` (PublicKeyStorageUtils.getIdpModelCacheKey) together with a digest of the provider as
stored: Keycloak drops the entry when the provider is updated or removed (IdentityProviderUpdatedEvent, sent to the
whole cluster); here every process reads the provider with its realm on each request, so an updated provider no
longer matches what a process kept, in every worker and on every node, with no message to miss. The cache is per
process, as Keycloak's ``keys`` cache is a local cache on each node: ``reload-keys`` and ``clear-keys-cache`` act on
the process that answers them. The fetch has a short
time limit in all (not only per read) and a size limit; a failure is no keys ("Unable to load public key").
A client's request objects at its registered ``request_uri`` (oauth/request_parser.py) are fetched the same
way, never kept. A set due inside a writing transaction (the token endpoint's client assertion, a token encrypted to
the client) is fetched outside it and the request run again (fetch_outside.py): a slow ``jwks.url`` never holds
SQLite's write lock.
"""

from __future__ import annotations

import base64
import binascii
import functools
import hashlib
import json
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import anyio
import jwt
from cryptography import x509
from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed448, ed25519, rsa

from doorkeep import fetch_outside
from doorkeep.bounded_http import CallFailed, TooLarge, bounded_request
from doorkeep.clock import Clock
from doorkeep.model import JSON, Client, Realm
from doorkeep.numbers import loads

log = logging.getLogger(__name__)

FETCH_TIMEOUT = 5.0  # seconds
MAX_JWKS_BYTES = 512 * 1024
MIN_REFETCH = 10  # a set lacking a kid is fetched again only once more than this has passed (minTimeBetweenRequests)
MAX_AGE = 86_400  # a fetched set is fetched again after a day
KEPT_SETS = 1024

_CURVES = {"ES256": ec.SECP256R1, "ES384": ec.SECP384R1, "ES512": ec.SECP521R1}

Fetch = Callable[[str], Awaitable[bytes]]
SIG, ENC = "sig", "enc"  # JWK.Use: the keys a client signs with, and those it has tokens encrypted to


@dataclass(frozen=True)
class PublicKey:
    kid: str | None
    alg: str | None  # the JWK's ``alg``, when it names one
    key: Any  # a cryptography public key


async def fetch_jwks(url: str) -> bytes:
    """GET the JWK set, with a short timeout and at most MAX_JWKS_BYTES read; any failure is a ValueError."""
    return await fetch_bounded(url, "application/json")


async def fetch_json(url: str) -> bytes:
    """GET a JSON document a client registered (the array at a pairwise ``sectorIdentifierUri``), bounded as a
    JWK set is."""
    return await fetch_bounded(url, "application/json")


async def fetch_request_object(url: str) -> bytes:
    """GET a request object from a client's registered ``request_uri``, bounded as a JWK set is."""
    return await fetch_bounded(url, "application/oauth-authz-req+jwt, application/jwt, */*")


async def fetch_bounded(url: str, accept: str) -> bytes:
    """GET ``url`` as bounded_http.bounded_request does (no redirect followed: it would leave what the client
    registered; FETCH_TIMEOUT for the whole answer; at most MAX_JWKS_BYTES read); a non-2xx answer, a URL httpx
    cannot use or any other failure is a ValueError."""
    try:
        answer = await bounded_request("GET", url, {"Accept": accept}, None, FETCH_TIMEOUT, MAX_JWKS_BYTES)
    except TooLarge:
        raise ValueError("document too large") from None
    except CallFailed as err:
        raise ValueError(str(err)) from None
    if not answer.ok:
        raise ValueError(f"HTTP status {answer.status}")
    return answer.body


def suits(key: Any, alg: str) -> bool:
    """Whether a key of this type can check a signature made with ``alg``."""
    if alg.startswith(("RS", "PS")):
        return isinstance(key, rsa.RSAPublicKey)
    if alg in _CURVES:
        return isinstance(key, ec.EllipticCurvePublicKey) and isinstance(key.curve, _CURVES[alg])
    if alg == "EdDSA":
        return isinstance(key, ed25519.Ed25519PublicKey | ed448.Ed448PublicKey)
    return False


def parse_jwks(text: str | bytes, *, use_when_missing: bool = True, use: str = SIG) -> list[PublicKey]:
    """The keys of a JWK set for ``use`` (JWKSUtils.getKeyWrappersForUse(set, use, useRequestedUseWhenNull)): keys
    with another ``use`` and unreadable keys skipped, and keys without ``use`` too unless ``use_when_missing``
    (ClientPublicKeyLoader: a fetched ``jwks_uri`` set, not a stored ``jwks.string``)."""
    try:
        document = loads(text)  # depth-checked: a fetched set nested 100 000 deep is no set, not a 500
    except (ValueError, UnicodeDecodeError):
        return []
    items = document.get("keys") if isinstance(document, dict) else None
    out: list[PublicKey] = []
    for item in items if isinstance(items, list) else []:
        if not isinstance(item, dict) or item.get("use", use if use_when_missing else None) != use:
            continue
        try:  # an encryption key's ``alg`` (RSA-OAEP, ECDH-ES…) names no signature: its material is read by type
            parsed = jwt.PyJWK({k: v for k, v in item.items() if k != "alg"} if use == ENC else item)
        except (jwt.PyJWKError, jwt.InvalidKeyError, ValueError, TypeError, KeyError):
            continue
        key = parsed.key
        if isinstance(key, rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey):
            key = key.public_key()  # a private JWK published by mistake: only its public half is used
        kid, alg = item.get("kid"), item.get("alg")
        out.append(PublicKey(kid if isinstance(kid, str) else None, alg if isinstance(alg, str) else None, key))
    return out


def key_id(key: Any) -> str:
    """KeyUtils.createKeyId: base64url (unpadded) SHA-256 of the SubjectPublicKeyInfo."""
    der = key.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    return base64.urlsafe_b64encode(hashlib.sha256(der).digest()).rstrip(b"=").decode()


def _der(text: str) -> bytes:
    body = "".join(line for line in text.strip().splitlines() if not line.startswith("-----"))
    return base64.b64decode(body, validate=False)


def certificate_key(client: Client) -> list[PublicKey]:
    """The key of ``jwt.credential.certificate`` (or ``jwt.credential.public.key``)."""
    key: Any = None
    try:
        if client.attr("jwt.credential.certificate"):
            key = x509.load_der_x509_certificate(_der(client.attr("jwt.credential.certificate"))).public_key()
        elif client.attr("jwt.credential.public.key"):
            key = serialization.load_der_public_key(_der(client.attr("jwt.credential.public.key")))
    except (ValueError, binascii.Error, TypeError, UnsupportedAlgorithm):  # a key type nobody reads: no key
        return []
    if key is None:
        return []
    return [PublicKey(client.attr("jwt.credential.kid") or key_id(key), None, key)]


def hardcoded_key(pem: str, configured_kid: str, kid: str | None, alg: str) -> Any | None:
    """An identity provider's ``publicKeySignatureVerifier`` for a token signed with ``alg`` and naming ``kid``
    (PublicKeyStorageManager.getIdentityProviderKeyWrapper's HardcodedPublicKeyLoader): the PEM public key, read
    for the algorithm's key type, held under ``publicKeySignatureVerifierKeyId`` when one is configured and else
    under the token's own ``kid``; None when no key is configured, it does not decode or suit ``alg``, or the
    token names another key id."""
    if not pem.strip():
        return None  # "No public key saved on identityProvider"
    held_as = configured_kid.strip() or kid
    if kid is not None and held_as != kid:
        return None
    try:
        key = serialization.load_der_public_key(_der(pem))
    except (ValueError, binascii.Error, TypeError, UnsupportedAlgorithm):  # an unknown key type checks nothing
        return None
    return key if suits(key, alg) else None


def pick(keys: list[PublicKey], kid: str | None, alg: str) -> Any | None:
    """The key the assertion names (by ``kid`` when it has one) that suits its algorithm."""
    for candidate in keys:
        if kid is not None and candidate.kid != kid:
            continue
        if candidate.alg is not None and candidate.alg != alg:
            continue
        if suits(candidate.key, alg):
            return candidate.key
    return None


class ClientKeys:
    """Per process: JWK sets fetched from clients' ``jwks.url``, kept as described above."""

    def __init__(self, clock: Clock, fetch: Fetch | None = None, fetch_request: Fetch | None = None) -> None:
        self.clock = clock
        self.fetch = fetch or fetch_jwks
        self.fetch_request = fetch_request or fetch_request_object
        # (owner, url, use) -> the keys, when they were fetched, and the stamp of the owner they were fetched for
        self._sets: dict[tuple[str, str, str], tuple[list[PublicKey], int, str]] = {}
        # the sets being fetched now: a request wanting one of them waits for that fetch instead of making another
        self._loading: dict[tuple[str, str, str], anyio.Event] = {}
        # by realm id: the realm's ``keys_cache_epoch`` as this process last read it (``observe``)
        self._epochs: dict[str, int] = {}

    async def _fetched(
        self, owner: str, name: str, url: str, force: bool, use: str = SIG, stamp: str = "", fetch: Fetch | None = None
    ) -> list[PublicKey]:
        """The set at ``url`` of ``owner`` (a client's id, or an identity provider's ``idp:`` key; ``name`` is how
        the log names it), kept for MAX_AGE while the owner's ``stamp`` is the one it was fetched for, fetched again
        when ``force`` and more than MIN_REFETCH has passed."""
        now = self.clock.now()
        cached = self._sets.get((owner, url, use))
        if cached is not None and cached[2] != stamp:
            cached = None  # the owner changed since: what was kept is dropped, its last fetch time with it
        if cached is not None:
            keys, fetched, _ = cached
            if now - fetched < MAX_AGE and not (force and now - fetched > MIN_REFETCH):
                return keys
        if fetch_outside.deferring():  # fetched with no transaction open, then asked again: found above
            later = functools.partial(self._fetched, owner, name, url, force, use, stamp, fetch)
            raise fetch_outside.FetchOutside(f"the JWK set of {name}", later)
        slot = (owner, url, use)
        running = self._loading.get(slot)
        if running is not None:  # reloadKeys' tasksInProgress: one fetch at a time, the others use what it got
            await running.wait()
            done = self._sets.get(slot)
            return done[0] if done is not None else []
        self._loading[slot] = running = anyio.Event()
        try:
            try:
                keys = parse_jwks(await (fetch or self.fetch)(url), use=use)
            except (OSError, ValueError) as err:
                log.warning("could not fetch the JWK set of %s from %s: %s", name, url, err)
                keys = cached[0] if cached is not None else []
            if len(self._sets) >= KEPT_SETS:
                self._sets.clear()
            self._sets[slot] = (keys, now, stamp)
        finally:
            del self._loading[slot]
            running.set()
        return keys

    async def _key(
        self, owner: str, name: str, url: str, kid: str | None, alg: str, stamp: str = "", fetch: Fetch | None = None
    ) -> Any | None:
        found = pick(await self._fetched(owner, name, url, force=False, stamp=stamp, fetch=fetch), kid, alg)
        if found is None:  # a rotated key: fetch again (rate-limited)
            found = pick(await self._fetched(owner, name, url, force=True, stamp=stamp, fetch=fetch), kid, alg)
        return found

    async def find(self, client: Client, kid: str | None, alg: str) -> Any | None:
        """The public key to check the client's assertion with, or None."""
        if client.attr_bool("use.jwks.url"):
            url = client.attr("jwks.url")
            return await self._key(client.id, f"client {client.client_id}", url, kid, alg) if url else None
        if client.attr_bool("use.jwks.string"):
            return pick(parse_jwks(client.attr("jwks.string"), use_when_missing=False), kid, alg)
        return pick(certificate_key(client), kid, alg)

    async def encryption_keys(self, client: Client, fresh: bool = False) -> list[PublicKey]:
        """The client's ``use: enc`` keys (ClientPublicKeyLoader with JWK.Use.ENCRYPTION): from ``jwks.url`` (kept
        as signature sets are; ``fresh`` fetches again, rate-limited) or ``jwks.string``; a certificate has none."""
        if client.attr_bool("use.jwks.url"):
            url = client.attr("jwks.url")
            return (
                await self._fetched(client.id, f"client {client.client_id}", url, force=fresh, use=ENC) if url else []
            )
        if client.attr_bool("use.jwks.string"):
            return parse_jwks(client.attr("jwks.string"), use_when_missing=False, use=ENC)
        return []

    async def provider_key(self, realm_id: str, provider: JSON, url: str, kid: str | None, alg: str) -> Any | None:
        """The key of an identity provider's JWK set (its ``jwksUrl``) for a token it signed (a login's ID token, a
        back-channel logout token), kept as clients' sets are (PublicKeyStorageManager.getIdentityProviderKeyWrapper)
        while the provider stays as stored: a login costs no request to the provider's keys, and a token anyone may
        post fetches the set at most once per MIN_REFETCH."""
        name = f"identity provider {provider.get('alias')}"
        return await self._key(_provider_owner(realm_id, provider), name, url, kid, alg, _stamp(provider))

    async def discovered_provider_key(
        self, realm_id: str, provider: JSON, url: str, fetch: Fetch, kid: str | None, alg: str
    ) -> Any | None:
        """``provider_key`` for a provider whose keys ``fetch`` finds from the document at ``url`` (a Kubernetes
        cluster's issuer discovery, broker/kubernetes.py), kept the same way."""
        name = f"identity provider {provider.get('alias')}"
        return await self._key(_provider_owner(realm_id, provider), name, url, kid, alg, _stamp(provider), fetch)

    def forget_provider(self, realm_id: str, provider: JSON) -> None:
        """Drop what this process keeps of the provider's keys (``reload-keys``): its next token fetches the set."""
        owner = _provider_owner(realm_id, provider)
        for key in [k for k in self._sets if k[0] == owner]:
            del self._sets[key]

    def clear(self) -> None:
        """Drop every set this process keeps (``clear-keys-cache``: InfinispanPublicKeyStorageProvider.clearCache
        empties the whole cache, not one realm's)."""
        self._sets.clear()

    def observe(self, realm: Realm) -> None:
        """The realm as a request read it, before any set is looked up for it. Another ``keys_cache_epoch`` than the
        one last read means clear-keys-cache ran since, through this process or another (InfinispanCachePublicKey-
        Provider.clearCache notifies the whole cluster): every set is dropped. Bounded: past KEPT_SETS realms, what
        was read of them is forgotten together with the sets."""
        seen = self._epochs.get(realm.id)
        if seen == realm.keys_cache_epoch:
            return
        if seen is not None or len(self._epochs) >= KEPT_SETS:
            self._sets.clear()
        if len(self._epochs) >= KEPT_SETS:
            self._epochs.clear()
        self._epochs[realm.id] = realm.keys_cache_epoch


def _provider_owner(realm_id: str, provider: JSON) -> str:
    return f"idp:{realm_id}:{provider.get('internalId') or provider.get('alias')}"


def _stamp(provider: JSON) -> str:
    """The provider as stored, digested: any update or a removal and re-creation makes another stamp."""
    text = json.dumps(provider, sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()
