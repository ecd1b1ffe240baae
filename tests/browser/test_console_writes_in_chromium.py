"""The consoles' writes pressed in Chromium, checked against the Admin REST.

The master administrator saves, creates and deletes through the Admin Console's own forms and buttons; each
write must land on a page with its success message and nothing wrong on the way (the crawl's detectors), and
the stored representation must change exactly as intended. Forms given bad input (an empty or taken name, a
malformed e-mail, a bad redirect URI, an over-long value) must say why next to the field, in the Admin REST's
words, keep what was typed and store nothing. Limited administrators (view-only, manage-users only,
manage-clients only) must see no write button they cannot use, and a forced post with their page's own CSRF
token must be refused with a 403 that changes nothing. A user's Account Console writes go the same way.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator

import pytest
import requests
from console_crawl_support import CLIENT_MANAGER, PASSWORD, REALM, VIEWER, log_in, token, walk_list
from console_writes_support import USER_MANAGER, Rest, Watched, changed, csrf_token, writes_realm
from playwright.sync_api import Browser

from interop.server import ADMIN_PASSWORD, ADMIN_USERNAME, DoorkeepProcess

pytestmark = [pytest.mark.browser, pytest.mark.interop]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    work = tmp_path_factory.mktemp("console-writes")
    realm_file = work / f"{REALM}-realm.json"
    realm_file.write_text(json.dumps(writes_realm()))
    process = DoorkeepProcess(work / "server", import_realms=[realm_file])
    process.start()
    try:
        yield f"http://localhost:{process.port}"
    finally:
        process.stop()


@pytest.fixture(scope="module")
def rest(server: str) -> Rest:
    return Rest(server)


@pytest.fixture(scope="module")
def admin(server: str, browser: Browser) -> Iterator[Watched]:
    """The master administrator, signed in once, on the realm's Admin Console."""
    context = browser.new_context(viewport={"width": 1200, "height": 800})
    try:
        page = context.new_page()
        base = f"{server}/admin/master/console"
        log_in(page, f"{base}/", ADMIN_USERNAME, ADMIN_PASSWORD, r".*/admin/master/console/.*")
        yield Watched(page, f"{base}/{REALM}")
    finally:
        context.close()


def inside(server: str) -> str:
    return f"{server}/admin/master/console/{REALM}"


def test_saving_a_clients_settings_changes_only_what_the_form_changed(server: str, rest: Rest, admin: Watched) -> None:
    before = rest.client("a-confidential")
    admin.open(f"{inside(server)}/clients/{before['id']}")
    admin.page.fill("#f-description", "Pressed in Chromium")
    admin.page.fill("#f-redirectUris", "http://localhost/callback\nhttp://localhost/second")
    admin.page.uncheck("#f-directAccessGrantsEnabled")
    admin.submit("Save")
    admin.succeeded("Client settings saved.")
    after = rest.client("a-confidential")
    assert changed(before, after) == {
        "description": (None, "Pressed in Chromium"),
        "redirectUris": (["http://localhost/callback"], ["http://localhost/callback", "http://localhost/second"]),
        "directAccessGrantsEnabled": (True, False),
    }


@pytest.mark.parametrize(
    "uri", ["javascript:alert(1)", "http://localhost/callback#fragment", "http://local host/callback"]
)
def test_a_bad_redirect_uri_is_refused_in_the_rest_apis_words_and_the_form_keeps_it(
    server: str, rest: Rest, admin: Watched, uri: str
) -> None:
    before = rest.client("a-public")
    refused = rest.call("PUT", f"/clients/{before['id']}", json={**before, "redirectUris": [uri]})
    assert refused.status_code == 400, f"the Admin REST stored {uri!r}: {refused.status_code}"
    words = refused.json()["error_description"]
    admin.open(f"{inside(server)}/clients/{before['id']}")
    admin.page.fill("#f-redirectUris", uri)
    admin.submit("Save")
    assert words in admin.field_error("redirectUris"), (
        f"{uri!r}: the field says {admin.field_error('redirectUris')!r}, the Admin REST {words!r}; "
        f"alerts: {admin.alerts()}"
    )
    assert admin.page.input_value("#f-redirectUris") == uri
    assert not admin.problems(), "\n".join(admin.problems())
    assert rest.client("a-public") == before


