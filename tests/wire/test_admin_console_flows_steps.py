"""Authentication → Flows of the Admin Console, a flow's execution tree, over HTTP against the real app (both
engines): the rows ``GET flows/{alias}/executions`` answers, indented by level, with a requirement select of
each row's requirementChoices; a step's requirement (``PUT flows/{alias}/executions`` with the row, as
FlowDetails sends it), up and down (``raise-``/``lower-priority``), delete, and "Add step", "Add condition",
"Add sub-flow" (AddStepModal, AddSubFlowModal) made through the REST API's functions and recorded as those calls;
a built-in flow keeps its steps; view-realm reads, manage-realm changes."""

from __future__ import annotations

import json
import re
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from admin_support import admin_events, enable_admin_events, make_admin
from console_support import HTML, ORIGIN, csrf, sign_in
from wire_env import Env, client_at

pytestmark = pytest.mark.anyio
LIST = "/admin/test/console/test/authentication/flows"
REST = "/admin/realms/test/authentication"


@pytest.fixture
async def admin(realm: Env) -> AsyncIterator[httpx.AsyncClient]:
    await make_admin(realm, "test", "boss", "realm-admin")
    async with client_at(realm, "127.0.0.2") as http:
        await sign_in(http, "/admin/test/console/", "boss")
        yield http


async def rest(env: Env, method: str, path: str, body: object = None) -> httpx.Response:
    response = await env.http.request(method, path, json=body, headers=await env.admin_headers())
    assert response.status_code < 300, response.text
    return response


async def flow_id(env: Env, alias: str) -> str:
    listed = (await rest(env, "GET", f"{REST}/flows")).json()
    return str(next(f["id"] for f in listed if f["alias"] == alias))


async def copy(env: Env, source: str, name: str) -> str:
    await rest(env, "POST", f"{REST}/flows/{source}/copy", {"newName": name})
    return await flow_id(env, name)


async def rows(env: Env, alias: str) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = (await rest(env, "GET", f"{REST}/flows/{alias}/executions")).json()
    return found


def named(found: list[dict[str, Any]], name: str) -> dict[str, Any]:
    return next(r for r in found if r["displayName"] == name)


async def post(http: httpx.AsyncClient, path: str, **fields: str) -> httpx.Response:
    page = await http.get(LIST, headers=HTML)
    return await http.post(path, data={"csrf_token": csrf(page), **fields}, headers=ORIGIN)


async def test_the_tree_lists_the_rows_by_level_with_the_requirement_choices_of_each(
    realm: Env, admin: httpx.AsyncClient
) -> None:
    """FlowRow / FlowRequirementDropdown: a select only where a row has more than one choice."""
    browser = await flow_id(realm, "browser")
    page = await admin.get(f"{LIST}/{browser}", headers=HTML)
    assert page.status_code == 200
    found = await rows(realm, "browser")
    cells = re.findall(
        r'class="step level-(\d)">\s*<span class="visually-hidden">Level \d+: </span>([^<\n]+)', page.text
    )
    assert [(int(level), name.strip()) for level, name in cells] == [(r["level"], r["displayName"]) for r in found]
    cookie = named(found, "Cookie")["id"]
    select = page.text[page.text.index(f"/executions/{cookie}/requirement") :]
    select = select[: select.index("</select>")]
    assert re.findall(r'<option value="(\w+)"', select) == ["REQUIRED", "ALTERNATIVE", "DISABLED"]
    assert '<option value="ALTERNATIVE" selected>Alternative</option>' in select
    single = named(found, "Username Password Form")["id"]
    assert f"/executions/{single}/requirement" not in page.text  # one choice: its text only
    assert "Built-in" in page.text and "Browser flow" in page.text
    for action in ("raise-priority", "lower-priority", "/delete", "/add?"):  # a built-in flow keeps its steps
        assert action not in page.text


