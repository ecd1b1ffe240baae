"""Hostile tests of recovery codes and "Try Another Way": guessing codes (Brute Force Detection counts them with the
password's failures), a spent code replayed, another user's code, odd input, an ``authenticationExecution`` that
is not offered (another step, another flow's, junk), forged or missing form codes, markup in the texts and labels
(the feature turned off: test_recovery_codes_feature_off.py)."""

from __future__ import annotations

import json

import pytest

from browser_flow import code_from, start, submit, submit_forged
from doorkeep.users import recovery_codes
from flow_builder import ADMIN, add_otp, admin, events
from recovery_flow import (
    OTP_FORM,
    RECOVERY,
    asked_number,
    choose,
    credentials,
    give_codes,
    listed,
    password_page,
    seed,
    try_another_way,
    two_factor_flow,
    user_rep,
)
from support import seed_user
from wire_env import Env

pytestmark = pytest.mark.anyio
UNEXPECTED = "Unexpected error when handling authentication request to identity provider."
INVALID = "Invalid recovery authentication code"


@pytest.fixture
async def realm(env: Env) -> Env:
    await seed(env)
    return env


async def failures(env: Env) -> int:
    user = await user_rep(env)
    found = (await admin(env, "GET", f"{ADMIN}/attack-detection/brute-force/users/{user['id']}", status=200)).json()
    count: int = found["numFailures"]
    return count


async def remaining(env: Env, username: str = "user1") -> int:
    [stored] = [c for c in await credentials(env, username) if c["type"] == recovery_codes.TYPE]
    left: int = json.loads(stored["credentialData"])["remainingCodes"]
    return left


async def test_wrong_codes_count_with_wrong_passwords(realm: Env) -> None:
    """A wrong password and wrong codes add up in the one failure count; a blank code is a failure too."""
    env = realm
    await admin(env, "PUT", ADMIN, {"bruteForceProtected": True, "failureFactor": 30}, 204)
    await two_factor_flow(env, RECOVERY)
    await give_codes(env)
    wrong = await submit(env.http, await start(env.http, "test", "app"), username="user1", password="nope")
    assert "Invalid username or password." in wrong.text
    env.clock.advance(5)
    page = await submit(env.http, wrong, username="user1", password="password")
    for typed in ("WRONGWRONG12", "", "   "):
        env.clock.advance(5)
        page = await submit(env.http, page, recoveryCodeInput=typed)
        assert INVALID in page.text and asked_number(page) == 1
    assert await failures(env) == 4
    assert await remaining(env) == 12


async def test_a_spent_code_is_refused_when_replayed(realm: Env) -> None:
    env = realm
    await two_factor_flow(env, RECOVERY)
    codes = await give_codes(env)
    assert "code" in code_from(await submit(env.http, await password_page(env), recoveryCodeInput=codes[0]))
    env.http.cookies.clear()
    page = await password_page(env)
    assert asked_number(page) == 2
    replayed = await submit(env.http, page, recoveryCodeInput=codes[0])
    assert INVALID in replayed.text and await remaining(env) == 11
    skipped = await submit(env.http, replayed, recoveryCodeInput=codes[2])  # only the next one counts
    assert INVALID in skipped.text and await remaining(env) == 11


async def test_another_users_code_and_odd_input_are_refused(realm: Env) -> None:
    env = realm
    await seed_user(env.db, env.clock, "test", "user2")
    await two_factor_flow(env, RECOVERY)
    await give_codes(env)
    theirs = await give_codes(env, "user2")
    page = await password_page(env)
    for typed in (theirs[0], "x" * 5000, "ÄÖÜ\u202e-<b>", "\x00\x01"):
        page = await submit(env.http, page, recoveryCodeInput=typed)
        assert page.status_code == 200 and INVALID in page.text and "<b>" not in page.text
    assert await remaining(env) == 12 and await remaining(env, "user2") == 12
    errors = await events(env, "LOGIN_ERROR")
    assert {e.error for e in errors} == {"invalid_user_credentials"}
    assert not any(theirs[0] in json.dumps(e.details) for e in errors)


