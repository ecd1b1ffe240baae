"""A realm's registered required actions (Keycloak's RequiredActionProviderModel), kept in the realm's config.

A realm that never changed them has Keycloak 26's defaults (DefaultRequiredActions.addActions: every action
of its ``Action`` enum whose feature a default server enables, TERMS_AND_CONDITIONS, delete_account and
UPDATE_EMAIL registered but disabled). Keycloak lists them by RequiredActionComparator: priority, then name.
The login runs only the registered, enabled ones (AuthenticationManager.getApplicableRequiredAction); the
others stay on the user. A new user created through the Admin REST API or by self-registration gets the
enabled ``defaultAction`` ones (JpaUserProvider.addUser with ``addDefaultRequiredActions``).
"""

from __future__ import annotations

import dataclasses
import uuid
from dataclasses import dataclass, field
from typing import Any

from doorkeep.model import JSON, Realm


@dataclass(frozen=True)
class RequiredAction:
    """One registered required action; ``alias`` is what users carry, ``provider_id`` what runs it."""

    alias: str
    name: str | None
    provider_id: str
    enabled: bool = True
    default_action: bool = False
    priority: int = 0
    config: dict[str, str] = field(default_factory=dict)
    id: str = ""


# (alias = provider id, name, enabled, priority): DefaultRequiredActions' add*Action methods, Keycloak 26.7
# (CONFIGURE_TOTP and UPDATE_PASSWORD after VERIFY_EMAIL: keycloak PR 47538, MigrateTo26_7_0).
_DEFAULTS = (
    ("VERIFY_EMAIL", "Verify Email", True, 50),
    ("UPDATE_PROFILE", "Update Profile", True, 40),
    ("CONFIGURE_TOTP", "Configure OTP", True, 54),
    ("UPDATE_PASSWORD", "Update Password", True, 57),
    ("TERMS_AND_CONDITIONS", "Terms and Conditions", False, 20),
    ("delete_account", "Delete Account", False, 60),
    ("delete_credential", "Delete Credential", True, 110),
    ("update_user_locale", "Update User Locale", True, 1000),
    ("UPDATE_EMAIL", "Update Email", False, 70),
    ("CONFIGURE_RECOVERY_AUTHN_CODES", "Recovery Authentication Codes", True, 130),
    ("webauthn-register", "Webauthn Register", True, 80),
    ("webauthn-register-passwordless", "Webauthn Register Passwordless", True, 90),
    ("VERIFY_PROFILE", "Verify Profile", True, 100),
    ("idp_link", "Linking Identity Provider", True, 120),
)
# The RequiredActionFactory ids a Keycloak 26 server deploys: what register-required-action accepts and
# unregistered-required-actions offers (each factory's getDisplayText is the name Keycloak gives it).
PROVIDERS = {alias: name for alias, name, _, _ in _DEFAULTS}


# The factories whose provider is a CredentialRegistrator in Keycloak 26: UpdateTotp, WebAuthnRegister and its
# WebAuthnPasswordlessRegister, RecoveryAuthnCodesAction (UpdatePassword is not one).
REGISTRATORS = frozenset(
    {"CONFIGURE_TOTP", "webauthn-register", "webauthn-register-passwordless", "CONFIGURE_RECOVERY_AUTHN_CODES"}
)


def credential_registrators(realm: Realm, unavailable: frozenset[str]) -> list[str]:
    """RealmAdminResource.getCredentialRegistrators: the provider ids of the realm's enabled required actions, in
    the realm's order, whose provider registers a credential (``unavailable``: providers a feature turned off,
    which the server does not deploy)."""
    return [a.provider_id for a in of(realm) if a.enabled and a.provider_id in REGISTRATORS - unavailable]


def defaults() -> tuple[RequiredAction, ...]:
    """A new realm's required actions, in Keycloak's order."""
    made = (RequiredAction(a, n, a, enabled, False, p, {}, _stable_id(a)) for a, n, enabled, p in _DEFAULTS)
    return tuple(ordered(made))


def _stable_id(alias: str) -> str:
    """An id for a default action of a realm that never stored its own (none is ever shown)."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"doorkeep:required-action:{alias}"))


def ordered(actions: Any) -> list[RequiredAction]:
    """RequiredActionComparator: by priority, then by name."""
    return sorted(actions, key=lambda a: (a.priority, a.name or ""))


def of(realm: Realm) -> list[RequiredAction]:
    """The realm's required actions, in Keycloak's order."""
    stored = realm.required_action_providers
    if stored is None:
        return list(defaults())
    return ordered(_from_json(item) for item in stored)


def by_alias(realm: Realm, alias: str) -> RequiredAction | None:
    return next((a for a in of(realm) if a.alias == alias), None)


def applicable(realm: Realm) -> dict[str, RequiredAction]:
    """The actions a login runs, by alias: registered and enabled (getApplicableRequiredAction)."""
    return {a.alias: a for a in of(realm) if a.enabled}


def default_actions(realm: Realm) -> tuple[str, ...]:
    """The aliases a new user starts with: enabled ``defaultAction`` ones, in Keycloak's order."""
    return tuple(a.alias for a in of(realm) if a.enabled and a.default_action)


