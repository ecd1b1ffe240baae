"""Admin REST users as Keycloak 26 answers them: e-mail conflicts with duplicates already stored, the read-only
username, ``q`` searches over fields and attributes, several ids in ``search=id:``, and
``registrationEmailAsUsername`` (Keycloak's UserCreateTest, UserUpdateTest and UserSearchTest)."""

from __future__ import annotations

from typing import Any

import pytest

from doorkeep.realms.exportimport import files
from support import seed_client, seed_realm, update_realm
from wire_env import Env

pytestmark = pytest.mark.anyio

REALM = "/admin/realms/test"
USERS = f"{REALM}/users"
READ_ONLY = {"field": "username", "errorMessage": "error-user-attribute-read-only", "params": ["username"]}


async def _setup(env: Env) -> dict[str, str]:
    await seed_realm(env.db, env.clock)
    return await env.admin_headers()


async def _create(env: Env, headers: dict[str, str], **rep: Any) -> str:
    response = await env.http.post(USERS, json={"enabled": True, **rep}, headers=headers)
    assert response.status_code == 201, response.text
    return response.headers["location"].rsplit("/", 1)[-1]


async def _user(env: Env, headers: dict[str, str], user_id: str) -> dict[str, Any]:
    response = await env.http.get(f"{USERS}/{user_id}", headers=headers)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def _usernames(env: Env, headers: dict[str, str], **params: str) -> list[str]:
    response = await env.http.get(USERS, params=params, headers=headers)
    assert response.status_code == 200, response.text
    return [u["username"] for u in response.json()]


async def _count(env: Env, headers: dict[str, str], **params: str) -> int:
    response = await env.http.get(f"{USERS}/count", params=params, headers=headers)
    assert response.status_code == 200, response.text
    count: int = response.json()
    return count


async def _switch_realm(env: Env, headers: dict[str, str], **fields: Any) -> None:
    response = await env.http.put(REALM, json=fields, headers=headers)
    assert response.status_code == 204, response.text


# --- e-mail conflicts with duplicates already stored (UserCreateTest.createDuplicateEmailWithExistingDuplicates) ---
async def _two_sharing_an_email(env: Env, headers: dict[str, str]) -> tuple[str, str]:
    await _switch_realm(env, headers, duplicateEmailsAllowed=True)
    first = await _create(env, headers, username="dd1", email="dup@localhost")
    second = await _create(env, headers, username="dd2", email="dup@localhost")
    await _switch_realm(env, headers, duplicateEmailsAllowed=False)
    return first, second


async def test_creating_a_user_with_an_email_two_users_already_share_is_a_409(env: Env) -> None:
    headers = await _setup(env)
    await _two_sharing_an_email(env, headers)
    response = await env.http.post(USERS, json={"username": "dd3", "email": "Dup@Localhost"}, headers=headers)
    assert response.status_code == 409
    assert response.json() == {"errorMessage": "User exists with same username or email"}
    assert await _usernames(env, headers, username="dd3") == []


async def test_changing_the_email_to_one_two_users_share_is_a_409_and_changes_nothing(env: Env) -> None:
    headers = await _setup(env)
    await _two_sharing_an_email(env, headers)
    third = await _create(env, headers, username="dd3", email="own@localhost")
    response = await env.http.put(f"{USERS}/{third}", json={"email": "dup@localhost"}, headers=headers)
    assert response.status_code == 409
    assert response.json() == {"errorMessage": "User exists with same username or email"}
    assert (await _user(env, headers, third))["email"] == "own@localhost"


async def test_a_user_sharing_an_email_may_still_be_updated_without_changing_it(env: Env) -> None:
    """Keycloak's DuplicateEmailValidator checks only a new or changed address."""
    headers = await _setup(env)
    first, _ = await _two_sharing_an_email(env, headers)
    response = await env.http.put(
        f"{USERS}/{first}", json={"email": "DUP@localhost", "firstName": "Dee"}, headers=headers
    )
    assert response.status_code == 204, response.text
    body = await _user(env, headers, first)
    assert body["email"] == "dup@localhost" and body["firstName"] == "Dee"


