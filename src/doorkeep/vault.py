"""Keycloak's vault: ``${vault.<key>}`` references in a realm's secrets, read from files or a PKCS#12 keystore.

DefaultVaultTranscriber: a value that is a whole ``${vault.<key>}`` (``^\\$\\{vault\\.(.+?)}$``) names a vault entry;
anything else is the secret itself. AbstractVaultProvider turns the key into an entry name with each configured key
resolver in turn (REALM_UNDERSCORE_KEY by default: ``realm_key`` with ``_`` doubled in both) and answers the first
entry found; a key holding ``/``, or a name that would leave the vault directory, answers nothing at all.
FilesPlainTextVaultProvider reads the entry's file (its bytes as they are, no newline trimmed) at each use, so a
rotated file counts at once; FilesKeystoreVaultProvider reads the keystore's secret entry of that alias, the
keystore opened at each use too. A reference that finds nothing resolves to None: a client's secret then matches
nothing. What Doorkeep sends to another server (an identity provider's client secret, the SMTP password) falls
back to the stored value, as Keycloak's ``vaultStringSecret.get().orElse(stored)`` does: that server refuses it.

The resolved secret is never logged: a failed look-up logs the key only.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from doorkeep.admin import pkcs12_files

log = logging.getLogger("doorkeep.vault")

REFERENCE = re.compile(r"\$\{vault\.(.+?)}", re.DOTALL)  # DefaultVaultTranscriber's pattern, matched whole
SEPARATOR = "/"  # File.separator on the platforms Keycloak's images run

Resolver = Callable[[str, str], str]


def _doubled(value: str) -> str:
    return value.replace("_", "__")


RESOLVERS: dict[str, Resolver] = {  # AbstractVaultProviderFactory.AvailableResolvers
    "KEY_ONLY": lambda realm, key: _doubled(key),
    "REALM_UNDERSCORE_KEY": lambda realm, key: _doubled(realm) + "_" + _doubled(key),
    "REALM_FILESEPARATOR_KEY": lambda realm, key: realm + SEPARATOR + key,
}
# FACTORY_PROVIDED: the built-in factories do not override getFactoryResolver, so Keycloak skips it (an invalid
# resolver); the same here.
DEFAULT_RESOLVERS = ("REALM_UNDERSCORE_KEY",)
KEYSTORE_ENTRIES_KEPT = 256  # a keystore's entries (each version) kept decrypted


class VaultConfigError(ValueError):
    """A vault option Keycloak refuses at start (VaultConfigurationException, VaultNotFoundException)."""


def reference_key(value: str | None) -> str | None:
    """The key of a ``${vault.<key>}`` value, None for any other value (a literal secret)."""
    if value is None:
        return None
    found = REFERENCE.fullmatch(value)
    return found.group(1) if found else None


def resolvers_named(names: str | None) -> tuple[str, ...]:
    """The key resolvers a comma-separated list names (trimmed, any case); unknown names are skipped, and a list
    naming none that exists is refused, as AbstractVaultProviderFactory.init does."""
    if names is None:
        return DEFAULT_RESOLVERS
    known = tuple(n.strip().upper() for n in names.split(",") if n.strip().upper() in RESOLVERS)
    if not known:
        raise VaultConfigError("Unable to initialize factory - all provided key resolvers are invalid")
    return known


@dataclass(frozen=True)
class Vault:
    """The configured vault provider; ``NONE`` when ``--vault`` is unset (every reference resolves to nothing)."""

    kind: str | None = None  # "file" or "keystore"
    directory: Path | None = None
    keystore: Path | None = None
    keystore_password: str = field(default="", repr=False)
    keystore_type: str = "PKCS12"
    resolvers: tuple[str, ...] = DEFAULT_RESOLVERS
    # Decrypted keystore entries by (modification time, size, inode, entry), for this vault's file and password.
    _entries: dict[tuple[int, int, int, str], bytes | None] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )

    def secret(self, realm: str, value: str | None) -> str | None:
        """VaultTranscriber.getStringSecret: ``value`` itself unless it is a reference, else the vault's entry."""
        key = reference_key(value)
        if key is None:
            return value
        raw = self.obtain(realm, key)
        return None if raw is None else raw.decode("utf-8", errors="replace")

    def secret_or_stored(self, realm: str, value: str) -> str:
        """What Keycloak sends to another server (an identity provider's token endpoint, the SMTP server):
        ``getStringSecret(value).get().orElse(value)``, the stored value itself when the vault has no entry."""
        found = self.secret(realm, value)
        return value if found is None else found

    def obtain(self, realm: str, key: str) -> bytes | None:
        """AbstractVaultProvider.obtainSecret: every resolver's name validated first, then tried in order."""
        if self.kind is None:
            return None
        names = [(resolver, RESOLVERS[resolver](realm, key)) for resolver in self.resolvers]
        for resolver, name in names:
            if not self._valid(resolver, realm, key, name):
                log.warning("vault: refused the key %r (it would leave the vault)", key)
                return None
        for _, name in names:
            found = self._read(name)
            if found is not None:
                return found
        log.warning("vault: no secret for the key %r", key)
        return None

    def _valid(self, resolver: str, realm: str, key: str, name: str) -> bool:
        """AbstractVaultProvider.validate (no separator in the key) and, for files, the entry's parent must be the
        vault directory (the realm's folder under REALM_FILESEPARATOR_KEY)."""
        if SEPARATOR in key or "\x00" in name:
            return False
        if self.kind != "file" or self.directory is None:
            return True
        base = Path(self.directory)
        expected = base / realm if resolver == "REALM_FILESEPARATOR_KEY" else base
        parts = name.split(SEPARATOR)
        if any(part in ("", ".", "..") for part in parts):
            return False  # Path.resolve in Java keeps "..": its parent would not be the expected one
        return (base / name).parent == expected

    def _read(self, name: str) -> bytes | None:
        if self.kind == "file" and self.directory is not None:
            path = self.directory / name
            try:
                return path.read_bytes() if path.is_file() else None
            except OSError:
                return None
        if self.kind == "keystore" and self.keystore is not None:
            try:
                return self._keystore_entry(self.keystore, name)
            except (OSError, ValueError, IndexError):
                log.warning("vault: the keystore could not be read")
                return None
        return None

    def _keystore_entry(self, path: Path, name: str) -> bytes | None:
        """The keystore's entry, decrypted again only when the file changed: its MAC check and the entry's PBES2
        are a PBKDF2 each (milliseconds, on the event loop of every client authentication that reads it). A
        rewritten keystore has another modification time, size or inode, so rotation counts at once, as
        FilesKeystoreVaultProvider's reading at each use does."""
        stat = path.stat()
        version = (stat.st_mtime_ns, stat.st_size, stat.st_ino, name)
        if version in self._entries:
            return self._entries[version]
        found = pkcs12_files.read_secret(path.read_bytes(), self.keystore_password, name)
        if len(self._entries) >= KEYSTORE_ENTRIES_KEPT:
            self._entries.clear()
        self._entries[version] = found
        return found


