"""The per-process cache of parsed realm keys, loaded from the store on demand."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from doorkeep.keys import components, material
from doorkeep.keys.material import LoadedKey

if TYPE_CHECKING:
    from doorkeep.store.tx import Tx


def _provider_order(key: LoadedKey) -> tuple[int, str]:
    """DefaultKeyManager's ProviderComparator: the higher priority first, then the lower component id."""
    return -key.priority, key.component_id


@dataclass
class RealmKeys:
    """A realm's enabled keys. Two providers may hold one key (one kid, as Keycloak derives an RSA or EC key's kid
    from its public key): each is listed, and a kid with an algorithm names the first of them in provider order.
    A signing key is named by kid *and* algorithm (DefaultKeyManager.getKey(realm, kid, SIG, alg) matches the key's
    algorithm exactly): the kid of an RS256 key with PS256, or of an HMAC key with RS256, names no key."""

    signing: list[LoadedKey] = field(default_factory=list)  # the keys that sign and verify
    encrypting_keys: list[LoadedKey] = field(default_factory=list)  # the keys that encrypt and decrypt
    by_kid: dict[tuple[str, str], LoadedKey] = field(default_factory=dict)  # (kid, algorithm): the signing keys
    enc_by_kid: dict[str, LoadedKey] = field(default_factory=dict)
    realm_id: str = ""
    version: int | None = None  # the realm's config version when read (None: read outside a bound transaction)
    _active: dict[str, LoadedKey | None] = field(default_factory=dict, repr=False, compare=False)
    # The first moment (epoch seconds) an active key's certificate expires: the answers of ``active`` hold till then.
    _until: int | None = field(default=None, repr=False, compare=False)

    def add(self, key: LoadedKey) -> None:
        if key.use == "enc":
            self.encrypting_keys.append(key)
            kept = self.enc_by_kid.get(key.kid)
            if kept is None or _provider_order(key) < _provider_order(kept):
                self.enc_by_kid[key.kid] = key
            return
        self.signing.append(key)
        name = (key.kid, key.algorithm)
        named = self.by_kid.get(name)
        if named is None or _provider_order(key) < _provider_order(named):
            self.by_kid[name] = key
        self._active.clear()
        ends = [k.not_after for k in self.signing if k.not_after is not None and k.status == "active"]
        self._until = min(ends, default=None)

    def active(self, alg: str, now: int) -> LoadedKey | None:
        """DefaultKeyManager.getActiveKey: the active key of ``alg`` of the highest priority (then the lowest
        component id). Only a key of exactly ``alg`` (DefaultKeyManager.matches: an RS256 key does not sign PS256;
        without one, ``signing_key`` makes a ``fallback-{alg}`` key). Worked out once per algorithm: every token of
        the realm asks (issue #8); ``add`` forgets it, and so does the expiry of an imported key's certificate (that
        key turns passive)."""
        if self._until is not None and now > self._until:
            self._active.clear()
            ends = [k.not_after for k in self.signing if k.not_after is not None and k.not_after >= now]
            self._until = min(ends, default=None)
        if alg in self._active:
            return self._active[alg]
        found = self._active[alg] = self._rank(alg, now)
        return found

    def encrypting(self, alg: str) -> LoadedKey | None:
        """DefaultKeyManager.getActiveKey(realm, KeyUse.ENC, alg): the active encryption key of ``alg`` of the
        highest priority (then the lowest component id)."""
        ranked = sorted(
            (k for k in self.encrypting_keys if k.status == "active" and k.algorithm == alg), key=_provider_order
        )
        return ranked[0] if ranked else None

    def _rank(self, alg: str, now: int) -> LoadedKey | None:
        ranked = sorted((k for k in self.signing if material.signs_at(k, now)), key=_provider_order)
        return next((k for k in ranked if k.algorithm == alg), None)