# --- the username is read-only unless editUsernameAllowed (UserUpdateTest.updateUserWithNewUsernameNotPossible) ---
async def test_renaming_a_user_when_the_realm_does_not_allow_it_is_a_400_and_keeps_the_name(env: Env) -> None:
    headers = await _setup(env)
    user_id = await _create(env, headers, username="user1", email="user1@localhost")
    rep = await _user(env, headers, user_id)
    response = await env.http.put(f"{USERS}/{user_id}", json={**rep, "username": "user11"}, headers=headers)
    assert response.status_code == 400
    assert response.json() == READ_ONLY
    assert (await _user(env, headers, user_id))["username"] == "user1"


async def test_repeating_the_username_in_another_case_is_no_rename(env: Env) -> None:
    headers = await _setup(env)
    user_id = await _create(env, headers, username="user1")
    for name in ("user1", "USER1"):
        response = await env.http.put(f"{USERS}/{user_id}", json={"username": name, "lastName": "L"}, headers=headers)
        assert response.status_code == 204, response.text
    assert (await _user(env, headers, user_id))["username"] == "user1"


async def test_renaming_to_a_taken_username_is_a_409_before_the_read_only_check(env: Env) -> None:
    headers = await _setup(env)
    await _create(env, headers, username="user1")
    second = await _create(env, headers, username="user2")
    response = await env.http.put(f"{USERS}/{second}", json={"username": "user1"}, headers=headers)
    assert response.status_code == 409
    assert response.json() == {"errorMessage": "User exists with same username"}


async def test_renaming_is_allowed_when_the_realm_allows_editing_usernames(env: Env) -> None:
    headers = await _setup(env)
    await update_realm(env.db, "test", edit_username_allowed=True)
    user_id = await _create(env, headers, username="user1")
    response = await env.http.put(f"{USERS}/{user_id}", json={"username": "user11"}, headers=headers)
    assert response.status_code == 204, response.text
    assert (await _user(env, headers, user_id))["username"] == "user11"


# --- q= matches fields and attributes (UserSearchTest.searchByMultipleAttributes) ---
async def _search_people(env: Env, headers: dict[str, str]) -> None:
    for i in range(1, 4):
        await _create(
            env,
            headers,
            username=f"username{i}",
            email=f"user{i}@test.com",
            firstName=f"First{i}",
            attributes={"test": [f"test{i}"], "attr": ["common"], "test1": ["test1"] if i == 1 else ["other"]},
        )
    await _create(env, headers, username="other", attributes={"test": ["test1"], "attr": ["common"]})


async def test_q_matches_username_as_a_field_and_custom_attributes_exactly(env: Env) -> None:
    headers = await _setup(env)
    await _search_people(env, headers)
    q = "username:user test:test1 attr:common test1:test1"
    assert await _usernames(env, headers, q=q) == ["username1"]
    assert await _count(env, headers, q=q) == 1
    # custom attributes are not matched by substring by default, nor with exact=true
    assert await _usernames(env, headers, q="username:user test:est attr:mm test1:test1") == []
    assert await _usernames(env, headers, q="test:est attr:mm test1:test1", exact="true") == []
    # with exact=false they are
    assert await _usernames(env, headers, q="username:user test:est attr:mm test1:test1", exact="false") == [
        "username1"
    ]


async def test_q_fields_follow_the_field_rules_case_insensitively(env: Env) -> None:
    headers = await _setup(env)
    await _search_people(env, headers)
    assert await _usernames(env, headers, q="firstName:FIRST") == ["username1", "username2", "username3"]
    assert await _usernames(env, headers, q="email:USER2@test.com") == ["username2"]
    assert await _usernames(env, headers, q="username:name2", exact="true") == []
    assert await _usernames(env, headers, q="attr:COMMON test:TEST3") == ["username3"]
    assert await _count(env, headers, q="attr:common") == 4
    # a q key overrides the parameter of the same name, as Keycloak's putAll does
    assert await _usernames(env, headers, username="other", q="username:username3") == ["username3"]


async def test_a_q_without_any_pair_lists_people_as_no_query_does(env: Env) -> None:
    """Keycloak makes a field query (service accounts included) only of a ``q`` holding some ``key:value``."""
    headers = await _setup(env)
    await _search_people(env, headers)
    await seed_client(env.db, "test", "robot", service_accounts=True)
    people = await _usernames(env, headers)
    assert "service-account-robot" not in people
    assert await _usernames(env, headers, q="nothing") == people
    assert await _count(env, headers, q="nothing") == len(people)
    # getUsersCount, unlike getUsers, makes no field query of exact, idpAlias or idpUserId alone
    assert await _usernames(env, headers, exact="true") == sorted([*people, "service-account-robot"])
    assert await _count(env, headers, exact="true") == len(people)
    assert await _count(env, headers, idpAlias="google") == len(people)
    # a search takes emailVerified along
    assert await _usernames(env, headers, search="user", emailVerified="false") == people[1:]
    assert await _usernames(env, headers, search="user", emailVerified="true") == []


