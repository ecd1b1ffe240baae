"""The webauthn-register required action (Keycloak 26's WebAuthnRegister): the page's options, and its POST.

WebAuthnRegister.processAction, in its order: ``isSetRetry`` (the error page's "Try again") shows the page again
with a new challenge; an ``error`` from navigator.credentials.create() is WEBAUTHN_ERROR_REGISTER_VERIFICATION
(``invalid_user_credentials``); the challenge is spent once (a second POST of it: "Registration ceremony has
already been completed"); "Sign out from other devices" acts before the check; then the attestation is verified
(users/webauthn.py) and any failure is WEBAUTHN_ERROR_REGISTRATION (``invalid_registration``), as is a label
another key of the same type bears (trimmed, any case: "Device already exists with the same name"). Each failure
records UPDATE_CREDENTIAL_ERROR then CUSTOM_REQUIRED_ACTION_ERROR with the ``web_authn_registration_error``
details, and shows webauthn-error.ftl. A verified key is stored as a ``webauthn`` credential labelled
``authenticatorLabel``, and CUSTOM_REQUIRED_ACTION then UPDATE_CREDENTIAL record it (``public_key_credential_id``,
``public_key_credential_label``, ``public_key_credential_aaguid``).

WebAuthnPasswordlessRegister (``webauthn-register-passwordless``) is the same action under the realm's passwordless
policy (``webAuthnPolicyPasswordless*``), storing a ``webauthn-passwordless`` credential (a passkey).
"""

from __future__ import annotations

import dataclasses
import logging
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from doorkeep.oauth import login_completion, login_events, required_actions
from doorkeep.oauth.login_otp import DUPLICATE_DEVICE
from doorkeep.oauth.login_outcomes import NeedWebAuthnRegister, Outcome
from doorkeep.oauth.login_step import StepContext
from doorkeep.oauth.logout_others import logout_other_sessions
from doorkeep.users import otp, webauthn, webauthn_policy

if TYPE_CHECKING:
    from doorkeep.oauth.context import Form
    from doorkeep.store.tx import Tx

log = logging.getLogger(__name__)

REGISTER = required_actions.WEBAUTHN_REGISTER
REGISTER_PASSWORDLESS = required_actions.WEBAUTHN_REGISTER_PASSWORDLESS
# Each action: the credential type it stores and the realm's policy it follows (WebAuthnRegister.getCredentialType,
# getWebAuthnPolicy; WebAuthnPasswordlessRegister overrides both).
KINDS = {
    REGISTER: (webauthn.TYPE, webauthn_policy.TWO_FACTOR),
    REGISTER_PASSWORDLESS: (webauthn.PASSWORDLESS_TYPE, webauthn_policy.PASSWORDLESS),
}
ERROR_REGISTER_VERIFICATION = "webauthn-error-register-verification"  # Messages.WEBAUTHN_ERROR_REGISTER_VERIFICATION
ERROR_REGISTRATION = "webauthn-error-registration"  # Messages.WEBAUTHN_ERROR_REGISTRATION
ERR_LABEL, ERR_DETAIL_LABEL = "web_authn_registration_error", "web_authn_registration_error_detail"
COMPLETED = "Registration ceremony has already been completed"
CHALLENGE_KEPT = 300  # how long a spent challenge is remembered (seconds): at least the page's own lifespan
LABEL_MAX = 255  # CREDENTIAL.USER_LABEL
LABEL_TOO_LONG = f"Authenticator label must not be longer than {LABEL_MAX} characters"


def host_and_origin(base_url: str) -> tuple[str, str]:
    """The base URI's host (the default Relying Party id) and its origin (UriUtils.getOrigin)."""
    parts = urlsplit(base_url)
    return parts.hostname or "", f"{parts.scheme}://{parts.netloc}"


def origins(policy: webauthn_policy.Policy, base_url: str) -> list[str]:
    """The server's origin and the policy's extra origins."""
    return list(dict.fromkeys([host_and_origin(base_url)[1], *policy.extra_origins]))


async def exclude_ids(tx: Tx, user_id: str, policy: webauthn_policy.Policy, type: str = webauthn.TYPE) -> list[str]:
    """``excludeCredentialIds``: the user's keys (of ``type``), when the policy avoids registering the same one
    twice."""
    if not policy.avoid_same_authenticator_register:
        return []
    creds = await tx.users.credentials(user_id)
    return [webauthn.b64url(webauthn.credential_id(c)) for c in creds if c.type == type]