NONE = Vault()


def configured(
    kind: str | None,
    directory: str | None,
    keystore: str | None,
    password: str | None,
    keystore_type: str | None,
    resolvers: str | None,
) -> Vault:
    """The vault the options describe, checked as Keycloak's factories check them at start."""
    if kind is None:
        return NONE
    names = resolvers_named(resolvers)
    if kind == "file":
        if directory is None:
            return NONE  # FilesPlainTextVaultProviderFactory: "not configured", no vault
        if not Path(directory).exists():
            raise VaultConfigError(f"The {Path(directory).absolute()} directory doesn't exist")
        return Vault("file", directory=Path(directory).absolute(), resolvers=names)
    if kind == "keystore":
        if keystore is None:
            return NONE
        if not Path(keystore).exists():
            raise VaultConfigError(f"The vault does not exist on the path {Path(keystore).absolute()}")
        if password is None:
            return NONE  # "Password for the vault keystore is not configured"
        kind_of_store = (keystore_type or "PKCS12").upper()
        if kind_of_store != "PKCS12":
            raise VaultConfigError(f"--vault-type {keystore_type}: Doorkeep reads PKCS12 keystores only")
        return Vault("keystore", keystore=Path(keystore).absolute(), keystore_password=password, resolvers=names)
    raise VaultConfigError(f"--vault {kind}: expected file or keystore")


@dataclass(frozen=True)
class RealmVault:
    """The vault bound to one realm (its name is what the resolvers put in entry names)."""

    vault: Vault
    realm: str

    def secret(self, value: str | None) -> str | None:
        return self.vault.secret(self.realm, value)

    def secret_or_stored(self, value: str) -> str:
        return self.vault.secret_or_stored(self.realm, value)