# --- search=id: with several ids ---
async def test_search_by_id_takes_several_ids_separated_by_blanks(env: Env) -> None:
    headers = await _setup(env)
    first = await _create(env, headers, username="aa1")
    second = await _create(env, headers, username="aa2")
    await _create(env, headers, username="aa3")
    found = await _usernames(env, headers, search=f"id:{first}  {second}\tunknown")
    assert sorted(found) == ["aa1", "aa2"]
    assert await _usernames(env, headers, search=f"id: {second} ") == ["aa2"]
    # Keycloak's count does not split: the whole text is one id
    assert await _count(env, headers, search=f"id:{first} {second}") == 0
    assert await _count(env, headers, search=f"id:{first}") == 1


# --- registrationEmailAsUsername (UserCreateTest.createUserWithEmailAsUsername, UserUpdateTest) ---
async def test_registration_email_as_username_is_stored_and_read_back(env: Env) -> None:
    headers = await _setup(env)
    assert (await env.http.get(REALM, headers=headers)).json()["registrationEmailAsUsername"] is False
    await _switch_realm(env, headers, registrationEmailAsUsername=True)
    assert (await env.http.get(REALM, headers=headers)).json()["registrationEmailAsUsername"] is True
    await _switch_realm(env, headers, displayName="Test")
    assert (await env.http.get(REALM, headers=headers)).json()["registrationEmailAsUsername"] is True


async def test_registration_email_as_username_survives_export_and_import(env: Env) -> None:
    headers = await _setup(env)
    await _switch_realm(env, headers, registrationEmailAsUsername=True)
    assert (await files.export_realm(env.db, "test"))["registrationEmailAsUsername"] is True
    body = {"realm": "copy", "enabled": True, "registrationEmailAsUsername": True}
    assert (await env.http.post("/admin/realms", json=body, headers=headers)).status_code == 201
    copy = (await env.http.get("/admin/realms/copy", headers=headers)).json()
    assert copy["registrationEmailAsUsername"] is True


async def test_a_partial_import_keeps_the_username_as_keycloak_s_createuser_does(env: Env) -> None:
    headers = await _setup(env)
    await _switch_realm(env, headers, registrationEmailAsUsername=True)
    body = {"ifResourceExists": "FAIL", "users": [{"username": "imported", "email": "imp@localhost"}]}
    response = await env.http.post(f"{REALM}/partialImport", json=body, headers=headers)
    assert response.status_code == 200, response.text
    assert await _usernames(env, headers, email="imp@localhost") == ["imported"]


@pytest.mark.parametrize("edit_username", [False, True])
async def test_with_email_as_username_a_new_user_is_named_by_its_email(env: Env, edit_username: bool) -> None:
    headers = await _setup(env)
    await _switch_realm(env, headers, registrationEmailAsUsername=True, editUsernameAllowed=edit_username)
    user_id = await _create(env, headers, username="user1", email="User1@Localhost")
    body = await _user(env, headers, user_id)
    assert body["username"] == "user1@localhost" and body["email"] == "user1@localhost"
    # without an email the given username stays; with neither, the name is missing
    assert (await _user(env, headers, await _create(env, headers, username="noemail")))["username"] == "noemail"
    missing = await env.http.post(USERS, json={"firstName": "X"}, headers=headers)
    assert missing.status_code == 400 and missing.json() == {"errorMessage": "User name is missing"}


@pytest.mark.parametrize("edit_username", [False, True])
async def test_with_email_as_username_changing_the_email_renames_the_user(env: Env, edit_username: bool) -> None:
    headers = await _setup(env)
    await _switch_realm(env, headers, registrationEmailAsUsername=True, editUsernameAllowed=edit_username)
    user_id = await _create(env, headers, email="user1@localhost")
    rep = await _user(env, headers, user_id)
    response = await env.http.put(f"{USERS}/{user_id}", json={**rep, "email": "user11@localhost"}, headers=headers)
    assert response.status_code == 204, response.text
    body = await _user(env, headers, user_id)
    assert body["username"] == "user11@localhost" and body["email"] == "user11@localhost"
    # a username sent with the email is overridden by it
    response = await env.http.put(
        f"{USERS}/{user_id}", json={"username": "someone", "email": "user12@localhost"}, headers=headers
    )
    assert response.status_code == 204, response.text
    assert (await _user(env, headers, user_id))["username"] == "user12@localhost"