async def test_codes_removed_meanwhile_are_refused_without_an_error(realm: Env) -> None:
    """The credential deleted by an admin while the page was open: the code is wrong, nothing breaks."""
    env = realm
    await two_factor_flow(env, RECOVERY)
    codes = await give_codes(env)
    page = await password_page(env)
    user = await user_rep(env)
    [stored] = [c for c in await credentials(env) if c["type"] == recovery_codes.TYPE]
    await admin(env, "DELETE", f"{ADMIN}/users/{user['id']}/credentials/{stored['id']}", None, 204)
    refused = await submit(env.http, page, recoveryCodeInput=codes[0])
    assert refused.status_code == 200 and INVALID in refused.text


async def test_the_last_code_removes_the_set_and_asks_for_a_new_one(realm: Env) -> None:
    """RecoveryAuthnCodesFormAuthenticator: the set used up, its credential goes and CONFIGURE_RECOVERY_AUTHN_CODES
    is the user's; the setup page follows at once."""
    env = realm
    await two_factor_flow(env, RECOVERY)
    codes = await give_codes(env)
    for code in codes[:-1]:
        assert "code" in code_from(await submit(env.http, await password_page(env), recoveryCodeInput=code))
        env.http.cookies.clear()
    setup = await submit(env.http, await password_page(env), recoveryCodeInput=codes[-1])
    assert 'id="kc-recovery-codes-list"' in setup.text
    assert recovery_codes.TYPE not in [c["type"] for c in await credentials(env)]
    assert (await user_rep(env))["requiredActions"] == ["CONFIGURE_RECOVERY_AUTHN_CODES"]
    assert "code" in code_from(await submit(env.http, setup))
    assert await remaining(env) == 12


@pytest.mark.parametrize("kind", ["not offered", "another flow", "junk", "markup", "empty", "huge"])
async def test_an_execution_not_offered_ends_the_login(realm: Env, kind: str) -> None:
    """DefaultAuthenticationFlow.processAction: "Requested authentication execution is not allowed" (INTERNAL_ERROR),
    a LOGIN_ERROR and the 400 page; the tab's login is over."""
    env = realm
    ids = await two_factor_flow(env, OTP_FORM, RECOVERY)
    await give_codes(env)  # no OTP credential: the OTP form is not offered
    browser_flow = (await admin(env, "GET", f"{ADMIN}/authentication/flows/browser/executions", status=200)).json()
    wanted = {
        "not offered": ids[OTP_FORM],
        "another flow": next(e["id"] for e in browser_flow if e.get("providerId") == RECOVERY),
        "junk": "../../etc/passwd",
        "markup": '"><script>alert(1)</script>',
        "empty": "",
        "huge": "x" * 3000,
    }[kind]
    page = await password_page(env)
    refused = await choose(env, page, wanted)
    assert refused.status_code == 400 and UNEXPECTED in refused.text and "<script>alert" not in refused.text
    [error] = await events(env, "LOGIN_ERROR")
    assert error.error == "invalid_user_credentials"
    dead = await submit(env.http, page, recoveryCodeInput="WHATEVER1234")
    assert dead.status_code != 302 and asked_number(dead) is None


async def test_choosing_needs_the_forms_code_and_cookie(realm: Env) -> None:
    """The selection forms are login-actions forms: a forged code shows no list and switches nothing; without the
    AUTH_SESSION_ID cookie there is no login to switch."""
    env = realm
    ids = await two_factor_flow(env, OTP_FORM, RECOVERY)
    await add_otp(env)
    await give_codes(env)
    page = await password_page(env)
    forged = await submit_forged(env.http, page, "forged", tryAnotherWay="on")
    # SessionCodeChecks: a spent code of the tab's own page sends the browser back to that page, nothing chosen
    assert forged.status_code == 302 and "/login-actions/authenticate?execution=otp&" in forged.headers["location"]
    forged = await submit_forged(env.http, page, "forged", authenticationExecution=ids[RECOVERY])
    assert forged.status_code == 302 and "/login-actions/authenticate?execution=otp&" in forged.headers["location"]
    assert 'name="otp"' in (await env.http.get(forged.headers["location"])).text
    cookies = env.http.cookies
    env.http.cookies.clear()
    blind = await submit(env.http, page, authenticationExecution=ids[RECOVERY])
    assert asked_number(blind) is None and blind.status_code != 302
    env.http.cookies = cookies


