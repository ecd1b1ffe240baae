"""Admin REST realms as Keycloak 26 answers them: the settings a RealmRepresentation carries survive a GET,
a partial PUT, a ``POST /admin/realms`` and a partial export (RealmUpdateTest, RealmCreateTest); the realm's
password policy is parsed as Keycloak parses it and holds wherever an administrator sets a password
(UserCreateTest.createUserWithInvalidPolicyPassword, UserResource.resetPassword)."""

from __future__ import annotations

from typing import Any

import pytest

from support import password_grant
from wire_env import Env

pytestmark = pytest.mark.anyio

REALMS = "/admin/realms"
SETTINGS: dict[str, Any] = {
    "actionTokenGeneratedByAdminLifespan": 2345,
    "actionTokenGeneratedByUserLifespan": 3456,
    "userManagedAccessAllowed": True,
    "internationalizationEnabled": True,
    "supportedLocales": ["de"],
    "defaultLocale": "de",
    "passwordPolicy": "length(8)",
}


def _settings(body: dict[str, Any]) -> dict[str, Any]:
    return {key: body.get(key) for key in SETTINGS}


async def test_a_new_realm_shows_keycloaks_defaults_for_action_tokens_locales_and_password_policy(env: Env) -> None:
    headers = await env.admin_headers()
    assert (await env.http.post(REALMS, headers=headers, json={"realm": "new-realm"})).status_code == 201
    body = (await env.http.get(f"{REALMS}/new-realm", headers=headers)).json()
    # RepresentationToModel.createRealm: 12 hours for the admin's tokens, the login-action timeout for the user's.
    assert body["actionTokenGeneratedByAdminLifespan"] == 43200
    assert body["actionTokenGeneratedByUserLifespan"] == 300
    assert body["userManagedAccessAllowed"] is False
    assert body["internationalizationEnabled"] is False
    assert body["supportedLocales"] == []
    assert "defaultLocale" not in body and "passwordPolicy" not in body  # null: left out


async def test_the_user_action_token_lifespan_starts_as_the_login_action_timeout_given_at_creation(env: Env) -> None:
    headers = await env.admin_headers()
    rep = {"realm": "new-realm", "accessCodeLifespanUserAction": 600}
    assert (await env.http.post(REALMS, headers=headers, json=rep)).status_code == 201
    assert (
        await env.http.put(f"{REALMS}/new-realm", headers=headers, json={"accessCodeLifespanUserAction": 900})
    ).status_code == 204
    body = (await env.http.get(f"{REALMS}/new-realm", headers=headers)).json()
    assert body["accessCodeLifespanUserAction"] == 900
    assert body["actionTokenGeneratedByUserLifespan"] == 600  # fixed when the realm was made


async def test_realm_attributes_are_strings_as_jackson_reads_a_map_of_strings(realm: Env) -> None:
    """RealmRepresentation.attributes is a Map<String, String>: a number or boolean is read as its text, an object
    or array is refused (400) and nothing is stored; a JSON map meant as a value is sent as a string (docs/step-up.md)."""
    headers = await realm.admin_headers()
    typed = {"attributes": {"a.number": 5, "a.flag": True, "acr.loa.map": '{"silver":1}'}}
    assert (await realm.http.put(f"{REALMS}/test", headers=headers, json=typed)).status_code == 204
    attributes = (await realm.http.get(f"{REALMS}/test", headers=headers)).json()["attributes"]
    assert (attributes["a.number"], attributes["a.flag"], attributes["acr.loa.map"]) == ("5", "true", '{"silver":1}')
    for value in ({"silver": 1}, ["x"]):
        refused = await realm.http.put(f"{REALMS}/test", headers=headers, json={"attributes": {"acr.loa.map": value}})
        assert refused.status_code == 400, refused.text
        assert refused.json()["error_description"].endswith("attributes.acr.loa.map: expected a string")
    attributes = (await realm.http.get(f"{REALMS}/test", headers=headers)).json()["attributes"]
    assert attributes["acr.loa.map"] == '{"silver":1}'


