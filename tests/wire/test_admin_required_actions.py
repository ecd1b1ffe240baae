"""``/admin/realms/{realm}/authentication/required-actions`` as Keycloak 26's AuthenticationManagementResource
answers it (RequiredActionsTest), and the login honouring what it says: disabled actions are passed over and
kept on the user, priorities order the actions, ``defaultAction`` ones are given to new users."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from admin_support import realm_admin
from browser_flow import code_from, start, submit
from doorkeep.realms.exportimport.files import export_realm
from support import seed_client, seed_realm, seed_user, update_realm, update_user
from wire_env import Env

pytestmark = pytest.mark.anyio
BASE = "/admin/realms/test/authentication"


def action(alias: str, name: str, priority: int, *, enabled: bool = True) -> dict[str, Any]:
    return {
        "alias": alias,
        "name": name,
        "providerId": alias,
        "enabled": enabled,
        "defaultAction": False,
        "priority": priority,
        "config": {},
    }


# A new Keycloak 26.7 realm (DefaultRequiredActions.addActions: CONFIGURE_TOTP and UPDATE_PASSWORD after
# VERIFY_EMAIL), listed by priority.
DEFAULTS = [
    action("TERMS_AND_CONDITIONS", "Terms and Conditions", 20, enabled=False),
    action("UPDATE_PROFILE", "Update Profile", 40),
    action("VERIFY_EMAIL", "Verify Email", 50),
    action("CONFIGURE_TOTP", "Configure OTP", 54),
    action("UPDATE_PASSWORD", "Update Password", 57),
    action("delete_account", "Delete Account", 60, enabled=False),
    action("UPDATE_EMAIL", "Update Email", 70, enabled=False),
    action("webauthn-register", "Webauthn Register", 80),
    action("webauthn-register-passwordless", "Webauthn Register Passwordless", 90),
    action("VERIFY_PROFILE", "Verify Profile", 100),
    action("delete_credential", "Delete Credential", 110),
    action("idp_link", "Linking Identity Provider", 120),
    action("CONFIGURE_RECOVERY_AUTHN_CODES", "Recovery Authentication Codes", 130),
    action("update_user_locale", "Update User Locale", 1000),
]
DEFAULT = {a["alias"]: a for a in DEFAULTS}


@pytest.fixture
async def realm(env: Env) -> Env:
    await seed_realm(env.db, env.clock, registration_allowed=True)
    await seed_client(env.db, "test", "app", redirect_uris=("http://127.0.0.1:9999/*",))
    await seed_user(env.db, env.clock, "test", "user1", email="user1@localhost", email_verified=True)
    return env


async def listed(env: Env) -> list[dict[str, Any]]:
    response = await env.http.get(f"{BASE}/required-actions", headers=await env.admin_headers())
    assert response.status_code == 200, response.text
    body: list[dict[str, Any]] = response.json()
    return body


async def put(env: Env, alias: str, **changes: Any) -> httpx.Response:
    current = next(a for a in await listed(env) if a["alias"] == alias)
    return await env.http.put(
        f"{BASE}/required-actions/{alias}", json={**current, **changes}, headers=await env.admin_headers()
    )


async def stored_actions(env: Env, username: str) -> tuple[str, ...]:
    async with env.db.transaction(write=False) as tx:
        test = await tx.realms.get_by_name("test")
        assert test is not None
        user = await tx.users.get_by_username(test.id, username)
        assert user is not None
        return user.required_actions


async def password_page(env: Env, **params: str) -> httpx.Response:
    page = await start(env.http, "test", "app", **params)
    return await submit(env.http, page, username="user1", password="password")


async def test_a_new_realm_lists_keycloaks_default_required_actions(realm: Env) -> None:
    assert await listed(realm) == DEFAULTS
    one = await realm.http.get(f"{BASE}/required-actions/UPDATE_PASSWORD", headers=await realm.admin_headers())
    assert one.status_code == 200 and one.json() == DEFAULT["UPDATE_PASSWORD"]
    missing = await realm.http.get(f"{BASE}/required-actions/nosuch", headers=await realm.admin_headers())
    assert (missing.status_code, missing.json()) == (404, {"error": "Failed to find required action"})
    gone = await realm.http.delete(f"{BASE}/required-actions/nosuch", headers=await realm.admin_headers())
    assert (gone.status_code, gone.json()) == (404, {"error": "Failed to find required action."})


async def test_update_takes_the_representation_and_keeps_the_provider(realm: Env) -> None:
    response = await put(realm, "TERMS_AND_CONDITIONS", enabled=True, defaultAction=True, priority=5, name="T&C")
    assert response.status_code == 204, response.text
    first = (await listed(realm))[0]
    assert first == {
        **DEFAULT["TERMS_AND_CONDITIONS"],
        "enabled": True,
        "defaultAction": True,
        "priority": 5,
        "name": "T&C",
    }
    bare = {"alias": "UPDATE_PROFILE", "providerId": "other"}  # absent booleans and priority: false, false, 0
    response = await realm.http.put(
        f"{BASE}/required-actions/UPDATE_PROFILE", json=bare, headers=await realm.admin_headers()
    )
    assert response.status_code == 204
    assert (await listed(realm))[0] == {**DEFAULT["UPDATE_PROFILE"], "name": None, "enabled": False, "priority": 0}


async def test_raise_and_lower_swap_priorities_with_the_neighbour(realm: Env) -> None:
    headers = await realm.admin_headers()
    assert (
        await realm.http.post(f"{BASE}/required-actions/UPDATE_PASSWORD/raise-priority", headers=headers)
    ).status_code == 204
    aliases = [(a["alias"], a["priority"]) for a in await listed(realm)][2:5]
    assert aliases == [("VERIFY_EMAIL", 50), ("UPDATE_PASSWORD", 54), ("CONFIGURE_TOTP", 57)]
    first = await realm.http.post(f"{BASE}/required-actions/TERMS_AND_CONDITIONS/raise-priority", headers=headers)
    last = await realm.http.post(f"{BASE}/required-actions/update_user_locale/lower-priority", headers=headers)
    assert (first.status_code, last.status_code) == (204, 204)
    missing = await realm.http.post(f"{BASE}/required-actions/nosuch/lower-priority", headers=headers)
    assert (missing.status_code, missing.json()) == (404, {"error": "Failed to find required action."})


async def test_a_lowered_priority_changes_the_order_the_login_runs_them(realm: Env) -> None:
    await update_user(realm.db, "test", "user1", required_actions=("CONFIGURE_TOTP", "UPDATE_PASSWORD"))
    headers = await realm.admin_headers()
    response = await realm.http.post(f"{BASE}/required-actions/CONFIGURE_TOTP/lower-priority", headers=headers)
    assert response.status_code == 204
    page = await password_page(realm)
    assert 'id="kc-passwd-update-form"' in page.text  # now 54, CONFIGURE_TOTP 57
    page = await submit(realm.http, page, **{"password-new": "N3w-pass!", "password-confirm": "N3w-pass!"})
    assert 'id="kc-totp-settings-form"' in page.text


async def test_a_disabled_action_is_passed_over_and_stays_on_the_user(realm: Env) -> None:
    await update_user(realm.db, "test", "user1", required_actions=("UPDATE_PASSWORD", "TERMS_AND_CONDITIONS"))
    assert (await put(realm, "UPDATE_PASSWORD", enabled=False)).status_code == 204
    params = code_from(await password_page(realm))  # TERMS_AND_CONDITIONS ships disabled too
    assert "code" in params
    assert set(await stored_actions(realm, "user1")) == {"UPDATE_PASSWORD", "TERMS_AND_CONDITIONS"}
    params = code_from(await start(realm.http, "test", "app", prompt="none"))
    assert "code" in params  # nextRequiredAction finds nothing to do: no interaction_required


async def test_kc_action_of_a_disabled_or_deleted_action_answers_error(realm: Env) -> None:
    assert (await put(realm, "UPDATE_PASSWORD", enabled=False)).status_code == 204
    params = code_from(await password_page(realm, kc_action="UPDATE_PASSWORD"))
    assert params["kc_action_status"] == "error" and "code" in params
    headers = await realm.admin_headers()
    assert (await realm.http.delete(f"{BASE}/required-actions/UPDATE_PROFILE", headers=headers)).status_code == 204
    params = code_from(await start(realm.http, "test", "app", kc_action="UPDATE_PROFILE"))
    assert params["kc_action_status"] == "error" and "code" in params


async def test_default_actions_are_given_to_users_the_admin_api_and_registration_create(realm: Env) -> None:
    assert (await put(realm, "UPDATE_PROFILE", defaultAction=True)).status_code == 204
    assert (await put(realm, "TERMS_AND_CONDITIONS", defaultAction=True)).status_code == 204  # disabled: not given
    headers = await realm.admin_headers()
    rep = {"username": "new", "enabled": True, "requiredActions": ["CONFIGURE_TOTP"]}
    assert (await realm.http.post("/admin/realms/test/users", json=rep, headers=headers)).status_code == 201
    assert set(await stored_actions(realm, "new")) == {"UPDATE_PROFILE", "CONFIGURE_TOTP"}
    await start(realm.http, "test", "app")  # the login page, then its Register link
    page = await realm.http.get("/realms/test/login-actions/registration", params={"client_id": "app"})
    assert 'id="kc-register-form"' in page.text, page.text
    fields = {"username": "reg", "email": "reg@example.com", "firstName": "R", "lastName": "G"}
    await submit(realm.http, page, **fields, password="Str0ng-pass!", **{"password-confirm": "Str0ng-pass!"})
    assert await stored_actions(realm, "reg") == ("UPDATE_PROFILE",)


async def test_unregistered_lists_what_a_delete_frees_and_register_adds_it_last(realm: Env) -> None:
    headers = await realm.admin_headers()
    assert (await realm.http.get(f"{BASE}/unregistered-required-actions", headers=headers)).json() == []
    assert (await realm.http.delete(f"{BASE}/required-actions/delete_account", headers=headers)).status_code == 204
    free = await realm.http.get(f"{BASE}/unregistered-required-actions", headers=headers)
    assert free.json() == [{"name": "Delete Account", "providerId": "delete_account"}]
    body = {"providerId": "delete_account", "name": "Delete Account"}
    response = await realm.http.post(f"{BASE}/register-required-action", json=body, headers=headers)
    assert response.status_code == 204
    assert (await listed(realm))[-1] == action("delete_account", "Delete Account", 1001)
    again = await realm.http.post(f"{BASE}/register-required-action", json=body, headers=headers)
    assert again.status_code == 409
    unknown = await realm.http.post(f"{BASE}/register-required-action", json={"providerId": "x"}, headers=headers)
    assert (unknown.status_code, unknown.json()) == (
        400,
        {"error": "Required Action Provider with given providerId not found"},
    )


async def test_reads_need_view_realm_or_query_users_for_the_list_and_writes_manage_realm(realm: Env) -> None:
    querier = await realm_admin(realm, "querier", "query-users")
    assert (await realm.http.get(f"{BASE}/required-actions", headers=querier)).status_code == 200
    assert (await realm.http.get(f"{BASE}/required-actions/UPDATE_PASSWORD", headers=querier)).status_code == 403
    viewer = await realm_admin(realm, "viewer", "view-realm")
    assert (await realm.http.get(f"{BASE}/required-actions/UPDATE_PASSWORD", headers=viewer)).status_code == 200
    denied = await realm.http.put(f"{BASE}/required-actions/UPDATE_PASSWORD", json={}, headers=viewer)
    assert denied.status_code == 403


async def test_writes_record_required_action_admin_events(realm: Env) -> None:
    await update_realm(realm.db, "test", admin_events_enabled=True, admin_events_details_enabled=True)
    headers = await realm.admin_headers()
    assert (await put(realm, "UPDATE_PASSWORD", enabled=False)).status_code == 204
    await realm.http.post(f"{BASE}/required-actions/UPDATE_PROFILE/raise-priority", headers=headers)
    await realm.http.post(f"{BASE}/required-actions/UPDATE_PROFILE/raise-priority", headers=headers)  # first now
    await realm.http.delete(f"{BASE}/required-actions/delete_account", headers=headers)
    body = {"providerId": "delete_account", "name": "Delete Account"}
    await realm.http.post(f"{BASE}/register-required-action", json=body, headers=headers)
    events = (await realm.http.get("/admin/realms/test/admin-events", headers=headers)).json()
    seen = [(e["operationType"], e["resourceType"], e["resourcePath"]) for e in reversed(events)]
    assert seen == [
        ("UPDATE", "REQUIRED_ACTION", "authentication/required-actions/UPDATE_PASSWORD"),
        ("UPDATE", "REQUIRED_ACTION", "authentication/required-actions/UPDATE_PROFILE/raise-priority"),
        ("DELETE", "REQUIRED_ACTION", "authentication/required-actions/delete_account"),
        ("CREATE", "REQUIRED_ACTION", "authentication/register-required-action"),
    ]
    registered = events[0]["representation"]
    assert '"providerId":"delete_account"' in registered and '"id":' in registered


async def test_a_realm_file_brings_its_required_actions_and_the_export_writes_them(realm: Env) -> None:
    assert (await put(realm, "UPDATE_PASSWORD", enabled=False, priority=1)).status_code == 204
    exported = await export_realm(realm.db, "test")
    assert exported["requiredActions"][0] == {**DEFAULT["UPDATE_PASSWORD"], "enabled": False, "priority": 1}
    terms = {"alias": "TERMS_AND_CONDITIONS", "name": "Terms", "providerId": "TERMS_AND_CONDITIONS", "enabled": True}
    rep = {"realm": "other", "enabled": True, "requiredActions": [terms]}
    headers = await realm.admin_headers()
    assert (await realm.http.post("/admin/realms", json=rep, headers=headers)).status_code == 201
    listed_other = await realm.http.get("/admin/realms/other/authentication/required-actions", headers=headers)
    assert listed_other.json() == [{**terms, "defaultAction": False, "priority": 0, "config": {}}]


async def test_a_realm_file_of_an_older_keycloak_gets_its_ranks_moved_as_keycloak_26_7_imports_it(
    realm: Env,
) -> None:
    """RealmManager.importRealm runs MigrationModelManager.migrateImport for a file naming an older
    ``keycloakVersion``: MigrateTo26_7_0 moves Keycloak 26's default ranks to 54 and 57, and on a file without
    ``requiredActions`` moves the 26.7 defaults just added (not the old ones) to the first free priorities after
    VERIFY_EMAIL's (51, 52). A file without ``keycloakVersion``, or of 26.7, keeps what it lists."""
    headers = await realm.admin_headers()
    old = [
        {**a, "priority": {"CONFIGURE_TOTP": 10, "UPDATE_PASSWORD": 30}.get(a["alias"], a["priority"])}
        for a in DEFAULTS
    ]
    files: dict[str, dict[str, Any]] = {
        "listed-26-0": {"keycloakVersion": "26.0.7", "requiredActions": old},
        "bare-26-6": {"keycloakVersion": "26.6.1"},
        "listed-unversioned": {"requiredActions": old},
        "listed-26-7": {"keycloakVersion": "26.7.0", "requiredActions": old},
        "bare-unversioned": {},
    }
    found: dict[str, tuple[int, int]] = {}
    for name, extra in files.items():
        made = await realm.http.post("/admin/realms", json={"realm": name, "enabled": True, **extra}, headers=headers)
        assert made.status_code == 201, made.text
        listed = await realm.http.get(f"/admin/realms/{name}/authentication/required-actions", headers=headers)
        ranks = {a["alias"]: a["priority"] for a in listed.json()}
        assert ranks["VERIFY_EMAIL"] == 50
        found[name] = (ranks["CONFIGURE_TOTP"], ranks["UPDATE_PASSWORD"])
    assert found == {
        "listed-26-0": (54, 57),
        "bare-26-6": (51, 52),
        "listed-unversioned": (10, 30),
        "listed-26-7": (10, 30),
        "bare-unversioned": (54, 57),
    }
