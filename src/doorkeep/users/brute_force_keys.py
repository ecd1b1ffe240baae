"""Which failure counters a login attempt moves: Keycloak's BruteForceUserProperty.

The realm's ``bruteForceLockPolicy`` decides: ``USER`` (the default) counts per user id, as always;
``PROPERTIES`` counts per value of the properties ``bruteForceProtectedUserProperties`` names (``username``,
``email``, ``firstName``, ``lastName`` or any attribute), shared by every user holding that value; ``ANY``
counts both. A failed attempt moves the user-id counter (``USER``, ``ANY``) and the counters of the protected
properties whose value is the identifier the attempt typed (``PROPERTIES``, ``ANY``); every counter of the
user locks it. A property counter's key is a digest of the property and its value, never the value itself,
and it locks after ``bruteForcePropertyFailureFactor`` failures (unset: ``failureFactor``).
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Iterable

from doorkeep.model import Realm, User

ID = "id"
PROPERTY_KEY_PREFIX = "bf-property:"
LOCK_POLICIES = ("USER", "PROPERTIES", "ANY")  # RealmRepresentation.BruteForceLockPolicy


class UnprotectedProperty(ValueError):
    """A property the realm's policy does not protect (AttackDetectionResource's 400)."""

    def __init__(self, name: str) -> None:
        super().__init__(f"User property is not protected by brute force detection: {name}")


def protected_properties(realm: Realm) -> list[str]:
    """The properties counted, in order: ``id`` stands for the per-user counter."""
    configured = list(dict.fromkeys(realm.brute_force_protected_user_properties))
    if realm.brute_force_lock_policy == "PROPERTIES":
        return configured or [ID]
    if realm.brute_force_lock_policy == "ANY":
        return list(dict.fromkeys([ID, *configured]))
    return [ID]


def property_key(name: str, value: str) -> str:
    """The counter key of one property value: SHA-256 of ``name NUL value``, base64url without padding."""
    digest = hashlib.sha256(f"{name}\0{value}".encode()).digest()
    return PROPERTY_KEY_PREFIX + base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def is_property_key(key: str) -> bool:
    return key.startswith(PROPERTY_KEY_PREFIX)


def failure_factor(realm: Realm, key: str) -> int:
    """The failures that lock this counter."""
    if is_property_key(key) and realm.brute_force_property_failure_factor is not None:
        return realm.brute_force_property_failure_factor
    return realm.failure_factor


def _values(user: User, name: str) -> list[str]:
    builtin = {"username": user.username, "email": user.email, "firstName": user.first_name}
    if name in builtin or name == "lastName":
        value = user.last_name if name == "lastName" else builtin[name]
        return [] if value is None else [value]
    raw = user.attributes.get(name)
    items: Iterable[object] = raw if isinstance(raw, list) else ([] if raw is None else [raw])
    return [str(v) for v in items if v is not None]


def _normalize(name: str, value: str) -> str:
    """Java's ``trim()``; username and e-mail in lower case as well."""
    trimmed = value.strip("".join(chr(c) for c in range(33)))
    return trimmed.lower() if name in ("username", "email") else trimmed


def keys_of(realm: Realm, user: User, name: str) -> list[str]:
    """The counters of one protected property of ``user`` (none for a property without a value)."""
    if name not in protected_properties(realm):
        raise UnprotectedProperty(name)
    if name == ID:
        return [user.id]
    normalized = (_normalize(name, v) for v in _values(user, name) if v.strip())
    return list(dict.fromkeys(property_key(name, v) for v in normalized))


def all_keys(realm: Realm, user: User) -> list[str]:
    """Every counter that can lock ``user``."""
    return list(dict.fromkeys(k for name in protected_properties(realm) for k in keys_of(realm, user, name)))


def keys_for_attempt(realm: Realm, user: User, attempted: str | None) -> list[str]:
    """The counters a failed attempt on ``user`` moves, typed as ``attempted`` (None: the username)."""
    identifier = attempted if attempted and attempted.strip() else user.username
    if realm.brute_force_lock_policy not in ("PROPERTIES", "ANY"):
        return [user.id]
    keys = [user.id] if realm.brute_force_lock_policy == "ANY" else []
    for name in protected_properties(realm):
        if name == ID:
            keys.append(user.id)
            continue
        typed = _normalize(name, identifier)
        keys.extend(
            property_key(name, typed) for v in _values(user, name) if v.strip() and _normalize(name, v) == typed
        )
    return list(dict.fromkeys(keys))