def test_saving_a_user_changes_only_their_names(server: str, rest: Rest, admin: Watched) -> None:
    before = rest.user("crawler05")
    admin.open(f"{inside(server)}/users/{before['id']}/details")
    admin.page.fill("#f-firstName", "Renamed")
    admin.page.fill("#f-lastName", "In Chromium")
    admin.submit("Save")
    admin.succeeded("The user has been saved.")
    after = rest.user("crawler05")
    assert changed(before, after) == {
        "firstName": (before["firstName"], "Renamed"),
        "lastName": (before["lastName"], "In Chromium"),
    }


@pytest.mark.parametrize(
    ("field", "value", "status"),
    [
        ("email", "not-an-e-mail", 400),
        ("email", "crawler07@example.com", 409),  # another user's
        ("firstName", "x" * 256, 400),
    ],
)
def test_a_refused_user_form_says_why_by_the_field_and_keeps_what_was_typed(
    server: str, rest: Rest, admin: Watched, field: str, value: str, status: int
) -> None:
    before = rest.user("crawler06")
    refused = rest.call("PUT", f"/users/{before['id']}", json={**before, field: value})
    assert refused.status_code == status, refused.text
    words = refused.json().get("errorMessage") or refused.json().get("error_description") or refused.json()["error"]
    admin.open(f"{inside(server)}/users/{before['id']}/details")
    admin.page.fill(f"#f-{field}", value)
    admin.submit("Save")
    shown = admin.field_error(field)
    assert shown, f"{field}={value[:20]!r}: no message by the field; alerts {admin.alerts()}"
    assert admin.page.input_value(f"#f-{field}") == value
    assert not admin.problems(), "\n".join(admin.problems())
    assert rest.user("crawler06") == before, f"the refused form stored something (the REST said {words!r})"


def test_resetting_a_password_lets_the_user_sign_in_with_the_new_one(server: str, rest: Rest, admin: Watched) -> None:
    target = rest.user("crawler08")
    admin.open(f"{inside(server)}/users/{target['id']}/credentials")
    admin.page.fill("#f-password", "Brand-New-Pass-8")
    admin.page.fill("#f-passwordConfirmation", "Brand-New-Pass-8")
    admin.page.uncheck("#f-temporary")
    admin.submit("Reset password")
    admin.succeeded("The password has been reset.")
    grant = {"grant_type": "password", "client_id": "a-public", "username": "crawler08"}
    token(server, REALM, {**grant, "password": "Brand-New-Pass-8"})
    old = requests.post(
        f"{server}/realms/{REALM}/protocol/openid-connect/token", data={**grant, "password": PASSWORD}, timeout=10
    )
    assert old.status_code == 400, old.text
    assert changed(target, rest.user("crawler08")) == {}


def test_signing_out_a_session_ends_it_and_the_list_pages_after(server: str, rest: Rest, admin: Watched) -> None:
    for n in range(10, 13):
        token(
            server,
            REALM,
            {"grant_type": "password", "client_id": "a-public", "username": f"crawler{n}", "password": PASSWORD},
        )
    target = rest.user("crawler11")
    assert len(rest.get(f"/users/{target['id']}/sessions")) == 1
    admin.open(f"{inside(server)}/users/{target['id']}/sessions")
    admin.page.get_by_role("button", name=re.compile(r"^Sign out crawler11 ")).click()
    if admin.page.locator("section.confirm").count():
        admin.confirm("Sign out")
    admin.page.wait_for_selector(".flash")
    assert not admin.alerts() and not admin.problems(), (admin.alerts(), admin.problems())
    assert rest.get(f"/users/{target['id']}/sessions") == []
    pages = walk_list(admin.page, f"{inside(server)}/sessions", "User")
    shown = [row[0] for rows in pages for row in rows]
    assert "crawler11" not in shown and {"crawler10", "crawler12"} <= set(shown), shown


