"""Hostile input to the declarative user profile: an administrator's ``pattern`` that backtracks
catastrophically on a user's value, a pattern nested too deep to compile, and the profile's internal realm
attribute written through a realm update. One app for the module (group_port.shared_env), realm ``test``
imported anew for each test."""

from __future__ import annotations

import copy
import html
import re
import time
from typing import Any

import pytest

import group_port
from admin_support import realm_admin
from browser_flow import REDIRECT, start, submit
from group_port import fresh_realm
from keycloak_port import admin_headers
from role_port import TEST_REALM, call, ok
from support import password_grant
from wire_env import Env

pytestmark = pytest.mark.anyio
anyio_backend, shared_env, env = group_port.anyio_backend, group_port.shared_env, group_port.env

PROFILE = "/users/profile"
BOTH = {"view": ["admin", "user"], "edit": ["admin", "user"]}
DIRECT_GRANT = {"clientId": "direct-grant", "secret": "password", "directAccessGrantsEnabled": True, "enabled": True}
# (a+)+b on 27 a's: Python's ``re`` tries 2**27 ways (about ten seconds), the ``regex`` engine gives up at its limit
EVIL_PATTERN, EVIL_VALUE = "(a+)+b", "a" * 27
JDOE = {
    "username": "jdoe",
    "enabled": True,
    "email": "jdoe@keycloak.org",
    "firstName": "John",
    "lastName": "Doe",
    "credentials": [{"type": "password", "value": "password", "temporary": False}],
}


async def realm(env: Env) -> None:
    await fresh_realm(env, {**TEST_REALM, "clients": [DIRECT_GRANT]})


async def default_with(env: Env, *attributes: dict[str, Any]) -> dict[str, Any]:
    config: dict[str, Any] = copy.deepcopy(await ok(env, "GET", PROFILE))
    config["attributes"].extend(attributes)
    return config


async def account_headers(env: Env) -> dict[str, str]:
    grant = await password_grant(env.http, "test", "direct-grant", username="jdoe", secret="password")
    return {"Authorization": f"Bearer {grant.json()['access_token']}"}


async def test_a_backtracking_pattern_on_a_users_value_is_refused_within_a_time_limit(env: Env) -> None:
    await realm(env)
    default = await default_with(env)
    code = {"name": "code", "permissions": BOTH, "validations": {"pattern": {"pattern": EVIL_PATTERN}}}
    await ok(env, "PUT", PROFILE, {**default, "attributes": [*default["attributes"], code]})
    assert (await call(env, "POST", "/users", JDOE)).status_code == 201
    headers = await account_headers(env)
    account = (await env.http.get("/realms/test/account", headers=headers)).json()

    started = time.monotonic()
    mine = await env.http.post(
        "/realms/test/account", headers=headers, json={**account, "attributes": {"code": [EVIL_VALUE]}}
    )
    admins = await call(env, "POST", "/users", {"username": "other", "attributes": {"code": [EVIL_VALUE]}})
    took = time.monotonic() - started
    assert took < 3, f"two pattern checks took {took:.1f} s: the pattern ran without a bound"
    assert mine.status_code == 400, mine.text
    assert [e["errorMessage"] for e in mine.json()["errors"]] == ["error-pattern-no-match"]
    assert (admins.status_code, admins.json()["errorMessage"]) == (400, "error-pattern-no-match")
    # an ordinary pattern still matches as Keycloak's Pattern.matcher(value).matches()
    ordinary = {**code, "validations": {"pattern": {"pattern": "a+b"}}}
    await ok(env, "PUT", PROFILE, {**default, "attributes": [*default["attributes"], ordinary]})
    fine = await env.http.post(
        "/realms/test/account", headers=headers, json={**account, "attributes": {"code": ["aab"]}}
    )
    assert fine.status_code == 204, fine.text


async def test_a_pattern_nested_too_deep_to_compile_is_an_invalid_configuration_not_a_500(env: Env) -> None:
    await realm(env)
    deep = "(" * 5000 + "a" + ")" * 5000
    code = {"name": "code", "permissions": BOTH, "validations": {"pattern": {"pattern": deep}}}
    response = await call(env, "PUT", PROFILE, await default_with(env, code))
    assert response.status_code == 400, response.text
    assert "error-validator-config-invalid-value" in response.json()["errorMessage"]