async def test_a_requirement_is_put_with_the_row_as_keycloaks_console_sends_it(
    realm: Env, admin: httpx.AsyncClient
) -> None:
    copied = await copy(realm, "browser", "mine")
    otp = named(await rows(realm, "mine"), "OTP Form")
    await enable_admin_events(realm, clear=True)
    done = await post(admin, f"{LIST}/{copied}/executions/{otp['id']}/requirement", requirement="REQUIRED")
    assert done.status_code == 303 and done.headers["location"].endswith(copied)
    assert "Flow successfully updated" in (await admin.get(done.headers["location"], headers=HTML)).text
    assert named(await rows(realm, "mine"), "OTP Form") == {**otp, "requirement": "REQUIRED"}
    event = (await admin_events(realm))[0]
    assert (event["operationType"], event["resourceType"], event["resourcePath"]) == (
        "UPDATE",
        "AUTH_EXECUTION",
        "authentication/flows/mine/executions",
    )
    assert json.loads(event["representation"]) == {**otp, "requirement": "REQUIRED"}
    same = await post(admin, f"{LIST}/{copied}/executions/{otp['id']}/requirement", requirement="REQUIRED")
    assert same.status_code == 303 and len(await admin_events(realm)) == 1  # nothing changed, nothing recorded
    bad = await post(admin, f"{LIST}/{copied}/executions/{otp['id']}/requirement", requirement="SOMETIMES")
    assert bad.status_code == 400
    assert "Could not update flow: For more on this error consult the server log." in bad.text
    gone = await post(admin, f"{LIST}/{copied}/executions/nope/requirement", requirement="REQUIRED")
    assert gone.status_code == 404 and "Could not update flow: Illegal execution" in gone.text


async def test_a_built_in_flows_requirement_still_changes_as_in_keycloak_unless_doorkeep_could_not_run_it(
    realm: Env, admin: httpx.AsyncClient
) -> None:
    """A bound flow stays one Doorkeep runs: the edit that would break it is refused with flow_support's reason."""
    browser = await flow_id(realm, "browser")
    found = await rows(realm, "browser")
    otp, redirector = named(found, "OTP Form"), named(found, "Identity Provider Redirector")
    refused = await post(admin, f"{LIST}/{browser}/executions/{redirector['id']}/requirement", requirement="REQUIRED")
    assert refused.status_code == 400
    assert "Could not update flow: Doorkeep cannot run flow &#39;browser&#39; as the browser flow yet" in refused.text
    assert named(await rows(realm, "browser"), "Identity Provider Redirector")["requirement"] == "ALTERNATIVE"
    done = await post(admin, f"{LIST}/{browser}/executions/{otp['id']}/requirement", requirement="REQUIRED")
    assert done.status_code == 303
    assert named(await rows(realm, "browser"), "OTP Form")["requirement"] == "REQUIRED"


async def test_up_and_down_swap_a_step_with_its_neighbour_and_the_first_raised_records_nothing(
    realm: Env, admin: httpx.AsyncClient
) -> None:
    copied = await copy(realm, "browser", "ordered")
    before = [r["displayName"] for r in await rows(realm, "ordered") if r["level"] == 0]
    cookie = named(await rows(realm, "ordered"), "Cookie")["id"]
    page = (await admin.get(f"{LIST}/{copied}", headers=HTML)).text
    assert f"{cookie}/lower-priority" in page and f"{cookie}/raise-priority" not in page  # the first has no Up
    await enable_admin_events(realm, clear=True)
    assert (await post(admin, f"{LIST}/{copied}/executions/{cookie}/lower-priority")).status_code == 303
    after = [r["displayName"] for r in await rows(realm, "ordered") if r["level"] == 0]
    assert after == [before[1], before[0], *before[2:]]
    event = (await admin_events(realm))[0]
    assert (event["operationType"], event["resourceType"], event["resourcePath"]) == (
        "UPDATE",
        "AUTH_EXECUTION",
        f"authentication/executions/{cookie}/lower-priority",
    )
    assert (await post(admin, f"{LIST}/{copied}/executions/{cookie}/raise-priority")).status_code == 303
    assert (await post(admin, f"{LIST}/{copied}/executions/{cookie}/raise-priority")).status_code == 303  # first
    assert [r["displayName"] for r in await rows(realm, "ordered") if r["level"] == 0] == before
    assert len(await admin_events(realm)) == 2
    browser = await flow_id(realm, "browser")
    built_in = named(await rows(realm, "browser"), "Cookie")["id"]
    refused = await post(admin, f"{LIST}/{browser}/executions/{built_in}/lower-priority")
    assert refused.status_code == 400
    assert "Could not update flow: It is illegal to modify execution in a built in flow" in refused.text


