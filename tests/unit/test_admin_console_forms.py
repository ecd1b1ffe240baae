"""The Admin Console's forms: durations in the units a person reads, and errors in words."""

from __future__ import annotations

import pytest

from doorkeep.model import Client, Realm
from doorkeep.web.admin_console import views_clients, views_realm
from doorkeep.web.admin_console.context import Page, paging, within
from doorkeep.web.admin_console.forms import FormErrors
from doorkeep.web.admin_console.timefields import FieldError, TimeValue, from_form, to_form

REALM = Realm(id="r1", name="demo")
SESSIONS_FORM = {
    "ssoSessionIdleTimeout": "30",
    "ssoSessionIdleTimeout.unit": "minutes",
    "ssoSessionMaxLifespan": "10",
    "ssoSessionMaxLifespan.unit": "hours",
    "clientSessionIdleTimeout": "",
    "clientSessionIdleTimeout.unit": "minutes",
    "clientSessionMaxLifespan": "",
    "clientSessionMaxLifespan.unit": "minutes",
    "offlineSessionIdleTimeout": "30",
    "offlineSessionIdleTimeout.unit": "days",
    "offlineSessionMaxLifespan": "60",
    "offlineSessionMaxLifespan.unit": "days",
    "clientOfflineSessionIdleTimeout": "",
    "clientOfflineSessionIdleTimeout.unit": "minutes",
    "clientOfflineSessionMaxLifespan": "",
    "clientOfflineSessionMaxLifespan.unit": "minutes",
}


@pytest.mark.parametrize(
    ("seconds", "shown"),
    [
        (0, TimeValue("", "minutes")),
        (45, TimeValue("45", "seconds")),
        (1800, TimeValue("30", "minutes")),
        (36000, TimeValue("10", "hours")),
        (2592000, TimeValue("30", "days")),
        (90, TimeValue("90", "seconds")),
    ],
)
def test_a_duration_is_shown_in_the_largest_unit_that_divides_it(seconds: int, shown: TimeValue) -> None:
    assert to_form(seconds) == shown


def test_a_number_and_a_unit_read_back_as_seconds() -> None:
    assert from_form("f", "Offline Session Idle", "30", "days") == 2592000
    assert from_form("f", "Offline Session Idle", " 5 ", "seconds") == 5
    assert from_form("f", "Client Session Idle", "", "minutes") == 0


@pytest.mark.parametrize(
    ("amount", "unit", "message"),
    [
        ("ten", "minutes", "Offline Session Idle must be a whole number of minutes."),
        ("-5", "minutes", "Offline Session Idle must be a whole number of minutes."),
        ("1.5", "hours", "Offline Session Idle must be a whole number of hours."),
        ("5", "weeks", "Offline Session Idle: choose seconds, minutes, hours or days."),
        ("", "days", "Offline Session Idle is required."),
        ("0", "days", "Offline Session Idle must be at least 1 seconds."),
        ("99999999", "days", "Offline Session Idle is too long: at most 24855 days."),
    ],
)
def test_a_bad_duration_is_refused_with_a_sentence(amount: str, unit: str, message: str) -> None:
    with pytest.raises(FieldError, match=message.replace(".", r"\.")):
        from_form("f", "Offline Session Idle", amount, unit, allow_empty=False, minimum=1)


def test_the_sessions_tab_writes_every_timeout_and_the_max_limited_switch() -> None:
    realm = views_realm.read_sessions(
        REALM,
        {
            **SESSIONS_FORM,
            "offlineSessionMaxLifespanEnabled": "on",
            "offlineSessionIdleTimeout": "5",
            "offlineSessionIdleTimeout.unit": "seconds",
        },
    )
    assert (realm.sso_session_idle_timeout, realm.sso_session_max_lifespan) == (1800, 36000)
    assert (realm.offline_session_idle_timeout, realm.offline_session_max_lifespan) == (5, 5184000)
    assert realm.offline_session_max_lifespan_enabled
    assert realm.client_session_idle_timeout == 0


def test_the_sessions_tab_names_each_refused_field_and_keeps_what_was_typed() -> None:
    form = {**SESSIONS_FORM, "ssoSessionIdleTimeout": "soon", "offlineSessionIdleTimeout": ""}
    with pytest.raises(FormErrors) as caught:
        views_realm.read_sessions(REALM, form)
    state = caught.value.state
    assert state.errors == {
        "ssoSessionIdleTimeout": "SSO Session Idle must be a whole number of minutes.",
        "offlineSessionIdleTimeout": "Offline Session Idle is required.",
    }
    assert state.values["ssoSessionIdleTimeout"] == TimeValue("soon", "minutes")