class KeyRing:
    """Parsed keys per realm. Parsing a PEM is slow; verifying with a parsed key is fast.

    What is kept of a realm is read again when a transaction bound to that realm sees another config version
    (store/config_cache.py): a realm deleted and created again under the same id by another process (a realm
    JSON imported again) has new keys, and its versions never repeat its predecessor's (store/realms.py). Every
    key written bumps that version, a fallback key too, so another process's change is seen at the next request.
    A transaction bound to no realm has no version to compare: it reads the rows again (parsing only new keys), as
    every unbound lookup of the config cache goes to the repositories."""

    def __init__(self) -> None:
        self._realms: dict[str, RealmKeys] = {}

    def _kept(self, tx: Tx, realm_id: str) -> RealmKeys | None:
        kept = self._realms.get(realm_id)
        if kept is None:
            return None
        version = tx.config.version_of(realm_id)
        return kept if version is not None and version == kept.version else None

    @staticmethod
    def _current(tx: Tx, kept: RealmKeys) -> bool:
        """Whether ``kept`` was read under the config version this transaction sees: every write of a realm's key
        rows advances it (store/keys.py), so a kid it does not hold names no key, and the rows need not be read
        again. A token's header is the caller's to choose: without this, each token naming a new kid made its
        request read them (userinfo, introspection, logout hints, the account and admin APIs). Unbound (version
        None), the rows are read again."""
        return kept.version is not None and kept.version == tx.config.version_of(kept.realm_id)

    async def _load(self, tx: Tx, realm_id: str) -> RealmKeys:
        """Re-read the realm's key rows; parse only keys not parsed before (a PEM parse costs milliseconds,
        and a token with an unknown ``kid`` must not make every request pay it again)."""
        before = self._realms.get(realm_id, RealmKeys())
        known = {(k.kid, k.component_id): k for k in (*before.signing, *before.encrypting_keys)}
        loaded = RealmKeys(realm_id=realm_id, version=tx.config.version_of(realm_id))
        for row in await tx.keys.list(realm_id):
            if row.status == "disabled":
                continue
            parsed = known.get((row.kid, row.component_id))
            if parsed is None:
                parsed = material.load(row)
            else:
                current = (row.status, row.priority, row.component_id, components.certificate_expiry(row))
                if (parsed.status, parsed.priority, parsed.component_id, parsed.not_after) != current:
                    status, priority, component_id, not_after = current
                    parsed = dataclasses.replace(
                        parsed, status=status, priority=priority, component_id=component_id, not_after=not_after
                    )
            loaded.add(parsed)
        self._realms[realm_id] = loaded
        return loaded

    async def signing_key(self, tx: Tx, realm_id: str, alg: str, now: int, kid: str | None = None) -> LoadedKey:
        """The active key for ``alg``, created on first need (e.g. a client asking for ES256). ``kid``: the key a
        client names (its ``*.signed.response.kid``), used while it is a signing key of ``alg``; else the active one
        (Keycloak 26.8, OIDCSigningKeySelectionTest's fallbacks)."""
        realm_keys = self._kept(tx, realm_id) or await self._load(tx, realm_id)
        if kid is not None:
            named = realm_keys.by_kid.get((kid, alg))
            if named is not None and material.signs_at(named, now):
                return named
        key = realm_keys.active(alg, now)
        return key if key is not None else await self._fallback(tx, realm_id, alg, now, lambda k: k.active(alg, now))

    async def _fallback(
        self, tx: Tx, realm_id: str, alg: str, now: int, pick: Callable[[RealmKeys], LoadedKey | None]
    ) -> LoadedKey:
        """The key ``pick`` finds in the realm's keys read again, else DefaultKeyManager.createFallbackKeys: a
        ``fallback-{alg}`` key, stored and kept. The reading waits for any other process making one of the realm
        (``keys.serialize_fallback``): two asking at once make one key, the later using the earlier's. Keycloak
        takes no lock there, and two nodes may each add one."""
        await tx.keys.serialize_fallback(realm_id)
        realm_keys = await self._load(tx, realm_id)
        found = pick(realm_keys)
        if found is not None:
            return found
        new = material.generate(realm_id, alg, now, fallback=True)
        await tx.keys.add_fallback(new)
        key = material.load(new)
        realm_keys.add(key)
        return key

    async def active_key(self, tx: Tx, realm_id: str, alg: str, now: int) -> LoadedKey | None:
        """The active key of exactly ``alg``, or None (none is made): the key a JWT without ``kid`` names."""
        realm_keys = self._kept(tx, realm_id) or await self._load(tx, realm_id)
        key = realm_keys.active(alg, now)
        return key if key is not None and key.algorithm == alg else None

    async def encryption_key(self, tx: Tx, realm_id: str, alg: str, now: int) -> LoadedKey:
        """The realm's active encryption key of ``alg`` (AES, RSA-OAEP), a ``fallback-{alg}`` one made on first
        need as Keycloak's createFallbackKeys does."""
        realm_keys = self._kept(tx, realm_id) or await self._load(tx, realm_id)
        key = realm_keys.encrypting(alg)
        return key if key is not None else await self._fallback(tx, realm_id, alg, now, lambda k: k.encrypting(alg))

    async def decryption_key(self, tx: Tx, realm_id: str, kid: str) -> LoadedKey | None:
        """The realm's encryption key ``kid`` (active or passive), to decrypt what was encrypted to it."""
        realm_keys = self._kept(tx, realm_id)
        if realm_keys is None or (kid not in realm_keys.enc_by_kid and not self._current(tx, realm_keys)):
            realm_keys = await self._load(tx, realm_id)
        return realm_keys.enc_by_kid.get(kid)

    async def request_decryption_key(self, tx: Tx, realm_id: str, kid: str | None) -> LoadedKey | None:
        """DefaultTokenManager.decodeClientJWT's key for a JWE a client encrypted to the realm: the encryption key
        ``kid``, or without one the asymmetric encryption key of the highest priority."""
        if kid is not None:
            return await self.decryption_key(tx, realm_id, kid)
        realm_keys = self._kept(tx, realm_id) or await self._load(tx, realm_id)
        asymmetric = sorted(
            (k for k in realm_keys.encrypting_keys if not isinstance(k.verifying, bytes)), key=_provider_order
        )
        return asymmetric[0] if asymmetric else None

    async def verification_key(self, tx: Tx, realm_id: str, kid: str, alg: str) -> LoadedKey | None:
        """DefaultKeyManager.getKey(realm, kid, SIG, alg): the enabled signing key ``kid`` of exactly ``alg``
        (active or passive), or None; a token's header names both."""
        realm_keys = self._kept(tx, realm_id)
        if realm_keys is None or ((kid, alg) not in realm_keys.by_kid and not self._current(tx, realm_keys)):
            realm_keys = await self._load(tx, realm_id)
        return realm_keys.by_kid.get((kid, alg))

    async def public_keys(self, tx: Tx, realm_id: str) -> list[LoadedKey]:
        """The realm's enabled asymmetric keys, signing ones then encrypting ones (the JWKS)."""
        realm_keys = self._kept(tx, realm_id) or await self._load(tx, realm_id)
        every = [*realm_keys.signing, *realm_keys.encrypting_keys]  # a kid two providers hold: listed twice
        return [k for k in every if not isinstance(k.verifying, bytes)]

    def forget(self, realm_id: str) -> None:
        self._realms.pop(realm_id, None)
