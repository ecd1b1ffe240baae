"""The Admin Console's organization role pages attacked (security review: CSRF, XSS, forged posts): every form of
the Roles tab, the role's tabs and a member's role mapping refuses a forged CSRF token; an administrator who may only
view organizations is refused each write the s71-h port does not already post (nest, unnest, add users, assign a
member's role); attribute keys and values are text, never markup. Nothing changes in either case."""

from __future__ import annotations

import pytest

from admin_support import make_admin
from console_support import HTML, post_pairs, sign_in
from org_groups import member, organization
from org_roles import call, ids, org_role, realm_role
from wire_env import Env, client_at

pytestmark = pytest.mark.anyio
ORGS = "/admin/test/console/test/organizations"
XSS = '"><img src=x onerror=alert(1)>'


async def _state(env: Env, org: str, role: str) -> tuple[object, ...]:
    _, roles = await call(env, "GET", f"{org}/roles", briefRepresentation="false")
    return (
        sorted((r["name"], r.get("description"), str(r["attributes"])) for r in roles),
        await ids(env, f"{org}/roles/{role}/composites"),
        await ids(env, f"{org}/roles/{role}/users"),
    )


async def _forms(env: Env) -> tuple[str, dict[str, str], str, str, str, list[tuple[str, list[tuple[str, str]]]]]:
    org = await organization(env, "console-forgery")
    role = await org_role(env, org, "editor")
    nested = await realm_role(env, "console-forgery-realm-role")
    assert (await call(env, "POST", f"{org}/roles/{role['id']}/composites", [nested]))[0] == 204
    alice = await member(env, org, "alice", "alice@console-forgery.org")
    bob = await member(env, org, "bob", "bob@console-forgery.org")
    assert (await call(env, "POST", f"{org}/roles/{role['id']}/users", [{"id": alice}]))[0] == 204
    r = f"/roles/{role['id']}"
    forms = [
        ("/roles/new", [("name", "forged")]),
        (f"{r}/details", [("name", "renamed"), ("description", "x")]),
        (f"{r}/attributes", [("key", "k"), ("value", "v")]),
        (f"{r}/delete", [("confirmed", "yes")]),
        (f"{r}/associated-roles/add", [("source", "realm"), ("id", nested["id"])]),
        (f"{r}/associated-roles/{nested['id']}/remove", [("confirmed", "yes")]),
        (f"{r}/users-in-role/add", [("id", bob)]),
        (f"{r}/users-in-role/{alice}/remove", [("confirmed", "yes")]),
        (f"/members/{bob}/roles/assign", [("id", role["id"])]),
        (f"/members/{alice}/roles/{role['id']}/unassign", [("confirmed", "yes")]),
    ]
    return org, role, nested["id"], alice, bob, forms


async def test_every_form_refuses_a_forged_csrf_token(realm: Env) -> None:
    env = realm
    org, role, _, _, _, forms = await _forms(env)
    before = await _state(env, org, role["id"])
    async with client_at(env, "127.0.0.6") as http:
        await make_admin(env, "test", "forgery-boss", "realm-admin")
        await sign_in(http, "/admin/test/console/", "forgery-boss")
        for path, pairs in forms:
            for token in ("forged", ""):
                refused = await post_pairs(http, f"{ORGS}/{org}{path}", pairs, token_from="", token=token)
                assert refused.status_code in (400, 403), (path, token, refused.status_code)
        assert await _state(env, org, role["id"]) == before
        # the control: the page's own token (as the view-only test below takes it) is accepted
        done = await post_pairs(http, f"{ORGS}/{org}{forms[0][0]}", forms[0][1], token_from=f"{ORGS}/{org}/roles")
        assert done.status_code == 303, done.text[:300]
    assert "forged" in {name for name, _, _ in (await _state(env, org, role["id"]))[0]}  # type: ignore[attr-defined]


async def test_a_view_only_admins_forged_posts_change_nothing(realm: Env) -> None:
    env = realm
    org, role, _, _, _, forms = await _forms(env)
    before = await _state(env, org, role["id"])
    async with client_at(env, "127.0.0.7") as http:
        await make_admin(env, "test", "forgery-viewer", "view-organizations", "query-users", "view-users")
        await sign_in(http, "/admin/test/console/", "forgery-viewer")
        for path, pairs in forms:
            refused = await post_pairs(http, f"{ORGS}/{org}{path}", pairs, token_from=f"{ORGS}/{org}/roles")
            assert refused.status_code == 403, (path, refused.status_code)
    assert await _state(env, org, role["id"]) == before


async def test_attribute_keys_and_values_are_text(realm: Env) -> None:
    env = realm
    org = await organization(env, "console-attribute-xss")
    role = await org_role(env, org, "attributed", attributes={XSS: [XSS], "plain": [XSS + "-2"]})
    async with client_at(env, "127.0.0.8") as http:
        await make_admin(env, "test", "xss-boss", "realm-admin")
        await sign_in(http, "/admin/test/console/", "xss-boss")
        page = await http.get(f"{ORGS}/{org}/roles/{role['id']}/attributes", headers=HTML)
        assert page.status_code == 200
        assert "<img src=x" not in page.text and "&lt;img src=x onerror=alert(1)&gt;" in page.text


async def test_unstorable_names_are_a_form_error_never_a_5xx(realm: Env) -> None:
    """The console's create and rename forms with a name over 255 characters or a NUL: the form's error, nothing
    stored (the REST rule, organizations/roles.create and update)."""
    env = realm
    org = await organization(env, "console-unstorable")
    role = await org_role(env, org, "kept")
    before = await _state(env, org, role["id"])
    async with client_at(env, "127.0.0.9") as http:
        await make_admin(env, "test", "unstorable-boss", "realm-admin")
        await sign_in(http, "/admin/test/console/", "unstorable-boss")
        for name in ("n" * 256, "nul\x00name"):
            for path in ("/roles/new", f"/roles/{role['id']}/details"):
                sent = await post_pairs(http, f"{ORGS}/{org}{path}", [("name", name)], token_from=f"{ORGS}/{org}/roles")
                assert sent.status_code < 500, (path, sent.status_code)
    assert await _state(env, org, role["id"]) == before