async def test_a_partial_put_stores_the_settings_and_a_later_one_keeps_them(realm: Env) -> None:
    headers = await realm.admin_headers()
    response = await realm.http.put(f"{REALMS}/test", headers=headers, json=SETTINGS)
    assert response.status_code == 204, response.text
    assert _settings((await realm.http.get(f"{REALMS}/test", headers=headers)).json()) == SETTINGS
    assert (await realm.http.put(f"{REALMS}/test", headers=headers, json={"displayName": "Test"})).status_code == 204
    assert _settings((await realm.http.get(f"{REALMS}/test", headers=headers)).json()) == SETTINGS


async def test_creating_a_realm_with_the_settings_keeps_them_and_the_export_carries_them(env: Env) -> None:
    headers = await env.admin_headers()
    response = await env.http.post(REALMS, headers=headers, json={"realm": "new-realm", **SETTINGS})
    assert response.status_code == 201, response.text
    assert _settings((await env.http.get(f"{REALMS}/new-realm", headers=headers)).json()) == SETTINGS
    exported = (await env.http.post(f"{REALMS}/new-realm/partial-export", headers=headers)).json()
    assert _settings(exported) == SETTINGS
    # ... and a realm made from that export has them again (realm import).
    assert (await env.http.delete(f"{REALMS}/new-realm", headers=headers)).status_code == 204
    assert (await env.http.post(REALMS, headers=headers, json=exported)).status_code == 201
    assert _settings((await env.http.get(f"{REALMS}/new-realm", headers=headers)).json()) == SETTINGS


# --- password policy ---------------------------------------------------------------------------
TOO_SHORT = {"error": "invalidPasswordMinLengthMessage", "error_description": "Invalid password: minimum length 8."}


async def _with_policy(env: Env, policy: str) -> dict[str, str]:
    headers = await env.admin_headers()
    response = await env.http.put(f"{REALMS}/test", headers=headers, json={"passwordPolicy": policy})
    assert response.status_code == 204, response.text
    return headers


async def _user_id(env: Env, headers: dict[str, str], username: str) -> str | None:
    found = (await env.http.get(f"{REALMS}/test/users", headers=headers, params={"username": username})).json()
    return found[0]["id"] if found else None


async def test_creating_a_user_whose_password_is_too_short_is_refused_and_creates_nobody(realm: Env) -> None:
    headers = await _with_policy(realm, "length(8)")
    rep = {"username": "user4", "email": "user4@localhost", "credentials": [{"type": "password", "value": "ABCD"}]}
    response = await realm.http.post(f"{REALMS}/test/users", headers=headers, json=rep)
    assert (response.status_code, response.json()) == (400, TOO_SHORT)
    assert await _user_id(realm, headers, "user4") is None
    rep["credentials"] = [{"type": "password", "value": "ABCDEFGH"}]
    assert (await realm.http.post(f"{REALMS}/test/users", headers=headers, json=rep)).status_code == 201


async def test_reset_password_and_user_update_refuse_a_password_the_policy_refuses(realm: Env) -> None:
    headers = await _with_policy(realm, "length(8)")
    user_id = await _user_id(realm, headers, "user1")
    reset = await realm.http.put(
        f"{REALMS}/test/users/{user_id}/reset-password", headers=headers, json={"type": "password", "value": "ABCD"}
    )
    assert (reset.status_code, reset.json()) == (400, TOO_SHORT)
    update = await realm.http.put(
        f"{REALMS}/test/users/{user_id}", headers=headers, json={"credentials": [{"type": "password", "value": "x"}]}
    )
    assert (update.status_code, update.json()) == (400, TOO_SHORT)
    assert (await password_grant(realm.http, "test", "app")).status_code == 200  # the old password still holds


async def test_the_first_failing_policy_is_reported_in_keycloaks_order(realm: Env) -> None:
    headers = await _with_policy(realm, "length(8) and digits(1) and notUsername(undefined) and specialChars(2)")
    user_id = await _user_id(realm, headers, "user1")
    url = f"{REALMS}/test/users/{user_id}/reset-password"
    cases = {
        "abc": (
            "invalidPasswordMinSpecialCharsMessage",
            "Invalid password: must contain at least 2 special characters.",
        ),
        "abcdefgh!!": (
            "invalidPasswordMinDigitsMessage",
            "Invalid password: must contain at least 1 numerical digits.",
        ),
    }
    for password, (key, text) in cases.items():
        response = await realm.http.put(url, headers=headers, json={"value": password})
        assert response.json() == {"error": key, "error_description": text}, password
    await _with_policy(realm, "notUsername")
    response = await realm.http.put(url, headers=headers, json={"value": "user1"})
    assert response.json()["error_description"] == "Invalid password: must not be equal to the username."


