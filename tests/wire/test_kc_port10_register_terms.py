"""The terms-and-conditions tests of Keycloak's RegisterTest (registerUserMissingTermsAcceptance,
registerUserSuccessTermsAcceptance, registerUserSuccessTermsAcceptanceWithRequiredActionEnabled; KEYCLOAK-15244)
over HTTP, with the realm and page helpers of the RegisterTest port (tests/register_port.py).

The Java tests copy the registration flow inside the server (FlowUtil.copyRegistrationFlow: a cookie execution and
nested sub-flows around the same four form actions) with the Terms and conditions form action REQUIRED. Doorkeep
runs the registration flow only as its built-in shape (realms/flow_support.py), so these set that execution
REQUIRED in the built-in flow through the admin API, the way an administrator enables it.
"""

from __future__ import annotations

import re

import httpx
import pytest

import group_port
import register_port
from keycloak_port import ADMIN, admin_headers, get, put, user_id
from register_port import (
    auth_response,
    expect_register,
    field_error,
    is_register_page,
    open_register,
    register,
    value_of,
)
from wire_env import Env

pytestmark = pytest.mark.anyio
anyio_backend, shared_env, env = group_port.anyio_backend, group_port.shared_env, group_port.env
kc = register_port.kc

TERMS = "registration-terms-and-conditions"
EXECUTIONS = "/authentication/flows/registration/executions"
TERMS_REQUIRED = "You must agree to our terms and conditions."
TAC = "/authentication/required-actions/TERMS_AND_CONDITIONS"


async def terms_requirement(env: Env, requirement: str) -> None:
    """The built-in registration flow's Terms and conditions execution set to ``requirement``, and read back."""
    row = next(r for r in await get(env, EXECUTIONS) if r.get("providerId") == TERMS)
    assert row["requirementChoices"] == ["REQUIRED", "DISABLED"], row
    await put(env, EXECUTIONS, {**row, "requirement": requirement}, status=202)  # Keycloak 26 answers 202
    again = next(r for r in await get(env, EXECUTIONS) if r.get("providerId") == TERMS)
    assert again["requirement"] == requirement, again


async def register_with_terms(
    env: Env, page: httpx.Response, username: str, email: str, accepted: str | None
) -> httpx.Response:
    """``registerPage.register(..., termsAccepted)``: the fields typed, the box ticked (posted as ``accepted``,
    "on" where a browser ticks it) or not (not posted at all)."""
    if accepted is None:
        return await register(env, page, "firstName", "lastName", email, username, "password", "password")
    data = {"firstName": "firstName", "lastName": "lastName", "email": email, "username": username}
    data |= {"password": "password", "password-confirm": "password", "termsAccepted": accepted}
    hidden = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', page.text))
    action = re.search(r'<form id="kc-register-form" method="post" action="([^"]+)"', page.text)
    assert action, page.text[:800]
    return await env.http.post(action[1].replace("&amp;", "&"), data={**hidden, **data})


async def user_rep(env: Env, username: str) -> dict[str, object]:
    rep: dict[str, object] = await get(env, f"/users/{await user_id(env, username)}")
    return rep


async def test_the_register_page_has_no_terms_while_the_form_action_is_disabled(kc: Env) -> None:
    """The built-in flow's Terms and conditions is DISABLED: no terms, no checkbox, and a registration without
    them succeeds (RegisterTest's other tests)."""
    page = await open_register(kc)
    assert 'id="termsAccepted"' not in page.text and "kc-registration-terms" not in page.text
    auth_response(await register_with_terms(kc, page, "noTerms", "noTerms@email", None))


async def test_register_user_missing_terms_acceptance(kc: Env) -> None:
    """RegisterTest.registerUserMissingTermsAcceptance: the form shows the terms and a labelled checkbox; sent
    without it, the form comes back with "You must agree to our terms and conditions." on the checkbox (its
    aria-describedby), the other fields kept, REGISTER_ERROR ``invalid_registration`` and no user."""
    await terms_requirement(kc, "REQUIRED")
    page = await open_register(kc)
    assert '<input type="checkbox" id="termsAccepted" name="termsAccepted">' in page.text, page.text
    assert '<label for="termsAccepted">I agree to the terms and conditions</label>' in page.text
    assert 'id="kc-registration-terms-text"' in page.text
    username, email = "registerUserMissingTermsAcceptance", "registerUserMissingTermsAcceptance@email"
    again = await register_with_terms(kc, page, username, email, None)
    assert is_register_page(again), again.text[:800]
    assert field_error(again, "terms-accepted") == TERMS_REQUIRED
    box = re.search(r'<input type="checkbox" id="termsAccepted"[^>]*>', again.text)
    assert box and 'aria-describedby="input-error-terms-accepted"' in box[0] and 'aria-invalid="true"' in box[0]
    assert "checked" not in box[0], "register-commons.ftl never ticks the box again"
    kept = [value_of(again, f) for f in ("firstName", "lastName", "email", "username", "password", "password-confirm")]
    assert kept == ["firstName", "lastName", email, username, "", ""]
    await expect_register(kc, username.lower(), email.lower(), error="invalid_registration")
    found = await kc.http.get(f"{ADMIN}/users", params={"username": username}, headers=await admin_headers(kc))
    assert found.json() == [], found.text