def with_actions(realm: Realm, actions: list[RequiredAction]) -> Realm:
    """The realm keeping ``actions`` as its required actions."""
    return dataclasses.replace(realm, required_action_providers=tuple(_to_stored(a) for a in ordered(actions)))


def representation(action: RequiredAction) -> JSON:
    """RequiredActionProviderRepresentation, as AuthenticationManagementResource.toRepresentation fills it."""
    return {
        "alias": action.alias,
        "name": action.name,
        "providerId": action.provider_id,
        "enabled": action.enabled,
        "defaultAction": action.default_action,
        "priority": action.priority,
        "config": dict(action.config),
    }


def _to_stored(action: RequiredAction) -> JSON:
    return {"id": action.id or str(uuid.uuid4())} | representation(action)


def _from_json(item: JSON) -> RequiredAction:
    return RequiredAction(
        alias=str(item["alias"]),
        name=item.get("name"),
        provider_id=str(item.get("providerId") or item["alias"]),
        enabled=bool(item.get("enabled", False)),
        default_action=bool(item.get("defaultAction", False)),
        priority=int(item.get("priority") or 0),
        config={str(k): str(v) for k, v in (item.get("config") or {}).items()},
        id=str(item.get("id") or ""),
    )


def from_representation(rep: JSON) -> RequiredAction:
    """A RequiredActionProviderRepresentation of a realm file (RepresentationToModel.toModel): a missing
    ``enabled``, ``defaultAction`` or ``priority`` is false, false, 0 as Java's primitives default. The
    representation has no id: the action gets the one its alias gives, so importing (or migrating) the same
    realm twice stores the same actions."""
    return _from_json({k: v for k, v in rep.items() if k != "id"} | {"id": _stable_id(str(rep.get("alias")))})


def migrated_to_26_7(actions: list[RequiredAction]) -> list[RequiredAction]:
    """MigrateTo26_7_0.updatePasswordAfterEmailVerificationDuringRegistrationOfUsers: a realm without VERIFY_EMAIL
    is left alone; one with the old defaults (VERIFY_EMAIL 50, CONFIGURE_TOTP 10, UPDATE_PASSWORD 30) gets the new
    ones (54, 57); any other gets CONFIGURE_TOTP, then UPDATE_PASSWORD, on the first priorities after VERIFY_EMAIL's
    that no action held before the migration (getFirstAvailablePriorityAfter)."""
    by_alias = {a.alias: a for a in actions}
    verify, totp, password = (by_alias.get(alias) for alias in ("VERIFY_EMAIL", "CONFIGURE_TOTP", "UPDATE_PASSWORD"))
    if verify is None:
        return actions
    ranks: dict[str, int] = {}
    if (
        totp is not None
        and password is not None
        and (verify.priority, totp.priority, password.priority) == (50, 10, 30)
    ):
        ranks = {"CONFIGURE_TOTP": 54, "UPDATE_PASSWORD": 57}
    else:
        taken = [a.priority for a in actions]
        free = _first_free_after(verify.priority, taken)
        if totp is not None:
            ranks["CONFIGURE_TOTP"] = free
            free = _first_free_after(free, taken)
        if password is not None:
            ranks["UPDATE_PASSWORD"] = free
    return ordered(dataclasses.replace(a, priority=ranks.get(a.alias, a.priority)) for a in actions)


def _first_free_after(priority: int, taken: list[int]) -> int:
    """getFirstAvailablePriorityAfter: the first priority above ``priority`` none of ``taken`` holds."""
    for candidate in range(priority + 1, priority + len(taken) + 2):
        if candidate not in taken:
            return candidate
    return taken[-1] + 1  # unreachable: len(taken) + 1 candidates cannot all be taken


def raised(actions: list[RequiredAction], alias: str) -> list[RequiredAction]:
    """raiseRequiredActionPriority: swap priorities with the action listed before it (none: unchanged)."""
    index = next(i for i, a in enumerate(actions) if a.alias == alias)
    return actions if index == 0 else _swapped(actions, index - 1, index)


def lowered(actions: list[RequiredAction], alias: str) -> list[RequiredAction]:
    """lowerRequiredActionPriority: swap priorities with the action listed after it (none: unchanged)."""
    index = next(i for i, a in enumerate(actions) if a.alias == alias)
    return actions if index + 1 >= len(actions) else _swapped(actions, index, index + 1)


def _swapped(actions: list[RequiredAction], first: int, second: int) -> list[RequiredAction]:
    out = list(actions)
    a, b = out[first], out[second]
    out[first] = dataclasses.replace(a, priority=b.priority)
    out[second] = dataclasses.replace(b, priority=a.priority)
    return out


def next_priority(actions: list[RequiredAction]) -> int:
    """getNextRequiredActionPriority: one above the last listed action's, 0 for none."""
    return actions[-1].priority + 1 if actions else 0