async def test_password_history_refuses_the_current_password(realm: Env) -> None:
    headers = await _with_policy(realm, "passwordHistory(3)")
    user_id = await _user_id(realm, headers, "user1")
    url = f"{REALMS}/test/users/{user_id}/reset-password"
    response = await realm.http.put(url, headers=headers, json={"value": "password"})
    assert response.json() == {
        "error": "invalidPasswordHistoryMessage",
        "error_description": "Invalid password: must not be equal to any of last 3 passwords.",
    }
    assert (await realm.http.put(url, headers=headers, json={"value": "another"})).status_code == 204


async def test_an_unknown_policy_or_a_bad_config_is_refused_with_keycloaks_text(realm: Env) -> None:
    headers = await _with_policy(realm, "length(8)")
    for policy, text in {
        "nosuch(1)": "Password policy not found",
        "length(8) and digits()": "Invalid config for digits: Not a valid number",
        "regexPattern( )": "Invalid config for regexPattern: White space not acepted",
        "regexPattern([a-)": "Invalid config for regexPattern: Not a valid regular expression",
        # Nested 500 deep: Java compiles it, Python's parser runs out of stack; a 400, never a 500.
        "regexPattern("
        + "(" * 500
        + ")" * 500
        + ")": "Invalid config for regexPattern: Not a valid regular expression",
    }.items():
        response = await realm.http.put(f"{REALMS}/test", headers=headers, json={"passwordPolicy": policy})
        assert (response.status_code, response.json()) == (400, {"errorMessage": text}), policy
        created = await realm.http.post(REALMS, headers=headers, json={"realm": "other", "passwordPolicy": policy})
        assert (created.status_code, created.json()) == (400, {"errorMessage": text}), policy
    assert (await realm.http.get(f"{REALMS}/test", headers=headers)).json()["passwordPolicy"] == "length(8)"


async def test_keycloak_policies_doorkeep_does_not_enforce_are_kept_so_exported_realms_import(realm: Env) -> None:
    policy = "length(8) and notContainsUsername and passwordBlacklist(list.txt) and passwordAge(30) and maxAuthAge(300)"
    headers = await _with_policy(realm, policy)
    assert (await realm.http.get(f"{REALMS}/test", headers=headers)).json()["passwordPolicy"] == policy
    created = await realm.http.post(REALMS, headers=headers, json={"realm": "exported", "passwordPolicy": policy})
    assert created.status_code == 201, created.text


async def test_the_policy_is_stored_as_keycloak_writes_it_back(realm: Env) -> None:
    headers = await _with_policy(realm, "length(8)  and  digits and length(10) and notUsername(undefined)")
    body = (await realm.http.get(f"{REALMS}/test", headers=headers)).json()
    assert body["passwordPolicy"] == "length(10) and digits and notUsername(undefined)"
    await _with_policy(realm, "")
    assert "passwordPolicy" not in (await realm.http.get(f"{REALMS}/test", headers=headers)).json()


# --- realm ids and the cache endpoints ---------------------------------------------------------
async def test_a_realm_id_with_a_reserved_character_is_refused(env: Env) -> None:
    headers = await env.admin_headers()
    response = await env.http.post(REALMS, headers=headers, json={"realm": "new-realm", "id": "invalid;id"})
    assert (response.status_code, response.json()) == (400, {"errorMessage": "Character ';' not allowed."})
    assert (await env.http.get(f"{REALMS}/new-realm", headers=headers)).status_code == 404


@pytest.mark.parametrize(
    ("name", "char"),
    [
        ("a:b", ":"),
        ("a@b", "@"),
        ("a!b", "!"),
        ("a(b)", "("),
        ("a=b", "="),
        ("a[b]", "["),
        ("a+b", "+"),
        ("a#b/c", "#"),
    ],
)
async def test_a_realm_name_with_an_rfc_3986_reserved_character_is_refused_naming_its_first(
    env: Env, name: str, char: str
) -> None:
    """RealmManager.importRealm and RealmAdminResource.updateRealm run ReservedCharValidator.validate on the name:
    the RFC 3986 reserved characters and the backslash, the message naming the first one the name holds. Nothing is
    made or renamed."""
    headers = await env.admin_headers()
    refused = {"errorMessage": f"Character '{char}' not allowed."}
    created = await env.http.post(REALMS, headers=headers, json={"realm": name})
    assert (created.status_code, created.json()) == (400, refused)
    assert (await env.http.post(REALMS, headers=headers, json={"realm": "plain"})).status_code == 201
    renamed = await env.http.put(f"{REALMS}/plain", headers=headers, json={"realm": name})
    assert (renamed.status_code, renamed.json()) == (400, refused)
    assert [r["realm"] for r in (await env.http.get(REALMS, headers=headers)).json()] == ["master", "plain"]