def test_offline_session_max_is_required_only_when_limited() -> None:
    form = {**SESSIONS_FORM, "offlineSessionMaxLifespan": ""}
    assert views_realm.read_sessions(REALM, form).offline_session_max_lifespan == REALM.offline_session_max_lifespan
    with pytest.raises(FormErrors) as caught:
        views_realm.read_sessions(REALM, {**form, "offlineSessionMaxLifespanEnabled": "on"})
    assert caught.value.state.errors == {"offlineSessionMaxLifespan": "Offline Session Max is required."}


def test_the_tokens_tab_reads_rotation_and_the_access_token_lifespan() -> None:
    realm = views_realm.read_tokens(
        REALM,
        {
            "accessTokenLifespan": "5",
            "accessTokenLifespan.unit": "minutes",
            "revokeRefreshToken": "on",
            "refreshTokenMaxReuse": "2",
        },
    )
    assert (realm.access_token_lifespan, realm.revoke_refresh_token, realm.refresh_token_max_reuse) == (300, True, 2)
    with pytest.raises(FormErrors) as caught:
        views_realm.read_tokens(
            REALM, {"accessTokenLifespan": "5", "accessTokenLifespan.unit": "minutes", "refreshTokenMaxReuse": "-1"}
        )
    assert caught.value.state.errors == {
        "refreshTokenMaxReuse": "Refresh Token Max Reuse must be a whole number, 0 or more."
    }


def test_the_advanced_tab_sets_and_clears_the_client_overrides() -> None:
    client = Client(
        id="c1",
        realm_id="r1",
        client_id="app",
        attributes={"client.offline.session.max.lifespan": "60", "other": "kept"},
    )
    form = {f"{spec.name}.unit": "minutes" for spec in views_clients.ADVANCED}
    form |= {
        "client.offline.session.idle.timeout": "2",
        "client.offline.session.idle.timeout.unit": "hours",
        "revoke.refresh.token": "true",
        "refresh.token.max.reuse": "0",
    }
    updated = views_clients.read_advanced(client, form)
    assert updated.attributes == {
        "client.offline.session.idle.timeout": "7200",
        "revoke.refresh.token": "true",
        "refresh.token.max.reuse": "0",
        "other": "kept",
    }
    shown = views_clients.advanced_form(updated).values
    assert shown["client.offline.session.idle.timeout"] == TimeValue("2", "hours")
    assert views_clients.read_advanced(
        updated,
        {**form, "revoke.refresh.token": "", "refresh.token.max.reuse": "", "client.offline.session.idle.timeout": ""},
    ).attributes == {"other": "kept"}
    with pytest.raises(FormErrors) as caught:
        views_clients.read_advanced(client, {**form, "revoke.refresh.token": "maybe", "refresh.token.max.reuse": "x"})
    assert set(caught.value.state.errors) == {"revoke.refresh.token", "refresh.token.max.reuse"}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({}, (0, 20)),
        ({"first": "40", "max": "20"}, (40, 20)),
        ({"first": "-1", "max": "7"}, (0, 20)),
        ({"first": "9" * 5000, "max": "100"}, (0, 100)),
        ({"first": "x"}, (0, 20)),
    ],
)
def test_paging_parameters_are_clamped_never_an_error(query: dict[str, str], expected: tuple[int, int]) -> None:
    assert paging(query) == expected


def test_a_second_list_on_the_page_is_paged_by_its_own_prefixed_values() -> None:
    query = {"first": "40", "max": "10", "ofirst": "1500", "omax": "100"}
    assert paging(query) == (40, 10) and paging(query, "o") == (1500, 100)
    assert paging({"first": "40", "max": "10"}, "o") == (0, 20)  # the other list's values are not this one's


@pytest.mark.parametrize(
    ("first", "size", "total", "expected"),
    [(0, 10, 0, 0), (20, 10, 21, 20), (21, 10, 21, 20), (30, 10, 21, 20), (5, 10, 8, 5), (9_999_999, 50, 1501, 1500)],
)
def test_a_page_past_the_end_is_the_last_page(first: int, size: int, total: int, expected: int) -> None:
    assert within(first, size, total) == expected


def test_a_counted_page_says_which_rows_it_shows_of_how_many() -> None:
    assert Page(list(range(10)), 10, 10, True, 1532).span == "11–20 of 1,532"
    assert Page([1], 1500, 10, False, 1501).span == "1,501–1,501 of 1,501"
    assert Page([], 0, 10, False, 0).span == "0 of 0"
