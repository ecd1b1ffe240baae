"""The revocation-trigger policy (a Doorkeep extension, issue #13 3(a); docs/revocation-triggers.md).

For each event that may end sessions (a trigger) the policy says which sessions it ends: ``none``,
``online``, ``offline`` or ``both``. The realm sets it with one attribute per trigger,
``revocation.trigger.<name>``; a client may override it with the same attribute. An absent attribute
means the default, which is exactly what Keycloak 26 does at that place. User triggers end the user's
sessions (each client session by the value of its own client); client triggers end the sessions of
that client. Pure: no web framework, no SQL.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

PREFIX = "revocation.trigger."


class Ends(enum.StrEnum):
    NONE = "none"
    ONLINE = "online"
    OFFLINE = "offline"
    BOTH = "both"

    @property
    def online(self) -> bool:
        return self in (Ends.ONLINE, Ends.BOTH)

    @property
    def offline(self) -> bool:
        return self in (Ends.OFFLINE, Ends.BOTH)


@dataclass(frozen=True)
class Trigger:
    name: str
    label: str  # what happens, as a sentence's subject ("A password change")
    default: Ends  # Keycloak 26's behaviour
    client_scoped: bool  # ends the sessions of one client (else: of one user)

    @property
    def attribute(self) -> str:
        return PREFIX + self.name


PASSWORD_CHANGE = Trigger("password-change", "A password change", Ends.NONE, False)
USER_DISABLED = Trigger("user-disabled", "Disabling a user", Ends.NONE, False)
CONSENT_REMOVAL = Trigger("consent-removal", "Removing a consent", Ends.BOTH, True)
SCOPE_REMOVAL = Trigger("scope-removal", "Removing an optional client scope", Ends.NONE, True)
SECRET_ROTATION = Trigger("client-secret-rotation", "Regenerating the client secret", Ends.NONE, True)
ADMIN_LOGOUT = Trigger("admin-logout", "An administrator's sign out of a user", Ends.BOTH, False)
ACCOUNT_LOGOUT = Trigger("account-logout", "Signing out of all devices in the Account Console", Ends.BOTH, False)

TRIGGERS: tuple[Trigger, ...] = (
    PASSWORD_CHANGE,
    USER_DISABLED,
    CONSENT_REMOVAL,
    SCOPE_REMOVAL,
    SECRET_ROTATION,
    ADMIN_LOGOUT,
    ACCOUNT_LOGOUT,
)
BY_NAME: dict[str, Trigger] = {t.name: t for t in TRIGGERS}
VALUES = tuple(e.value for e in Ends)

_WHAT = {
    Ends.NONE: "no sessions — sessions stay, and their tokens keep working",
    Ends.ONLINE: "online sessions — the user stays signed in on devices holding offline tokens",
    Ends.OFFLINE: "offline sessions — offline tokens stop working, browser sign-ins stay",
    Ends.BOTH: "online and offline sessions — the user must sign in again everywhere",
}


def invalid(attributes: Mapping[str, Any]) -> str | None:
    """The first policy attribute with an unknown trigger name or value, as an admin error; else None."""
    for key, value in attributes.items():
        if not key.startswith(PREFIX) or value is None or (isinstance(value, str) and not value.strip()):
            continue
        name = key[len(PREFIX) :]
        if name not in BY_NAME:
            return f"Unknown revocation trigger '{name}': expected one of {', '.join(BY_NAME)}"
        if str(value).strip() not in VALUES:
            return f"Invalid value for {key}: expected one of {', '.join(VALUES)}"
    return None


def _value(attributes: Mapping[str, Any], trigger: Trigger) -> Ends | None:
    raw = attributes.get(trigger.attribute)
    text = str(raw).strip() if raw is not None else ""
    return Ends(text) if text in VALUES else None


def realm_value(trigger: Trigger, realm_attributes: Mapping[str, Any]) -> Ends:
    """The realm's setting, or Keycloak's behaviour when it has none."""
    return _value(realm_attributes, trigger) or trigger.default


def client_override(trigger: Trigger, client_attributes: Mapping[str, Any]) -> Ends | None:
    return _value(client_attributes, trigger)


def resolve(trigger: Trigger, realm_attributes: Mapping[str, Any], client_attributes: Mapping[str, Any]) -> Ends:
    """What the trigger ends for one client: its override, else the realm's setting, else Keycloak's."""
    return client_override(trigger, client_attributes) or realm_value(trigger, realm_attributes)


def effect(trigger: Trigger, ends: Ends) -> str:
    """The setting in words, for the Admin Console."""
    scope = "of this client" if trigger.client_scoped else "of the user"
    what = _WHAT[ends]
    if ends is not Ends.NONE:
        head, _, tail = what.partition(" — ")
        what = f"{head} {scope} — {tail}"
    return f"{trigger.label} ends: {what}."


def policy(realm_attributes: Mapping[str, Any]) -> dict[str, Ends]:
    """Every trigger's realm value (for the console and the docs)."""
    return {t.name: realm_value(t, realm_attributes) for t in TRIGGERS}
