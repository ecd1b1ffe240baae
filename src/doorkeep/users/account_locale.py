"""The ``locale`` attribute Keycloak's user profile manages itself while the realm is internationalized
(DeclarativeUserProfileProviderFactory's default metadata: ``locale`` readable and writable exactly when
``isInternationalizationEnabled``, never required, display name its own name), unless the configuration
declares it. In the ACCOUNT context it is shown, listed in ``userProfileMetadata`` and written as the body sends
it (left out: removed, as any editable attribute the body leaves out); in a realm that is not internationalized
it is neither shown nor writable, so the user's stays (AccountRestServiceWithUserProfileTest
.testManageUserLocaleAttribute)."""

from __future__ import annotations

from typing import Any

from doorkeep.model import Realm
from doorkeep.users import declared

LOCALE = "locale"  # UserModel.LOCALE


def managed(realm: Realm, config: dict[str, Any]) -> bool:
    """Whether the user profile manages ``locale`` here (internationalized, not declared by the configuration)."""
    return realm.internationalization_enabled and LOCALE not in declared.names(config)


def metadata() -> dict[str, Any]:
    """Its UserProfileAttributeMetadata."""
    return {
        "name": LOCALE,
        "displayName": LOCALE,
        "required": False,
        "readOnly": False,
        "validators": {},
        "multivalued": False,
    }


def shown(realm: Realm, config: dict[str, Any], attributes: dict[str, Any]) -> dict[str, list[str]]:
    """The user's locale as the representation's ``attributes`` holds it (nothing when not managed or unset)."""
    if not managed(realm, config) or LOCALE not in attributes:
        return {}
    values = declared.as_values(attributes[LOCALE])
    return {LOCALE: values} if values else {}


def written(
    realm: Realm,
    config: dict[str, Any],
    attributes: dict[str, Any],
    sent: dict[str, Any] | None,
    current: dict[str, Any],
) -> dict[str, Any]:
    """``attributes`` to store with the locale the body sent (managed), or the user's own (not managed)."""
    if LOCALE in declared.names(config):
        return attributes
    out = {k: v for k, v in attributes.items() if k != LOCALE}
    values = declared.as_values((sent or {}).get(LOCALE)) if managed(realm, config) else None
    if values is None:
        values = declared.as_values(current.get(LOCALE))
    if values:
        out[LOCALE] = values
    return out
