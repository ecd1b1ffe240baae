"""A user's admin representation as the user profile lets an administrator see it (UserProfile.toRepresentation
in the USER_API context): shared by ``GET users``, ``GET users/{id}`` and ``GET roles/{name}/users``."""

from __future__ import annotations

from typing import Any

from doorkeep.admin import user_profile as up_config
from doorkeep.model import Realm
from doorkeep.users import account_profile, declared, unmanaged


def shown(realm: Realm, rep: dict[str, Any]) -> dict[str, Any]:
    """The representation without the attributes an administrator may not view: the root ones whose permissions
    leave out ``admin`` (``users.account_profile.root_permissions``; ``emailVerified`` stays, as
    ModelToRepresentation sets it) and the declared ones whose permissions leave out ``admin``, the unmanaged ones
    the realm's policy hides from the admin API, and the locale while internationalization is off."""
    config = up_config.config_of(realm)
    seen = account_profile.readable(realm, declared.USER_API)
    for name in account_profile.ATTRIBUTES:
        if name not in seen:
            rep.pop(name, None)
    if "attributes" in rep:
        rep["attributes"] = declared.shown(config, declared.USER_API, rep["attributes"])
        if up_config.enforced(realm):
            policy = up_config.unmanaged_policy(realm)
            rep["attributes"] = unmanaged.shown(config, policy, declared.USER_API, rep["attributes"])
        if not realm.internationalization_enabled:  # the locale's read condition (users.unmanaged)
            rep["attributes"].pop("locale", None)
        if not rep["attributes"]:
            del rep["attributes"]
    return rep
