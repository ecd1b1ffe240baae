"""The revocation-trigger policy as a table (sessions/revocation_triggers.py)."""

from __future__ import annotations

import pytest

from doorkeep.sessions import revocation_triggers as rt
from doorkeep.sessions.revocation_triggers import Ends

KEYCLOAK_DEFAULTS = {
    "password-change": Ends.NONE,
    "user-disabled": Ends.NONE,
    "consent-removal": Ends.BOTH,
    "scope-removal": Ends.NONE,
    "client-secret-rotation": Ends.NONE,
    "admin-logout": Ends.BOTH,
    "account-logout": Ends.BOTH,  # Keycloak 26.5+ (PR #45112)
}


def test_with_no_attributes_every_trigger_does_what_keycloak_does() -> None:
    assert rt.policy({}) == KEYCLOAK_DEFAULTS


@pytest.mark.parametrize(
    ("realm", "client", "expected"),
    [
        ({}, {}, Ends.NONE),
        ({"revocation.trigger.password-change": "online"}, {}, Ends.ONLINE),
        ({}, {"revocation.trigger.password-change": "offline"}, Ends.OFFLINE),
        ({"revocation.trigger.password-change": "online"}, {"revocation.trigger.password-change": "both"}, Ends.BOTH),
        ({"revocation.trigger.password-change": "both"}, {"revocation.trigger.password-change": "none"}, Ends.NONE),
        ({"revocation.trigger.password-change": " offline "}, {}, Ends.OFFLINE),
        ({"revocation.trigger.password-change": "both"}, {"revocation.trigger.password-change": ""}, Ends.BOTH),
        ({"revocation.trigger.user-disabled": "both"}, {}, Ends.NONE),
    ],
)
def test_a_client_override_wins_over_the_realm_which_wins_over_keycloak(
    realm: dict[str, str], client: dict[str, str], expected: Ends
) -> None:
    assert rt.resolve(rt.PASSWORD_CHANGE, realm, client) is expected


@pytest.mark.parametrize(
    ("value", "online", "offline"),
    [(Ends.NONE, False, False), (Ends.ONLINE, True, False), (Ends.OFFLINE, False, True), (Ends.BOTH, True, True)],
)
def test_each_value_names_the_kinds_of_session_it_ends(value: Ends, online: bool, offline: bool) -> None:
    assert (value.online, value.offline) == (online, offline)


@pytest.mark.parametrize(
    ("attributes", "problem"),
    [
        ({}, None),
        ({"frontendUrl": "https://x"}, None),
        ({"revocation.trigger.admin-logout": "online"}, None),
        ({"revocation.trigger.admin-logout": ""}, None),
        ({"revocation.trigger.admin-logout": None}, None),
        (
            {"revocation.trigger.email-change": "both"},
            "Unknown revocation trigger 'email-change': expected one of password-change, user-disabled, "
            "consent-removal, scope-removal, client-secret-rotation, admin-logout, account-logout",
        ),
        (
            {"revocation.trigger.admin-logout": "all"},
            "Invalid value for revocation.trigger.admin-logout: expected one of none, online, offline, both",
        ),
        (
            {"revocation.trigger.admin-logout": "BOTH"},
            "Invalid value for revocation.trigger.admin-logout: expected one of none, online, offline, both",
        ),
    ],
)
def test_unknown_trigger_names_and_values_are_named_in_the_error(attributes: dict[str, str], problem: str) -> None:
    assert rt.invalid(attributes) == problem


@pytest.mark.parametrize(
    ("trigger", "ends", "sentence"),
    [
        (
            rt.PASSWORD_CHANGE,
            Ends.ONLINE,
            "A password change ends: online sessions of the user — the user stays signed in on devices "
            "holding offline tokens.",
        ),
        (
            rt.PASSWORD_CHANGE,
            Ends.NONE,
            "A password change ends: no sessions — sessions stay, and their tokens keep working.",
        ),
        (
            rt.SECRET_ROTATION,
            Ends.OFFLINE,
            "Regenerating the client secret ends: offline sessions of this client — offline tokens stop working, "
            "browser sign-ins stay.",
        ),
        (
            rt.CONSENT_REMOVAL,
            Ends.BOTH,
            "Removing a consent ends: online and offline sessions of this client — the user must sign in again "
            "everywhere.",
        ),
    ],
)
def test_the_effect_is_spelled_out_for_the_console(trigger: rt.Trigger, ends: Ends, sentence: str) -> None:
    assert rt.effect(trigger, ends) == sentence


def test_client_triggers_are_the_consent_scope_and_secret_ones() -> None:
    assert {t.name for t in rt.TRIGGERS if t.client_scoped} == {
        "consent-removal",
        "scope-removal",
        "client-secret-rotation",
    }