async def test_with_email_as_username_a_user_without_email_cannot_be_renamed(env: Env) -> None:
    headers = await _setup(env)
    await _switch_realm(env, headers, registrationEmailAsUsername=True, editUsernameAllowed=True)
    user_id = await _create(env, headers, username="noemail")
    response = await env.http.put(f"{USERS}/{user_id}", json={"username": "renamed"}, headers=headers)
    assert response.status_code == 400 and response.json() == READ_ONLY


async def test_with_email_as_username_an_email_another_user_is_named_by_is_a_409(env: Env) -> None:
    headers = await _setup(env)
    await _create(env, headers, username="taken@localhost")
    await _switch_realm(env, headers, registrationEmailAsUsername=True)
    response = await env.http.post(USERS, json={"email": "taken@localhost"}, headers=headers)
    assert response.status_code == 409 and response.json() == {"errorMessage": "User exists with same username"}
    user_id = await _create(env, headers, email="mine@localhost")
    response = await env.http.put(f"{USERS}/{user_id}", json={"email": "taken@localhost"}, headers=headers)
    assert response.status_code == 409 and response.json() == {"errorMessage": "User exists with same username"}
    assert (await _user(env, headers, user_id))["username"] == "mine@localhost"


# --- userProfileMetadata (UserResource.getUser, the USER_API context) ---------------------------------
async def test_a_user_read_with_user_profile_metadata_carries_the_admin_contexts_metadata(env: Env) -> None:
    headers = await _setup(env)
    user_id = await _create(env, headers, username="meta", email="meta@localhost")
    response = await env.http.get(f"{USERS}/{user_id}", params={"userProfileMetadata": "true"}, headers=headers)
    assert response.status_code == 200, response.text
    metadata = response.json()["userProfileMetadata"]
    ignore = {"ignore.empty.value": True}
    names = {"length": {"max": 255, **ignore}, "person-name-prohibited-characters": ignore}
    assert metadata == {
        "attributes": [
            {
                "name": "username",
                "displayName": "${username}",
                "required": True,
                "readOnly": True,
                "validators": {
                    "length": {"min": 3, "max": 255, **ignore},
                    "username-prohibited-characters": ignore,
                    "up-username-not-idn-homograph": ignore,
                },
                "multivalued": False,
            },
            {
                "name": "email",
                "displayName": "${email}",
                "required": False,
                "readOnly": False,
                "validators": {"email": ignore, "length": {"max": 255, **ignore}},
                "multivalued": False,
            },
            *(
                {
                    "name": name,
                    "displayName": f"${{{name}}}",
                    "required": False,
                    "readOnly": False,
                    "validators": names,
                    "multivalued": False,
                }
                for name in ("firstName", "lastName")
            ),
        ],
        "groups": [
            {
                "name": "user-metadata",
                "displayHeader": "User metadata",
                "displayDescription": "Attributes, which refer to user metadata",
            }
        ],
    }


async def test_user_profile_metadata_follows_the_realms_username_and_email_rules(env: Env) -> None:
    headers = await _setup(env)
    user_id = await _create(env, headers, username="meta", email="meta@localhost")
    await _switch_realm(env, headers, editUsernameAllowed=True)
    url, params = f"{USERS}/{user_id}", {"userProfileMetadata": "true"}
    body = (await env.http.get(url, params=params, headers=headers)).json()
    assert [a["readOnly"] for a in body["userProfileMetadata"]["attributes"]] == [False, False, False, False]
    await _switch_realm(env, headers, editUsernameAllowed=False, registrationEmailAsUsername=True)
    body = (await env.http.get(url, params=params, headers=headers)).json()
    assert [a["readOnly"] for a in body["userProfileMetadata"]["attributes"]] == [True, False, False, False]


async def test_a_user_read_without_the_flag_has_no_user_profile_metadata(env: Env) -> None:
    headers = await _setup(env)
    user_id = await _create(env, headers, username="meta")
    for params in ({}, {"userProfileMetadata": "false"}, {"userProfileMetadata": "yes"}):
        body = (await env.http.get(f"{USERS}/{user_id}", params=params, headers=headers)).json()
        assert "userProfileMetadata" not in body