async def test_a_missing_acceptance_adds_its_error_to_the_other_fields_errors(kc: Env) -> None:
    """Every form action validates: a taken username and no terms show both errors, and the user creation's
    ``username_in_use`` names the REGISTER_ERROR (the first failing action)."""
    await terms_requirement(kc, "REQUIRED")
    again = await register_with_terms(kc, await open_register(kc), "roleRichUser", "other@email", None)
    assert is_register_page(again), again.text[:800]
    assert (field_error(again, "username"), field_error(again, "terms-accepted")) == (
        "Username already exists.",
        TERMS_REQUIRED,
    )
    await expect_register(kc, "rolerichuser", None, error="username_in_use")


async def test_register_user_success_terms_acceptance(kc: Env) -> None:
    """RegisterTest.registerUserSuccessTermsAcceptance: with the box ticked the user is registered and logged in;
    the TERMS_AND_CONDITIONS required action is disabled, so nothing is recorded: the only attribute is the
    page's locale."""
    await put(kc, "", {"internationalizationEnabled": True, "supportedLocales": ["en"], "defaultLocale": "en"})
    await terms_requirement(kc, "REQUIRED")
    username, email = "registerUserSuccessTermsAcceptance", "registerUserSuccessTermsAcceptance@email"
    auth_response(await register_with_terms(kc, await open_register(kc), username, email, "on"))
    await expect_register(kc, username, email)
    user = await user_rep(kc, username.lower())
    assert (user["username"], user["email"]) == (username.lower(), email.lower()), user
    assert user["attributes"] == {"locale": ["en"]}, user


async def test_register_user_success_terms_acceptance_with_required_action_enabled(kc: Env) -> None:
    """RegisterTest.registerUserSuccessTermsAcceptanceWithRequiredActionEnabled: TERMS_AND_CONDITIONS enabled and
    a default action; the ticked box records ``terms_and_conditions`` (one value, the time in seconds) and takes
    the required action off, so the login goes straight back to the client without the terms page."""
    tac = await get(kc, TAC)
    await put(kc, TAC, {**tac, "enabled": True, "defaultAction": True})
    await terms_requirement(kc, "REQUIRED")
    before = kc.clock.now()
    username, email = "registerUserSuccessTermsAcceptance2", "registerUserSuccessTermsAcceptance2@email"
    auth_response(await register_with_terms(kc, await open_register(kc), username, email, "on"))
    await expect_register(kc, username, email)
    user = await user_rep(kc, username.lower())
    attributes = user["attributes"]
    assert isinstance(attributes, dict) and list(attributes) == ["terms_and_conditions"], user
    [accepted_at] = attributes["terms_and_conditions"]
    assert int(accepted_at) >= before, user
    assert user["requiredActions"] == [], user


async def test_a_box_posted_with_another_value_passes_but_records_nothing(kc: Env) -> None:
    """RegistrationTermsAndConditions.validate only asks that ``termsAccepted`` be sent; RegistrationUserCreation
    records the acceptance only for ``on``. Anything else registers the user with TERMS_AND_CONDITIONS still
    due (a default action here), so the terms page follows and no attribute is set."""
    tac = await get(kc, TAC)
    await put(kc, TAC, {**tac, "enabled": True, "defaultAction": True})
    await terms_requirement(kc, "REQUIRED")
    page = await register_with_terms(kc, await open_register(kc), "sentYes", "sentYes@email", "yes")
    assert page.status_code == 200 and 'id="kc-terms-form"' in page.text, page.text[:800]
    user = await user_rep(kc, "sentyes")
    assert user.get("attributes") is None and user["requiredActions"] == ["TERMS_AND_CONDITIONS"], user


async def test_the_terms_form_action_can_be_disabled_again(kc: Env) -> None:
    """REQUIRED and DISABLED are its two choices, and the flow stays bound either way: back to DISABLED the
    form no longer asks."""
    await terms_requirement(kc, "REQUIRED")
    assert 'id="termsAccepted"' in (await open_register(kc)).text
    kc.http.cookies.clear()
    await terms_requirement(kc, "DISABLED")
    page = await open_register(kc)
    assert 'id="termsAccepted"' not in page.text
    auth_response(await register_with_terms(kc, page, "disabledAgain", "disabledAgain@email", None))