def test_the_sessions_tab_saves_one_lifespan_and_refuses_an_empty_one(server: str, rest: Rest, admin: Watched) -> None:
    before = rest.get("")
    admin.open(f"{inside(server)}/realm-settings/sessions")
    admin.page.fill("#f-ssoSessionIdleTimeout", "")
    admin.submit("Save")
    assert admin.field_error("ssoSessionIdleTimeout"), f"no message by the empty field; alerts {admin.alerts()}"
    assert rest.get("") == before
    admin.page.fill("#f-ssoSessionIdleTimeout", "45")
    admin.page.select_option("select[name='ssoSessionIdleTimeout.unit']", "minutes")
    admin.submit("Save")
    admin.succeeded("Sessions settings saved.")
    assert changed(before, rest.get("")) == {"ssoSessionIdleTimeout": (before["ssoSessionIdleTimeout"], 2700)}


def test_an_organization_is_created_refused_when_its_name_is_taken_and_deleted(
    server: str, rest: Rest, admin: Watched
) -> None:
    admin.open(f"{inside(server)}/organizations/new")
    admin.submit("Create")
    assert admin.field_error("name"), f"an empty name: no message by the field; alerts {admin.alerts()}"
    admin.page.fill("#f-name", "Crawl Org")
    admin.page.fill("#f-description", "typed")
    admin.submit("Create")
    assert admin.field_error("name") or admin.alerts(), "a taken name: no message"
    assert admin.page.input_value("#f-description") == "typed"
    assert [o["name"] for o in rest.get("/organizations")] == ["Crawl Org"]
    admin.page.fill("#f-name", "Pressed Org")
    admin.page.fill("#f-alias", "pressed-org")
    admin.page.fill("#f-domains", "pressed.example")
    admin.submit("Create")
    admin.succeeded("Organization Pressed Org created.")
    made = [o for o in rest.get("/organizations") if o["name"] == "Pressed Org"]
    assert len(made) == 1 and made[0]["alias"] == "pressed-org", made
    assert [d["name"] for d in made[0]["domains"]] == ["pressed.example"]
    admin.submit("Delete organization", form="form:has(button.danger)")
    if admin.page.locator("section.confirm").count():
        admin.confirm("Delete")
    assert admin.page.locator(".flash.success").count() == 1, admin.alerts()
    assert sorted(o["name"] for o in rest.get("/organizations")) == ["Crawl Org"]


def test_a_flow_is_created_refused_when_its_alias_is_taken_and_deleted(server: str, rest: Rest, admin: Watched) -> None:
    admin.open(f"{inside(server)}/authentication/create-flow")
    admin.page.fill("#f-alias", "browser")
    admin.page.fill("#f-description", "typed")
    admin.submit("Create")
    assert admin.field_error("alias"), f"a taken alias: no message by the field; alerts {admin.alerts()}"
    assert admin.page.input_value("#f-description") == "typed"
    aliases = [f["alias"] for f in rest.get("/authentication/flows")]
    admin.page.fill("#f-alias", "pressed-flow")
    admin.submit("Create")
    admin.succeeded("Flow created")
    assert sorted(f["alias"] for f in rest.get("/authentication/flows")) == sorted([*aliases, "pressed-flow"])


def test_the_tokens_tab_saves_the_access_token_lifespan_alone(server: str, rest: Rest, admin: Watched) -> None:
    before = rest.get("")
    admin.open(f"{inside(server)}/realm-settings/tokens")
    admin.page.fill("#f-accessTokenLifespan", "7")
    admin.page.select_option("select[name='accessTokenLifespan.unit']", "minutes")
    admin.submit("Save")
    admin.succeeded("Tokens settings saved.")
    assert changed(before, rest.get("")) == {"accessTokenLifespan": (before["accessTokenLifespan"], 420)}


