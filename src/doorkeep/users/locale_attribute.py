"""The user's ``locale`` attribute in the user profile's ACCOUNT and USER_API contexts (Keycloak 26's
DeclarativeUserProfileProviderFactory.createAccountProfile and createUserResourceValidation).

Both contexts declare ``locale`` themselves, outside the realm's configuration: GUI order -1 (so it comes
before every configured attribute in ``userProfileMetadata``), no display name, no validators, never required,
and ``isInternationalizationEnabled`` as both its read and its write condition. So, with the realm's
internationalization on:

- ``userProfileMetadata`` lists it first (UserProfileUtil.createUserProfileMetadata: a readable attribute,
  sorted by GUI order; Jackson leaves out its null display name, annotations and group);
- the Account REST ``GET /account`` shows a non-blank one under ``attributes`` (DefaultUserProfile.toRepresentation
  keeps it there, the only root attribute without a field of its own);
- ``POST /account`` writes it, and a body without it removes it (``update(true)``: a writable attribute not sent
  is empty; AccountRestServiceTest.testManageUserLocaleAttribute).

With it off the attribute is neither shown nor written: the user's stored value stays, unseen, and shows again
once internationalization is back on. A realm configuration that declares ``locale`` itself keeps its own
declaration (``users.declared``), and this module stands aside.
"""

from __future__ import annotations

from typing import Any

from doorkeep.model import Realm
from doorkeep.users import declared

NAME = "locale"


def applies(realm: Realm, config: dict[str, Any]) -> bool:
    """The built-in ``locale`` attribute is readable and writable: internationalization on, and the
    configuration does not declare ``locale`` itself."""
    return realm.internationalization_enabled and NAME not in declared.names(config)


def metadata(realm: Realm, config: dict[str, Any]) -> list[dict[str, Any]]:
    """The attribute's UserProfileAttributeMetadata, as a list of none or one."""
    if not applies(realm, config):
        return []
    return [{"name": NAME, "required": False, "readOnly": False, "validators": {}, "multivalued": False}]


def shown(realm: Realm, config: dict[str, Any], attributes: dict[str, Any]) -> dict[str, list[str]]:
    """The user's locale as the representation's ``attributes`` carry it: its non-blank values, or nothing."""
    if not applies(realm, config):
        return {}
    values = [v for v in declared.as_values(attributes.get(NAME)) if v.strip()]
    return {NAME: values} if values else {}


def written(
    realm: Realm, config: dict[str, Any], attributes: dict[str, Any], sent: dict[str, Any] | None
) -> dict[str, Any]:
    """``attributes`` with the locale an Account REST update leaves: the non-blank values sent, none (removed)
    when the body has none; while the attribute is not writable, ``attributes`` as they are."""
    if not applies(realm, config):
        return attributes
    out = {k: v for k, v in attributes.items() if k != NAME}
    values = [v for v in declared.as_values((sent or {}).get(NAME)) if v.strip()]
    if values:
        out[NAME] = values
    return out