async def test_delete_step_asks_first_then_removes_the_step_with_its_sub_flow(
    realm: Env, admin: httpx.AsyncClient
) -> None:
    copied = await copy(realm, "browser", "trimmed")
    forms = named(await rows(realm, "trimmed"), "trimmed forms")
    asked = await post(admin, f"{LIST}/{copied}/executions/{forms['id']}/delete")
    assert asked.status_code == 200
    assert "Are you sure you want to permanently delete the execution &#34;trimmed forms&#34;." in asked.text
    await enable_admin_events(realm, clear=True)
    done = await post(admin, f"{LIST}/{copied}/executions/{forms['id']}/delete", confirmed="yes")
    assert done.status_code == 303
    assert "Execution successfully deleted" in (await admin.get(done.headers["location"], headers=HTML)).text
    left = [r["displayName"] for r in await rows(realm, "trimmed")]
    assert "trimmed forms" not in left and "Username Password Form" not in left
    listed = (await rest(realm, "GET", f"{REST}/flows")).json()
    assert "trimmed forms" not in {f["alias"] for f in listed}
    event = (await admin_events(realm))[0]
    assert (event["operationType"], event["resourceType"], event["resourcePath"]) == (
        "DELETE",
        "AUTH_EXECUTION",
        f"authentication/executions/{forms['id']}",
    )


async def test_add_step_and_add_condition_offer_what_the_flow_takes_and_post_the_provider(
    realm: Env, admin: httpx.AsyncClient
) -> None:
    """AddStepModal: authenticators in a basic flow, only the "Condition …" ones for Add condition."""
    copied = await copy(realm, "browser", "grown")
    step = await admin.get(f"{LIST}/{copied}/add", params={"kind": "execution"}, headers=HTML)
    assert step.status_code == 200 and 'value="auth-otp-form"' in step.text and 'value="client-secret"' not in step.text
    condition = await admin.get(f"{LIST}/{copied}/add", params={"kind": "condition", "to": "grown forms"}, headers=HTML)
    assert 'value="conditional-user-role"' in condition.text and 'value="auth-otp-form"' not in condition.text
    assert 'name="to" value="grown forms"' in condition.text
    await enable_admin_events(realm, clear=True)
    done = await post(admin, f"{LIST}/{copied}/add", kind="execution", to="grown", provider="auth-otp-form")
    assert done.status_code == 303 and done.headers["location"].endswith(copied)
    last = (await rows(realm, "grown"))[-1]
    assert (last["level"], last["providerId"], last["requirement"]) == (0, "auth-otp-form", "DISABLED")
    event = (await admin_events(realm))[0]
    assert (event["operationType"], event["resourceType"], event["resourcePath"]) == (
        "CREATE",
        "AUTH_EXECUTION",
        "authentication/flows/grown/executions/execution",
    )
    assert json.loads(event["representation"]) == {"provider": "auth-otp-form", "id": last["id"]}
    cond = await post(
        admin, f"{LIST}/{copied}/add", kind="condition", to="grown forms", provider="conditional-user-role"
    )
    assert cond.status_code == 303
    forms = await rows(realm, "grown forms")
    assert forms[-1]["providerId"] == "conditional-user-role" and forms[-1]["level"] == 0
    unknown = await post(admin, f"{LIST}/{copied}/add", kind="execution", to="grown", provider="nope")
    assert unknown.status_code == 400
    assert "Could not update flow: No authentication provider found for id: nope" in unknown.text


