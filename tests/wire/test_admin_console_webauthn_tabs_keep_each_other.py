"""The Admin Console's two WebAuthn policy tabs against each other, over HTTP against the real app: saving one tab
leaves every field of the other policy as stored (and the passwordless policy's passkeys switch and mediation), and
a tab sent with an empty relying party entity name is refused with "Required field" and saves nothing, as Keycloak
26's console (WebauthnPolicy.tsx: ``rules={{ required: t("required") }}`` on ``…RpEntityName``) never sends it. The
passwordless tab alone carries Keycloak's "Enable Passkeys" switch (``webAuthnPolicyPasswordlessPasskeysEnabled``)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from admin_support import make_admin
from console_support import HTML, ORIGIN, csrf, sign_in
from doorkeep.users.webauthn_policy import KEYS, MEDIATION, PASSKEYS_ENABLED
from webauthn_flow import seed
from wire_env import Env, client_at

pytestmark = pytest.mark.anyio
CONSOLE = "/admin/test/console/test/authentication/policies"
TABS = {"webAuthnPolicy": f"{CONSOLE}/webauthn", "webAuthnPolicyPasswordless": f"{CONSOLE}/webauthn-passwordless"}
REALM = "/admin/realms/test"


def stored_policy(prefix: str) -> dict[str, Any]:
    """Every field of one policy set away from its default, as a REST client writes them."""
    return {
        f"{prefix}RpEntityName": f"{prefix} entity",
        f"{prefix}SignatureAlgorithms": ["ES512", "RS384"],
        f"{prefix}RpId": "example.org",
        f"{prefix}AttestationConveyancePreference": "direct",
        f"{prefix}AuthenticatorAttachment": "platform",
        f"{prefix}RequireResidentKey": "Yes",
        f"{prefix}UserVerificationRequirement": "required",
        f"{prefix}CreateTimeout": 120,
        f"{prefix}AvoidSameAuthenticatorRegister": True,
        f"{prefix}AcceptableAaguids": ["cb69481e-8ff7-4039-93ec-0a2729a154a8"],
        f"{prefix}ExtraOrigins": ["https://other.example.org"],
    }


TYPED = {
    "RpEntityName": "Typed",
    "SignatureAlgorithms": ["ES256"],
    "RpId": "",
    "AttestationConveyancePreference": "none",
    "AuthenticatorAttachment": "cross-platform",
    "RequireResidentKey": "No",
    "UserVerificationRequirement": "discouraged",
    "CreateTimeout": "30",
    "AcceptableAaguids": "",
    "ExtraOrigins": "",
}


@pytest.fixture
async def admin(env: Env) -> AsyncIterator[httpx.AsyncClient]:
    await seed(env)
    both = {**stored_policy("webAuthnPolicy"), **stored_policy("webAuthnPolicyPasswordless")}
    both |= {PASSKEYS_ENABLED: True, MEDIATION: "optional"}
    written = await env.http.put(REALM, json=both, headers=await env.admin_headers())
    assert written.status_code == 204, written.text
    await make_admin(env, "test", "boss", "realm-admin")
    async with client_at(env, "127.0.0.2") as http:
        await sign_in(http, "/admin/test/console/", "boss")
        yield http


async def policies(env: Env) -> dict[str, Any]:
    response = await env.http.get(REALM, headers=await env.admin_headers())
    assert response.status_code == 200, response.text
    rep: dict[str, Any] = response.json()
    return {key: rep[key] for key in KEYS}


def of(rep: dict[str, Any], prefix: str) -> dict[str, Any]:
    """The fields of one policy (the passwordless prefix also starts the two-factor one's)."""
    passwordless = prefix.endswith("Passwordless")
    return {k: v for k, v in rep.items() if k.startswith("webAuthnPolicyPasswordless") == passwordless}


async def save(http: httpx.AsyncClient, prefix: str, **changed: str | list[str]) -> httpx.Response:
    page = await http.get(TABS[prefix], headers=HTML)
    assert page.status_code == 200, page.text
    extra = {"Mediation": "required", "PasskeysEnabled": "on"} if prefix.endswith("Passwordless") else {}
    return await http.post(TABS[prefix], data={"csrf_token": csrf(page), **TYPED, **extra, **changed}, headers=ORIGIN)


@pytest.mark.parametrize(
    ("saved", "other"),
    [("webAuthnPolicy", "webAuthnPolicyPasswordless"), ("webAuthnPolicyPasswordless", "webAuthnPolicy")],
)
async def test_saving_one_tab_keeps_every_field_of_the_other_policy(
    env: Env, admin: httpx.AsyncClient, saved: str, other: str
) -> None:
    before = await policies(env)
    assert (await save(admin, saved)).status_code == 303
    after = await policies(env)
    assert of(after, other) == of(before, other)
    assert after[f"{saved}RpEntityName"] == "Typed" and after[f"{saved}CreateTimeout"] == 30
    assert after[PASSKEYS_ENABLED] is True, "the passkeys switch is the passwordless policy's and stays"


@pytest.mark.parametrize("prefix", list(TABS))
@pytest.mark.parametrize("name", ["", "   "])
async def test_an_empty_entity_name_is_required_and_nothing_is_saved(
    env: Env, admin: httpx.AsyncClient, prefix: str, name: str
) -> None:
    before = await policies(env)
    refused = await save(admin, prefix, RpEntityName=name, UserVerificationRequirement="preferred")
    assert refused.status_code == 400, refused.text
    assert 'id="e-RpEntityName"' in refused.text and "Relying party entity name: Required field" in refused.text
    assert 'aria-invalid="true"' in refused.text
    assert await policies(env) == before


async def test_the_passwordless_tab_alone_has_the_enable_passkeys_switch(env: Env, admin: httpx.AsyncClient) -> None:
    """Shown ticked as stored, kept when the form comes back ticked, turned off unticked; the two-factor tab has
    none, and its save leaves the switch alone."""
    shown = await admin.get(TABS["webAuthnPolicyPasswordless"], headers=HTML)
    assert 'id="f-PasskeysEnabled" name="PasskeysEnabled" value="on" checked' in shown.text
    assert '<label for="f-PasskeysEnabled">Enable Passkeys</label>' in shown.text
    assert 'name="PasskeysEnabled"' not in (await admin.get(TABS["webAuthnPolicy"], headers=HTML)).text
    page = await admin.get(TABS["webAuthnPolicyPasswordless"], headers=HTML)
    unticked = {"csrf_token": csrf(page), **TYPED, "Mediation": "conditional"}
    assert (await admin.post(TABS["webAuthnPolicyPasswordless"], data=unticked, headers=ORIGIN)).status_code == 303
    assert (await policies(env))[PASSKEYS_ENABLED] is False
    assert (await save(admin, "webAuthnPolicy")).status_code == 303
    assert (await policies(env))[PASSKEYS_ENABLED] is False
    shown = await admin.get(TABS["webAuthnPolicyPasswordless"], headers=HTML)
    assert 'name="PasskeysEnabled" value="on" aria-describedby' in shown.text, "shown unticked"
    refused = await save(admin, "webAuthnPolicyPasswordless", RpEntityName="")
    assert refused.status_code == 400 and 'id="f-PasskeysEnabled"' in refused.text, "the switch stays on the error page"
