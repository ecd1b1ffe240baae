"""The two event listings of Keycloak's RealmAdminResource (``GET events``, ``GET admin-events``): the days and
numbers ``dateFrom``/``dateTo`` accept (services/.../util/DateUtil: ``LocalDate.parse`` when the value holds a
``-``, ``Long.parseLong`` otherwise) and the order in which bad parameters are refused (JAX-RS converts the
``Integer`` ``first``/``max`` before the method runs, so their 404 beats the role's 403; the method then reads
the types, ``dateFrom``, ``dateTo`` and ``direction``, in that order)."""

from __future__ import annotations

import dataclasses
import uuid
from typing import Any

import pytest

from doorkeep.admin.admin_events import AdminEvent
from doorkeep.model import Event
from doorkeep.sessions.cleaner import clean_once
from support import password_grant, seed_user
from wire_env import Env

pytestmark = pytest.mark.anyio

REALM = "/admin/realms/test"
NOW_MS = 1_700_000_000_000  # 2023-11-14T22:13:20Z
BAD_DATE_FROM = {"error": "Invalid value for 'dateFrom', expected format is yyyy-MM-dd or an Epoch timestamp"}
BAD_DATE_TO = {"error": "Invalid value for 'dateTo', expected format is yyyy-MM-dd or an Epoch timestamp"}


async def seed(env: Env) -> None:
    """One user event and one admin event, both at NOW_MS."""
    async with env.db.transaction() as tx:
        realm = await tx.realms.get_by_name("test")
        assert realm is not None
        await tx.events.add(Event(id=str(uuid.uuid4()), realm_id=realm.id, time=NOW_MS, type="LOGIN"))
        await tx.admin_events.add(
            AdminEvent(str(uuid.uuid4()), realm.id, NOW_MS, "CREATE", "USER", "users/x", realm.id, "c", "u", "1.2.3.4")
        )


async def listing(env: Env, path: str, **params: Any) -> Any:
    response = await env.http.get(f"{REALM}/{path}", params=params, headers=await env.admin_headers())
    return response.status_code, response.json()


@pytest.mark.parametrize("path", ["events", "admin-events"])
async def test_days_keycloak_s_local_date_parse_accepts_filter_the_listing(realm: Env, path: str) -> None:
    await seed(realm)
    # A year before 1 AD (signed), year 0, and a year past 9999 (signed, five digits) are days like any other.
    for params, count in (
        ({"dateFrom": "-0001-01-01"}, 1),
        ({"dateTo": "-0001-12-31"}, 0),
        ({"dateFrom": "0000-01-01", "dateTo": "2023-11-14"}, 1),
        ({"dateTo": "0000-12-31"}, 0),
        ({"dateTo": "+10000-01-01"}, 1),
        ({"dateFrom": "+10000-01-01"}, 0),
        ({"dateFrom": "2023-11-14", "dateTo": "2023-11-14"}, 1),  # both ends of the day are inclusive
        ({"dateFrom": "2023-11-15"}, 0),
        ({"dateTo": "2023-11-13"}, 0),
    ):
        status, body = await listing(realm, path, **params)
        assert (status, len(body)) == (200, count), params


@pytest.mark.parametrize("path", ["events", "admin-events"])
async def test_epoch_milliseconds_are_read_as_long_parse_long_reads_them(realm: Env, path: str) -> None:
    await seed(realm)
    for params, count in (
        ({"dateFrom": "+0"}, 1),
        ({"dateFrom": str(NOW_MS), "dateTo": str(NOW_MS)}, 1),
        ({"dateFrom": f"+{NOW_MS + 1}"}, 0),
        ({"dateTo": "٠"}, 0),  # Character.digit reads any Unicode decimal digit: Arabic-Indic zero
        ({"dateFrom": "٠"}, 1),
        ({"dateTo": "9223372036854775807"}, 1),
    ):
        status, body = await listing(realm, path, **params)
        assert (status, len(body)) == (200, count), params


@pytest.mark.parametrize("path", ["events", "admin-events"])
@pytest.mark.parametrize(
    "value",
    [
        "+2023-11-14",  # a '+' only before more than four year digits
        "10000-01-01",  # more than four digits only with a sign
        "-0000-01-01",  # minus zero
        "2023-02-29",  # not a leap year
        "1900-02-29",
        "2023-1-01",
        "+999999999-12-31",  # a day LocalDate holds, but its millisecond overflows a long
        "-5",  # a '-' means a day
        "9223372036854775808",
        "1e3",
        "",
        "+",
        "²",
    ],
)
async def test_what_neither_parser_takes_is_keycloak_s_400(realm: Env, path: str, value: str) -> None:
    assert await listing(realm, path, dateFrom=value) == (400, BAD_DATE_FROM)
    assert await listing(realm, path, dateTo=value) == (400, BAD_DATE_TO)