@pytest.mark.parametrize(("locale", "char"), [("e#n", "#"), ("en{", "{"), ("d%e", "%"), ("de:", ":")])
async def test_a_supported_locale_with_a_reserved_character_is_refused(env: Env, locale: str, char: str) -> None:
    """ReservedCharValidator.validateLocales (RESERVED_CHARS_LOCALES_PATTERN: the RFC 3986 set with ``{``, ``}`` and
    ``%``) on ``supportedLocales``, when a realm is created and when it is updated; nothing is written."""
    headers = await env.admin_headers()
    refused = {"errorMessage": f"Character '{char}' not allowed."}
    rep = {"realm": "loc", "supportedLocales": ["en", locale]}
    created = await env.http.post(REALMS, headers=headers, json=rep)
    assert (created.status_code, created.json()) == (400, refused)
    assert (await env.http.get(f"{REALMS}/loc", headers=headers)).status_code == 404
    assert (await env.http.post(REALMS, headers=headers, json={"realm": "loc"})).status_code == 201
    updated = await env.http.put(f"{REALMS}/loc", headers=headers, json={"supportedLocales": ["en", locale]})
    assert (updated.status_code, updated.json()) == (400, refused)
    assert (await env.http.get(f"{REALMS}/loc", headers=headers)).json().get("supportedLocales", []) == []


@pytest.mark.parametrize("kind", ["realm", "user", "keys"])
async def test_the_clear_cache_calls_answer_204_and_are_recorded_as_realm_actions(realm: Env, kind: str) -> None:
    headers = await realm.admin_headers()
    settings = {"adminEventsEnabled": True, "adminEventsDetailsEnabled": True}
    assert (await realm.http.put(f"{REALMS}/test", headers=headers, json=settings)).status_code == 204
    response = await realm.http.post(f"{REALMS}/test/clear-{kind}-cache", headers=headers)
    assert (response.status_code, response.content) == (204, b"")
    events = (await realm.http.get(f"{REALMS}/test/admin-events", headers=headers)).json()
    assert (events[0]["operationType"], events[0]["resourceType"], events[0]["resourcePath"]) == (
        "ACTION",
        "REALM",
        f"clear-{kind}-cache",
    )
    # Tokens still issue: nothing the realm needs was lost with the cache.
    assert (await password_grant(realm.http, "test", "app")).status_code == 200


async def test_clearing_a_cache_needs_manage_realm(realm: Env) -> None:
    token = (await password_grant(realm.http, "test", "admin-cli", secret=None)).json()["access_token"]
    response = await realm.http.post(f"{REALMS}/test/clear-realm-cache", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 403


async def test_a_backtracking_regex_pattern_refuses_the_password_in_bounded_time_and_others_still_match(
    realm: Env,
) -> None:
    # (a|aa)+b on 60 a's backtracks ~1e12 times: on Python's re one reset-password would hold the interpreter (and
    # every realm) for hours. The regex engine's time limit ends it; the password is refused, not let through.
    headers = await _with_policy(realm, "regexPattern((a|aa)+b)")
    user_id = await _user_id(realm, headers, "user1")
    url = f"{REALMS}/test/users/{user_id}/reset-password"
    refused = await realm.http.put(url, headers=headers, json={"value": "a" * 60})
    assert (refused.status_code, refused.json()) == (
        400,
        {
            "error": "invalidPasswordRegexPatternMessage",
            "error_description": "Invalid password: fails to match regex pattern(s).",
        },
    )
    assert (await realm.http.put(url, headers=headers, json={"value": "aaab"})).status_code == 204
    assert (await password_grant(realm.http, "test", "app", "user1", "aaab")).status_code == 200