def test_a_required_action_is_switched_off_and_on(server: str, rest: Rest, admin: Watched) -> None:
    def enabled() -> bool:
        return bool(rest.get("/authentication/required-actions/UPDATE_PROFILE")["enabled"])

    assert enabled()
    admin.open(f"{inside(server)}/authentication/required-actions")
    with admin.page.expect_navigation():
        admin.page.get_by_role("button", name=re.compile(r"^Enabled Update Profile: On, turn off$")).click()
    admin.succeeded("Updated required action successfully")
    assert not enabled()
    with admin.page.expect_navigation():
        admin.page.get_by_role("button", name=re.compile(r"^Enabled Update Profile: Off, turn on$")).click()
    admin.succeeded("Updated required action successfully")
    assert enabled()


def test_a_credential_is_deleted_after_its_confirm_step(server: str, rest: Rest, admin: Watched) -> None:
    target = rest.user("crawler13")
    assert [c["type"] for c in rest.get(f"/users/{target['id']}/credentials")] == ["password"]
    admin.open(f"{inside(server)}/users/{target['id']}/credentials")
    with admin.page.expect_navigation():
        admin.page.get_by_role("button", name=re.compile(r"^Delete password")).click()
    admin.confirm("Delete")
    admin.succeeded("The password credential has been deleted.")
    assert rest.get(f"/users/{target['id']}/credentials") == []
    assert changed(target, rest.user("crawler13")) == {}


def test_the_advanced_tab_sets_one_client_override_and_refuses_a_grace_past_its_range(
    server: str, rest: Rest, admin: Watched
) -> None:
    before = rest.client("a-service")
    admin.open(f"{inside(server)}/clients/{before['id']}/advanced")
    admin.page.fill("#f-grace", "121")
    admin.submit("Save")
    by_field = admin.page.locator("div.field:has(#f-grace) p.field-error")
    assert by_field.count() == 1 and "120" in by_field.inner_text(), f"a grace of 121 s: no message; {admin.alerts()}"
    assert admin.page.input_value("#f-grace") == "121"
    assert rest.client("a-service") == before
    admin.page.fill("#f-grace", "")
    admin.page.fill("#f-client\\.session\\.idle\\.timeout", "5")
    admin.page.select_option("select[name='client.session.idle.timeout.unit']", "minutes")
    admin.submit("Save")
    admin.succeeded("Advanced settings saved.")
    assert changed(before, rest.client("a-service")) == {"attributes.client.session.idle.timeout": (None, "300")}


# What each limited administrator must not write: (their role set's name, the page they would write on, the form's
# action path under the realm, its fields). {user} and {client} stand for crawler04's and a-confidential's ids.
FORBIDDEN: dict[str, list[tuple[str, str, dict[str, str]]]] = {
    VIEWER: [
        ("/users/{user}/details", "/users/{user}/details", {"firstName": "Forced", "email": "crawler04@example.com"}),
        (
            "/users/{user}/credentials",
            "/users/{user}/credentials/reset-password",
            {"password": "Forced-1", "passwordConfirmation": "Forced-1"},
        ),
        ("", "/users/{user}/sign-out", {}),  # refused before its confirm step
        ("", "/users/{user}/sign-out", {"confirmed": "yes"}),
        ("", "/users/{user}/consents/revoke", {"client": "a-confidential"}),
        ("", "/clients/{client}", {"description": "Forced"}),
        ("", "/organizations/new", {"name": "Forced Org", "alias": "forced-org"}),
        ("", "/realm-settings/sessions", {"ssoSessionIdleTimeout": "1", "ssoSessionIdleTimeout.unit": "minutes"}),
        ("", "/authentication/create-flow", {"alias": "forced-flow", "providerId": "basic-flow"}),
    ],
    CLIENT_MANAGER: [
        ("", "/users/{user}/details", {"firstName": "Forced", "email": "crawler04@example.com"}),
        ("", "/organizations/new", {"name": "Forced Org", "alias": "forced-org"}),
        ("", "/realm-settings/sessions", {"ssoSessionIdleTimeout": "1", "ssoSessionIdleTimeout.unit": "minutes"}),
        ("", "/identity-providers/instances/upstream/delete", {"confirmed": "yes"}),
    ],
    USER_MANAGER: [
        ("/clients/{client}", "/clients/{client}", {"description": "Forced"}),
        ("", "/realm-settings/sessions", {"ssoSessionIdleTimeout": "1", "ssoSessionIdleTimeout.unit": "minutes"}),
        ("", "/authentication/create-flow", {"alias": "forced-flow", "providerId": "basic-flow"}),
        ("", "/identity-providers/instances/upstream/delete", {"confirmed": "yes"}),
    ],
}