async def test_nested_counted_repeats_the_engine_would_unroll_are_invalid_and_ordinary_patterns_still_run(
    env: Env,
) -> None:
    """(?:x{1000}){1000} is a million nodes to the regex engine (about a second to compile, (?:x{65535}){65535}
    hours): refused as Keycloak refuses a pattern it cannot compile, in the profile and in the password policy."""
    await realm(env)
    default = await default_with(env)
    started = time.monotonic()
    for pattern in ("(?:x{1000}){1000}", "(?:(?:x{1000}){1000}|y)", "(?:x{65535}){65535}", "x{9999999999}"):
        code = {"name": "code", "permissions": BOTH, "validations": {"pattern": {"pattern": pattern}}}
        response = await call(env, "PUT", PROFILE, {**default, "attributes": [*default["attributes"], code]})
        assert response.status_code == 400, (pattern, response.text)
        assert "error-validator-config-invalid-value" in response.json()["errorMessage"]
        policy = await call(env, "PUT", "", {"passwordPolicy": f"regexPattern({pattern})"})
        assert policy.status_code == 400, (pattern, policy.text)
    took = time.monotonic() - started
    assert took < 3, f"refusing four patterns took {took:.1f} s: they were compiled"
    ordinary = {"pattern": {"pattern": r"\p{L}{1,20}-\d{4}-[a-z]{2}"}}
    code = {"name": "code", "permissions": BOTH, "validations": ordinary}
    await ok(env, "PUT", PROFILE, {**default, "attributes": [*default["attributes"], code]})
    assert (await call(env, "POST", "/users", {**JDOE, "attributes": {"code": ["Zoë-2024-ab"]}})).status_code == 201
    wrong = await call(env, "POST", "/users", {"username": "other", "attributes": {"code": ["Zoë-24-ab"]}})
    assert (wrong.status_code, wrong.json()["errorMessage"]) == (400, "error-pattern-no-match")


async def test_a_realm_update_cannot_write_the_profiles_internal_attribute(env: Env) -> None:
    await realm(env)
    for raw in ("{not json", '{"attributes": 3}', '{"attributes": [{"name": "x", "validations": {"pattern": 1}}]}'):
        update = await call(env, "PUT", "", {"attributes": {"doorkeep.userProfile.config": raw, "kept": "yes"}})
        assert update.status_code == 204, update.text
        profile = await call(env, "GET", PROFILE)
        assert profile.status_code == 200, profile.text
        assert [a["name"] for a in profile.json()["attributes"]] == ["username", "email", "firstName", "lastName"]
        created = await call(env, "POST", "/users", {"username": f"user{len(raw)}", "attributes": {"x": ["1"]}})
        assert created.status_code == 201, created.text
        assert (await ok(env, "GET", ""))["attributes"]["kept"] == "yes"


async def test_realm_attributes_cannot_write_client_policies_past_their_validation(env: Env) -> None:
    await realm(env)
    unchecked = '{"policies": [{"name": "p", "enabled": true, "conditions": [], "profiles": ["no-such-profile"]}]}'
    update = await call(env, "PUT", "", {"attributes": {"client-policies.policies": unchecked}})
    assert update.status_code == 204, update.text
    assert await ok(env, "GET", "/client-policies/policies") == {"policies": []}
    checked = await call(env, "PUT", "/client-policies/policies", {"policies": [{"name": "p", "profiles": ["no"]}]})
    assert checked.status_code == 400, checked.text  # the resource itself refuses it
    await fresh_realm(env, {**TEST_REALM, "attributes": {"client-policies.policies": unchecked}})
    assert await ok(env, "GET", "/client-policies/policies") == {"policies": []}


async def test_a_user_cannot_set_an_admin_only_attribute_by_casing_spacing_or_a_dotted_name(env: Env) -> None:
    """department is the admin's to edit (the user views it): no spelling of it through ``POST /account`` writes it,
    and a look-alike name is no attribute of the user's either (Doorkeep writes no unmanaged attribute there)."""
    await realm(env)
    default = await default_with(env)
    department = {"name": "department", "permissions": {"view": ["user"], "edit": ["admin"]}}
    await ok(env, "PUT", PROFILE, {**default, "attributes": [*default["attributes"], department]})
    created = await call(env, "POST", "/users", {**JDOE, "attributes": {"department": ["sales"]}})
    user_id = created.headers["location"].rsplit("/", 1)[-1]
    headers = await account_headers(env)
    account = (await env.http.get("/realms/test/account", headers=headers)).json()
    for attributes in (
        {"department": ["sales"], "Department": ["board"]},
        {"department": ["sales"], "department ": ["board"], "DEPARTMENT": ["board"]},
        {"department": ["sales"], "attributes.department": ["board"], "user.attributes.department": ["board"]},
    ):
        sent = await env.http.post("/realms/test/account", headers=headers, json={**account, "attributes": attributes})
        assert sent.status_code in (204, 400), sent.text
        assert (await ok(env, "GET", f"/users/{user_id}"))["attributes"] == {"department": ["sales"]}
    for key in ("attributes.department", "user.attributes.department"):
        dotted = await env.http.post("/realms/test/account", headers=headers, json={**account, key: "board"})
        assert dotted.status_code == 400, dotted.text
    duplicated = '{"attributes": {"department": ["board"], "department": ["sales"]}, "username": "jdoe"}'
    for body in (
        duplicated,
        duplicated.replace('["board"]', "SWAP").replace('["sales"]', '["board"]').replace("SWAP", '["sales"]'),
    ):
        sent = await env.http.post(
            "/realms/test/account", headers={**headers, "Content-Type": "application/json"}, content=body
        )
        assert sent.status_code in (204, 400), sent.text
        assert (await ok(env, "GET", f"/users/{user_id}"))["attributes"] == {"department": ["sales"]}