async def test_a_malformed_first_or_max_is_a_404_even_to_a_caller_without_view_events(realm: Env) -> None:
    user = await seed_user(realm.db, realm.clock, "test", "helpdesk")
    async with realm.db.transaction() as tx:
        management = await tx.clients.get_by_client_id(user.realm_id, "realm-management")
        assert management is not None
        role = await tx.roles.get_client_role(management.id, "view-users")
        assert role is not None
        await tx.users.grant_roles(user.id, [role.id])
    response = await password_grant(realm.http, "test", "admin-cli", "helpdesk", secret=None)
    headers = {"Authorization": f"Bearer {response.json()['access_token']}"}
    for path in ("events", "admin-events"):
        for params in ({"first": "abc"}, {"max": "1.5"}):
            response = await realm.http.get(f"{REALM}/{path}", params=params, headers=headers)
            assert (response.status_code, response.json()) == (404, {"error": "HTTP 404 Not Found"}), (path, params)
        response = await realm.http.get(f"{REALM}/{path}", params={"first": "1"}, headers=headers)
        assert (response.status_code, response.json()) == (403, {"error": "HTTP 403 Forbidden"})


async def test_the_type_is_refused_before_the_dates_and_the_dates_before_the_direction(realm: Env) -> None:
    status, body = await listing(realm, "events", type="NOPE", dateFrom="x", direction="up")
    assert (status, body) == (400, {"error": "Invalid value for 'type': NOPE"})
    status, body = await listing(realm, "admin-events", operationTypes="NOPE", dateFrom="x", direction="up")
    assert (status, body) == (400, {"error": "Invalid value for 'operationTypes': NOPE"})
    for path in ("events", "admin-events"):
        assert await listing(realm, path, dateTo="x", dateFrom="y", direction="up") == (400, BAD_DATE_FROM)
        assert await listing(realm, path, dateTo="x", direction="up") == (400, BAD_DATE_TO)


async def test_a_malformed_first_beats_a_bad_type(realm: Env) -> None:
    for path, key in (("events", "type"), ("admin-events", "operationTypes"), ("admin-events", "resourceTypes")):
        assert await listing(realm, path, **{key: "NOPE", "first": "x"}) == (404, {"error": "HTTP 404 Not Found"})


async def test_resource_path_is_a_like_pattern_as_postgresql_reads_it_on_both_engines(realm: Env) -> None:
    """JpaAdminEventQuery.resourcePath: ``*`` becomes ``%`` and the rest is LIKE's (PostgreSQL's and H2's: case
    counts, ``_`` is any one character, a backslash escapes); SQLite's own LIKE ignored case and escapes."""
    paths = ("users/abc", "Users/ABC", "users/a_c", "users/a\\c", "users/a[b]c", "users/a?c")
    async with realm.db.transaction() as tx:
        found = await tx.realms.get_by_name("test")
        assert found is not None
        for path in paths:
            event = AdminEvent(str(uuid.uuid4()), found.id, NOW_MS, "CREATE", "USER", path, found.id, "c", "u", "1")
            await tx.admin_events.add(event)

    async def matching(pattern: str) -> list[str]:
        status, body = await listing(realm, "admin-events", resourcePath=pattern)
        assert status == 200, body
        return sorted(event["resourcePath"] for event in body)

    assert await matching("users/*") == sorted(p for p in paths if p.startswith("users/"))
    assert await matching("USERS/*") == []
    assert await matching("users/a_c") == ["users/a?c", "users/a\\c", "users/a_c", "users/abc"]
    assert await matching("users/a\\_c") == ["users/a_c"]
    assert await matching("users/a\\\\c") == ["users/a\\c"]
    assert await matching("users/a[b]c") == ["users/a[b]c"]
    assert await matching("users/a?c") == ["users/a?c"]
    # A pattern ending in its escape character: PostgreSQL refuses the query, both engines answer the same 400.
    invalid = (400, {"error": "invalid_request", "error_description": "Invalid input"})
    assert await listing(realm, "admin-events", resourcePath="users/a\\") == invalid
    assert await listing(realm, "admin-events", resourcePath="users/a\\\\\\") == invalid


async def test_events_expiration_is_a_java_long_and_the_cleaner_survives_the_largest(realm: Env) -> None:
    """RealmEventsConfigRepresentation.eventsExpiration and RealmEntity.eventsExpiration are longs: a value past
    the int range is kept. Neither it nor an ``adminEventsExpiration`` attribute of Long.MAX_VALUE reaches back
    before the epoch, so the cleaner expires nothing (the cutoff in milliseconds no longer fits the column)."""
    headers = await realm.admin_headers()
    big = 2**62
    response = await realm.http.put(f"{REALM}/events/config", json={"eventsExpiration": big}, headers=headers)
    assert response.status_code == 204, response.text
    assert (await realm.http.get(f"{REALM}/events/config", headers=headers)).json()["eventsExpiration"] == big
    assert (await realm.http.get(REALM, headers=headers)).json()["eventsExpiration"] == big
    response = await realm.http.put(
        f"{REALM}/events/config", json={"eventsExpiration": 2**63}, headers=headers
    )  # past Long.MAX_VALUE: Jackson refuses it
    assert response.status_code == 400
    response = await realm.http.put(f"{REALM}/events/config", json={"eventsExpiration": big}, headers=headers)
    assert response.status_code == 204
    async with realm.db.transaction() as tx:
        found = await tx.realms.get_by_name("test")
        assert found is not None
        attributes = {**found.attributes, "adminEventsExpiration": str(2**63 - 1)}
        await tx.realms.update(dataclasses.replace(found, attributes=attributes))
    await seed(realm)
    await clean_once(realm.db, realm.clock.now())
    assert len((await listing(realm, "events"))[1]) == 1
    assert len((await listing(realm, "admin-events"))[1]) == 1