async def test_add_sub_flow_posts_alias_description_provider_and_type_and_records_an_execution_flow(
    realm: Env, admin: httpx.AsyncClient
) -> None:
    copied = await copy(realm, "browser", "nested")
    form = await admin.get(f"{LIST}/{copied}/add", params={"kind": "flow"}, headers=HTML)
    assert form.status_code == 200 and 'value="form-flow"' in form.text and "Generic" in form.text
    await enable_admin_events(realm, clear=True)
    done = await post(
        admin, f"{LIST}/{copied}/add", kind="flow", to="nested", alias="extra", description="more", type="basic-flow"
    )
    assert done.status_code == 303
    row = (await rows(realm, "nested"))[-1]
    assert (row["displayName"], row["description"], row["authenticationFlow"], row["requirement"]) == (
        "extra",
        "more",
        True,
        "DISABLED",
    )
    event = (await admin_events(realm))[0]
    assert (event["operationType"], event["resourceType"], event["resourcePath"]) == (
        "CREATE",
        "AUTH_EXECUTION_FLOW",
        "authentication/flows/nested/executions/flow",
    )
    assert json.loads(event["representation"]) == {
        "alias": "extra",
        "description": "more",
        "provider": "registration-page-form",
        "type": "basic-flow",
        "id": row["id"],
    }
    page = (await admin.get(f"{LIST}/{copied}", headers=HTML)).text
    assert "kind=condition&amp;to=extra" in page
    taken = await post(admin, f"{LIST}/{copied}/add", kind="flow", to="nested", alias="extra", type="basic-flow")
    assert taken.status_code == 409 and "Could not update flow: New flow alias name already exists" in taken.text
    assert 'value="extra"' in taken.text


async def test_steps_cannot_be_added_to_a_built_in_flow_nor_to_a_flow_elsewhere(
    realm: Env, admin: httpx.AsyncClient
) -> None:
    browser = await flow_id(realm, "browser")
    refused = await post(admin, f"{LIST}/{browser}/add", kind="execution", to="browser", provider="auth-otp-form")
    assert refused.status_code == 400
    assert "Could not update flow: It is illegal to add execution to a built in flow" in refused.text
    copied = await copy(realm, "direct grant", "elsewhere")
    outside = await admin.get(f"{LIST}/{copied}/add", params={"kind": "execution", "to": "forms"}, headers=HTML)
    assert outside.status_code == 404 and "Parent flow doesn&#39;t exist" in outside.text
    before = await rows(realm, "forms")
    forged = await post(admin, f"{LIST}/{copied}/add", kind="execution", to="forms", provider="auth-otp-form")
    assert forged.status_code == 404 and await rows(realm, "forms") == before
    unknown = await admin.get(f"{LIST}/{copied}/add", params={"kind": "other"}, headers=HTML)
    assert unknown.status_code == 404


async def test_a_view_realm_administrator_sees_the_tree_and_a_forged_step_change_is_refused(realm: Env) -> None:
    await make_admin(realm, "test", "watcher", "view-realm")
    copied = await copy(realm, "browser", "watched")
    before = await rows(realm, "watched")
    cookie = named(before, "Cookie")["id"]
    async with client_at(realm, "127.0.0.4") as http:
        await sign_in(http, "/admin/test/console/", "watcher")
        page = await http.get(f"{LIST}/{copied}", headers=HTML)
        assert page.status_code == 200 and "Cookie" in page.text and "<select" not in page.text
        assert (await http.get(f"{LIST}/{copied}/add?kind=execution", headers=HTML)).status_code == 403
        token = csrf(page)
        for path, data in (
            (f"/executions/{cookie}/requirement", {"requirement": "DISABLED"}),
            (f"/executions/{cookie}/lower-priority", {}),
            (f"/executions/{cookie}/delete", {"confirmed": "yes"}),
            ("/add", {"kind": "execution", "to": "watched", "provider": "auth-otp-form"}),
        ):
            refused = await http.post(f"{LIST}/{copied}{path}", data={"csrf_token": token, **data}, headers=ORIGIN)
            assert refused.status_code == 403 and "manage-realm" in refused.text, path
        forged = await http.post(f"{LIST}/{copied}/executions/{cookie}/lower-priority", headers=ORIGIN)
        assert forged.status_code in (400, 403)
    assert await rows(realm, "watched") == before