async def submit(
    ctx: StepContext, form: Form, challenge: str | None, *, logout_others: bool = False, action: str = REGISTER
) -> Outcome:
    """The page's POST (``action``: webauthn-register or webauthn-register-passwordless)."""
    type, prefix = KINDS[action]
    passwordless = action == REGISTER_PASSWORDLESS
    cancel = required_actions.app_initiated(ctx.request, ctx.user, action)
    if form.get("isSetRetry"):
        return NeedWebAuthnRegister(ctx.user.id, cancel=cancel, request=ctx.request, passwordless=passwordless)
    from_api = form.get("error")
    if from_api:
        log.warning("WebAuthn API .create() response validation failure. %s", from_api)
        return await _refused(ctx, action, ERROR_REGISTER_VERIFICATION, from_api, "invalid_user_credentials", cancel)
    if challenge is None or not await _spend(ctx, challenge):
        return await _refused(ctx, action, ERROR_REGISTRATION, COMPLETED, "invalid_registration", cancel)
    if logout_others:
        await logout_other_sessions(ctx, action)
    policy = webauthn_policy.policy(ctx.realm, prefix)
    host, _ = host_and_origin(ctx.browser.base_url)
    try:
        registered = webauthn.verify_registration(
            policy,
            expected_challenge=challenge,
            rp=webauthn.rp_id(policy, host),
            origins=origins(policy, ctx.browser.base_url),
            client_data_json=form.get("clientDataJSON") or "",
            attestation_object=form.get("attestationObject") or "",
            transports=form.get("transports"),
            attachment=form.get("authenticatorAttachment"),
        )
    except webauthn.Refused as problem:
        return await _refused(ctx, action, ERROR_REGISTRATION, str(problem), "invalid_registration", cancel)
    label = form.get("authenticatorLabel")
    if label is not None and len(label) > LABEL_MAX:
        # CREDENTIAL.USER_LABEL is VARCHAR(255): PostgreSQL would refuse the row (and Keycloak's database with
        # it), SQLite keep any length; one answer on both, the registration's error page.
        return await _refused(ctx, action, ERROR_REGISTRATION, LABEL_TOO_LONG, "invalid_registration", cancel)
    same_type = [c for c in await ctx.tx.users.credentials(ctx.user.id) if c.type == type]
    if otp.duplicate_label(same_type, label):  # the credential store's ModelDuplicateException, caught as any error
        return await _refused(ctx, action, ERROR_REGISTRATION, DUPLICATE_DEVICE, "invalid_registration", cancel)
    cred = webauthn.new_credential(ctx.user.id, registered, label, ctx.services.clock.now_ms(), type)
    await ctx.tx.users.add_credential(cred)
    details = {
        "custom_required_action": action,
        "credential_type": type,
        "public_key_credential_id": form.get("publicKeyCredentialId"),
        "public_key_credential_label": label,
        "public_key_credential_aaguid": registered.aaguid,
    }
    for type in ("CUSTOM_REQUIRED_ACTION", "UPDATE_CREDENTIAL"):
        await login_events.record(ctx, type, more=details)
    user = dataclasses.replace(ctx.user, required_actions=tuple(a for a in ctx.user.required_actions if a != action))
    if user.required_actions != ctx.user.required_actions:
        await ctx.tx.users.update(user)
    request = required_actions.settled(ctx.request, action, required_actions.SUCCESS)
    return await login_completion.proceed(dataclasses.replace(ctx, request=request, user=user))


async def _spend(ctx: StepContext, challenge: str) -> bool:
    """The challenge spent once across workers (Keycloak's single-use object store)."""
    now = ctx.services.clock.now()
    return await ctx.tx.client_assertions.put_if_absent(f"webauthn-register:{challenge}", now + CHALLENGE_KEPT, now)


async def _refused(
    ctx: StepContext, action: str, key: str, detail: str, error: str, cancel: bool
) -> NeedWebAuthnRegister:
    """WebAuthnRegister.setErrorResponse: the two error events, then webauthn-error.ftl."""
    more = {
        "custom_required_action": action,
        "credential_type": KINDS[action][0],
        ERR_LABEL: key,
        ERR_DETAIL_LABEL: detail,
    }
    for type in ("UPDATE_CREDENTIAL_ERROR", "CUSTOM_REQUIRED_ACTION_ERROR"):
        await login_events.record(ctx, type, error=error, more=more)
    passwordless = action == REGISTER_PASSWORDLESS
    return NeedWebAuthnRegister(ctx.user.id, key, detail, cancel, ctx.request, passwordless)