SCRIPT = "<script>alert(1)</script>"
IMAGE = '"><img src=x onerror=alert(2)>'


async def test_display_names_group_headers_and_message_keys_are_escaped_on_the_registration_page(env: Env) -> None:
    app = {"clientId": "app", "publicClient": True, "redirectUris": [REDIRECT + "*"], "enabled": True}
    await fresh_realm(env, {**TEST_REALM, "registrationAllowed": True, "clients": [app]})
    default = await default_with(env)
    group = {"name": "g", "displayHeader": SCRIPT, "displayDescription": IMAGE, "annotations": {"x": SCRIPT}}
    shown = [
        {"name": "a1", "displayName": SCRIPT, "permissions": BOTH, "group": "g", "required": {"roles": ["user"]}},
        {
            "name": "a2",
            "displayName": "${" + IMAGE + "}",
            "permissions": BOTH,
            "annotations": {"inputHelperTextBefore": SCRIPT},
        },
        {
            "name": "a3",
            "displayName": IMAGE,
            "permissions": BOTH,
            "validations": {"options": {"options": [SCRIPT]}},
            "annotations": {"inputType": "select", "inputOptionLabels": {SCRIPT: IMAGE}},
        },
    ]
    config = {**default, "attributes": [*default["attributes"], *shown], "groups": [*default["groups"], group]}
    await ok(env, "PUT", PROFILE, config)
    login = await start(env.http, "test", "app")
    link = re.search(r'<div id="kc-registration"><span>[^<]*<a href="([^"]+)"', login.text)
    assert link is not None, login.text
    page = await env.http.get(html.unescape(link.group(1)))
    assert 'name="a1"' in page.text and 'name="a3"' in page.text
    refused = await submit(env.http, page, username="jane", email="jane@keycloak.org", a3=IMAGE)  # errors name them
    for answer in (page, refused):
        assert "<script>" not in answer.text and "<img" not in answer.text, answer.text
        assert "&lt;script&gt;" in answer.text  # shown, escaped


async def test_a_limited_admin_changes_neither_the_profile_nor_the_client_policies_by_any_route(env: Env) -> None:
    """manage-users, manage-clients and view-realm together are not manage-realm: users/profile, the
    client-policies resources, a realm update carrying either and a partial import are all refused (403), and the
    profile and policies stay as they were."""
    await realm(env)
    default = await default_with(env)
    headers = await realm_admin(env, "limited", "manage-users", "manage-clients", "view-realm", "view-users")
    opened = {**default, "attributes": [*default["attributes"], {"name": "x", "permissions": BOTH}]}
    policies = {"policies": [{"name": "p", "enabled": True, "conditions": [{"condition": "any-client"}]}]}
    attempts = [
        ("PUT", PROFILE, opened),
        ("PUT", "/client-policies/policies", policies),
        ("PUT", "/client-policies/profiles", {"profiles": [{"name": "p"}]}),
        ("PUT", "", {"clientPolicies": policies}),
        ("PUT", "", {"attributes": {"doorkeep.userProfile.config": "{}"}}),
        ("POST", "/partialImport", {"ifResourceExists": "OVERWRITE", "clientPolicies": policies}),
    ]
    for method, path, body in attempts:
        answer = await env.http.request(method, f"/admin/realms/test{path}", json=body, headers=headers)
        assert answer.status_code == 403, (method, path, answer.status_code, answer.text)
    assert await ok(env, "GET", PROFILE) == default
    assert await ok(env, "GET", "/client-policies/policies") == {"policies": []}
    assert (await env.http.get(f"/admin/realms/test{PROFILE}", headers=headers)).status_code == 200


async def test_a_realm_files_profile_component_nested_too_deep_is_refused_not_a_500(env: Env) -> None:
    component = {
        "providerId": "declarative-user-profile",
        "config": {"kc.user.profile.config": ["[" * 5000 + "]" * 5000]},
    }
    rep = {
        "realm": "deep",
        "enabled": True,
        "components": {"org.keycloak.userprofile.UserProfileProvider": [component]},
    }
    headers = await admin_headers(env)
    answer = await env.http.post("/admin/realms", json=rep, headers=headers)
    if answer.status_code == 201:
        await env.http.delete("/admin/realms/deep", headers=headers)
    assert answer.status_code == 400, answer.text