async def test_the_password_page_ignores_a_switch(realm: Env) -> None:
    """Before the password nothing is chosen: the fields are not the password form's, which refuses the login."""
    env = realm
    ids = await two_factor_flow(env, OTP_FORM, RECOVERY)
    await give_codes(env)
    first = await start(env.http, "test", "app")
    switched = await submit(env.http, first, authenticationExecution=ids[RECOVERY], tryAnotherWay="on")
    assert asked_number(switched) is None and listed(switched) == []
    assert "Invalid username or password." in switched.text


async def test_markup_in_texts_and_labels_is_escaped(realm: Env) -> None:
    """A realm's own text for a display name, and a device name posted with the setup form, are shown as text."""
    env = realm
    ids = await two_factor_flow(env, OTP_FORM, RECOVERY)
    markup = '<img src=x onerror="alert(1)">'
    await env.http.put(
        f"{ADMIN}/localization/en/otp-display-name",
        content=markup,
        headers={**await env.admin_headers(), "Content-Type": "text/plain"},
    )
    await add_otp(env)
    await give_codes(env)
    selection = await try_another_way(env, await password_page(env))
    assert markup not in selection.text and "&lt;img src=x" in selection.text
    assert [e for e, _, _ in listed(selection)] == [ids[OTP_FORM], ids[RECOVERY]]


async def test_a_setup_label_with_markup_is_stored_as_text(realm: Env) -> None:
    env = realm
    user = await user_rep(env)
    await admin(env, "PUT", f"{ADMIN}/users/{user['id']}", {"requiredActions": ["CONFIGURE_RECOVERY_AUTHN_CODES"]}, 204)
    page = await password_page(env)
    label = "<script>x</script>"
    assert "code" in code_from(await submit(env.http, page, userLabel=label))
    [stored] = [c for c in await credentials(env) if c["type"] == recovery_codes.TYPE]
    assert stored["userLabel"] == label
    too_long = "y" * 300  # longer than the column: the default label instead of a database error
    await admin(env, "PUT", f"{ADMIN}/users/{user['id']}", {"requiredActions": ["CONFIGURE_RECOVERY_AUTHN_CODES"]}, 204)
    env.http.cookies.clear()
    assert "code" in code_from(await submit(env.http, await password_page(env), userLabel=too_long))
    [stored] = [c for c in await credentials(env) if c["type"] == recovery_codes.TYPE]
    assert stored["userLabel"] == "Recovery codes"


async def test_try_another_way_with_one_way_lists_only_it(realm: Env) -> None:
    """A forged "Try Another Way" on the page of a user with one second factor: as Keycloak's, the list holds that
    one step, which leads back to its page; the code still works."""
    env = realm
    ids = await two_factor_flow(env, OTP_FORM, RECOVERY)
    codes = await give_codes(env)
    page = await password_page(env)
    only = await submit(env.http, page, tryAnotherWay="on")
    assert [e for e, _, _ in listed(only)] == [ids[RECOVERY]]
    again = await choose(env, only, ids[RECOVERY])
    assert asked_number(again) == 1
    assert "code" in code_from(await submit(env.http, again, recoveryCodeInput=codes[0]))


async def test_try_another_way_after_the_credential_went_shows_the_page_again(realm: Env) -> None:
    """Nothing left to list (the codes deleted by an admin meanwhile): the page again, never an empty list."""
    env = realm
    await two_factor_flow(env, OTP_FORM, RECOVERY)
    await give_codes(env)
    page = await password_page(env)
    user = await user_rep(env)
    [stored] = [c for c in await credentials(env) if c["type"] == recovery_codes.TYPE]
    await admin(env, "DELETE", f"{ADMIN}/users/{user['id']}/credentials/{stored['id']}", None, 204)
    again = await submit(env.http, page, tryAnotherWay="on")
    assert again.status_code == 200 and listed(again) == [] and asked_number(again) == 1
