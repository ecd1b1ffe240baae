"""The passwordless policy's mediation (RealmRepresentation.webAuthnPolicyPasswordlessMediation, WebAuthnPolicy
``mediation``): stored, returned and typed as the policy's other strings, and handed to the login form's passkey
request (passkeys.html), which starts with it when the page loads."""

from __future__ import annotations

import pytest

from doorkeep.realms.exportimport.files import export_realm
from flow_builder import ADMIN, admin
from passkeys_support import login_page, passkey_options, seed
from wire_env import Env

pytestmark = pytest.mark.anyio
PASSKEYS_ON = {"webAuthnPolicyPasswordlessRpEntityName": "keycloak", "webAuthnPolicyPasswordlessPasskeysEnabled": True}

MEDIATION = "webAuthnPolicyPasswordlessMediation"


async def test_the_mediation_is_conditional_unless_the_realm_says_otherwise(env: Env) -> None:
    await seed(env)
    assert (await admin(env, "GET", ADMIN, status=200)).json()[MEDIATION] == "conditional"
    assert passkey_options((await login_page(env)).text)["mediation"] == "conditional"


async def test_the_mediation_is_stored_returned_and_given_to_the_login_form(env: Env) -> None:
    """A PUT that names the policy's entity and leaves the field out puts the default back, as every field of the
    policy (getWebAuthnPolicyPasswordless); a value that is not a string is the representation's 400."""
    await seed(env)
    await admin(env, "PUT", ADMIN, {MEDIATION: "optional", **PASSKEYS_ON}, 204)
    assert (await admin(env, "GET", ADMIN, status=200)).json()[MEDIATION] == "optional"
    assert passkey_options((await login_page(env)).text)["mediation"] == "optional"
    assert (await export_realm(env.db, "test"))[MEDIATION] == "optional"

    await admin(env, "PUT", ADMIN, {MEDIATION: ["optional"]}, 400)
    await admin(env, "PUT", ADMIN, PASSKEYS_ON, 204)
    assert (await admin(env, "GET", ADMIN, status=200)).json()[MEDIATION] == "conditional"


async def test_a_realm_file_with_the_mediation_imports(env: Env) -> None:
    """Keycloak 26.6's export carries the field: the import no longer refuses it as unknown."""
    headers = await env.admin_headers()
    rep = {"realm": "newer", "enabled": True, MEDIATION: "required"}
    created = await env.http.post("/admin/realms", json=rep, headers=headers)
    assert created.status_code == 201, created.text
    got = await env.http.get("/admin/realms/newer", headers=headers)
    assert got.json()[MEDIATION] == "required"