def snapshot(rest: Rest) -> dict[str, object]:
    """What the forced posts could change: the realm, crawler04 and their sessions, a-confidential, the
    organizations, the flows and the identity providers."""
    target = rest.user("crawler04")
    return {
        "realm": rest.get(""),
        "user": target,
        "sessions": [s["id"] for s in rest.get(f"/users/{target['id']}/sessions")],
        "client": rest.client("a-confidential"),
        "organizations": sorted(o["alias"] for o in rest.get("/organizations")),
        "flows": sorted(f["alias"] for f in rest.get("/authentication/flows")),
        "providers": sorted(p["alias"] for p in rest.get("/identity-provider/instances")),
    }


@pytest.mark.parametrize("username", [VIEWER, CLIENT_MANAGER, USER_MANAGER])
def test_a_limited_administrator_has_no_button_for_a_write_and_a_forced_one_is_refused(
    server: str, rest: Rest, browser: Browser, username: str
) -> None:
    token(
        server,
        REALM,
        {"grant_type": "password", "client_id": "a-public", "username": "crawler04", "password": PASSWORD},
    )
    ids = {"user": rest.user("crawler04")["id"], "client": rest.client("a-confidential")["id"]}
    before = snapshot(rest)
    context = browser.new_context(viewport={"width": 1200, "height": 800})
    try:
        page = context.new_page()
        base = f"{server}/admin/{REALM}/console"
        log_in(page, f"{base}/", username, PASSWORD, rf".*/admin/{REALM}/console/.*")
        watched = Watched(page, f"{base}/{REALM}")
        for shown, action, form in FORBIDDEN[username]:
            if shown:  # the page they may read offers no write: no enabled submit button in its form
                watched.crawler.visit(f"{base}/{REALM}{shown.format(**ids)}")
                enabled = page.locator(
                    "form.card :is(button[type=submit], input:not([type=hidden]), textarea, select):enabled"
                )
                assert enabled.count() == 0, f"{username} on {shown}: {enabled.count()} enabled controls of a write"
            watched.crawler.visit(f"{base}/{REALM}/users")
            url = f"{base}/{REALM}{action.format(**ids)}"
            forced = page.request.post(
                url, form={**form, "csrf_token": csrf_token(page)}, headers={"Origin": server}, max_redirects=0
            )
            assert forced.status == 403, f"{username} POST {action}: {forced.status} {forced.text()[:300]}"
    finally:
        context.close()
    assert snapshot(rest) == before, f"{username}'s refused posts changed something"


def test_a_user_saves_their_names_in_the_account_console_and_nothing_else_changes(
    server: str, rest: Rest, browser: Browser
) -> None:
    before = rest.user("crawler09")
    context = browser.new_context(viewport={"width": 1200, "height": 800})
    try:
        page = context.new_page()
        base = f"{server}/realms/{REALM}/account"
        log_in(page, f"{base}/", "crawler09", PASSWORD, rf".*/realms/{REALM}/account/.*")
        watched = Watched(page, base)
        watched.crawler.visit(f"{base}/")
        page.fill("#firstName", "Selfnamed")
        page.fill("#email", "")
        with page.expect_navigation():
            page.get_by_role("button", name="Save").click()
        assert page.locator("#email-error").count() == 1, "an emptied e-mail: no message by the field"
        assert rest.user("crawler09") == before
        page.fill("#email", before["email"])
        with page.expect_navigation():
            page.get_by_role("button", name="Save").click()
        assert page.locator(".flash.success").count() == 1, page.locator("[role=alert]").all_inner_texts()
        assert not watched.problems(), "\n".join(watched.problems())
    finally:
        context.close()
    assert changed(before, rest.user("crawler09")) == {"firstName": (before["firstName"], "Selfnamed")}
