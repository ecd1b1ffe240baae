"""A user's admin representation as the user profile lets an administrator see it (UserProfile.toRepresentation
in the USER_API context): shared by ``GET users``, ``GET users/{id}``, ``GET roles/{name}/users`` and ``GET
ui-ext/brute-force-user``."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from doorkeep.admin import user_profile as up_config
from doorkeep.admin.representations import user_to_brief_json, user_to_json
from doorkeep.model import Realm, User
from doorkeep.users import account_profile, brute_force, declared, otp, unmanaged

if TYPE_CHECKING:
    from doorkeep.store.tx import Tx


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


async def listed(tx: Tx, realm: Realm, users: list[User], now: int, *, brief: bool) -> list[dict[str, Any]]:
    """UsersResource.toRepresentation: each found user's representation, brief or full, showing a lockout."""
    found = await brute_force.shown(tx, realm, users, now)
    if brief:
        return [shown(realm, {**user_to_brief_json(u), "access": {"manage": True}}) for u in found]
    with_otp = await otp.configured_for(tx, [u.id for u in found])
    return [shown(realm, user_to_json(u, totp=u.id in with_otp)) for u in found]
