"""The WebAuthn pages of a login (console/webauthn_pages.py): the webauthn-register required action's and the
WebAuthn authenticator's, or their error page, with the challenge the authentication session keeps."""

from __future__ import annotations

from typing import TYPE_CHECKING

from starlette.requests import Request

from doorkeep.console import webauthn_pages as pages
from doorkeep.model import Client, Credential, Realm
from doorkeep.oauth import login_outcomes, login_passkeys
from doorkeep.oauth.login_session import WEBAUTHN_CHALLENGE_NOTE, Waiting
from doorkeep.oauth.webauthn_register import exclude_ids, host_and_origin
from doorkeep.users import webauthn, webauthn_policy
from doorkeep.web.http import base_url

if TYPE_CHECKING:
    from doorkeep.console.i18n import Language
    from doorkeep.store.tx import Tx


async def webauthn_page(
    request: Request,
    tx: Tx,
    realm: Realm,
    client: Client,
    outcome: login_outcomes.NeedWebAuthn | login_outcomes.NeedWebAuthnRegister,
    waiting: Waiting,
    ui: Language,
) -> str:
    """The page ``outcome`` asks for, its form posting to the step ``waiting`` stands for."""
    from doorkeep.web.login_pages import display, login_action, restart_link, step_url
    from doorkeep.web.recovery_pages import another_way

    tab, user = waiting.auth_session, waiting.user
    assert user is not None
    registering = isinstance(outcome, login_outcomes.NeedWebAuthnRegister)
    action = step_url(request, realm, "required-action", tab, client) if registering else None
    target = action or login_action(request, realm, tab, client)
    cancel = isinstance(outcome, login_outcomes.NeedWebAuthnRegister) and outcome.cancel
    if outcome.error is not None:
        detail = outcome.detail if isinstance(outcome, login_outcomes.NeedWebAuthnRegister) else ""
        text = ui.text(outcome.error, detail or "").strip()
        return pages.error(display(realm), target, tab.form_token, text, cancel=cancel, ui=ui)
    # the passwordless variants (WebAuthnPasswordlessRegister, WebAuthnPasswordlessAuthenticator): the user's
    # passkeys under the passwordless policy, no list of authenticators (shouldDisplayAuthenticators)
    passwordless = outcome.passwordless
    policy = webauthn_policy.policy(realm, webauthn_policy.PASSWORDLESS if passwordless else webauthn_policy.TWO_FACTOR)
    kind = webauthn.PASSWORDLESS_TYPE if passwordless else webauthn.TYPE
    rp_id = webauthn.rp_id(policy, host_and_origin(base_url(request))[0])
    challenge = tab.notes[WEBAUTHN_CHALLENGE_NOTE]
    if registering:
        excluded = await exclude_ids(tx, user.id, policy, kind)
        options = pages.Registration(challenge, webauthn.user_handle(user.id), user.username, rp_id, excluded)
        return pages.register(display(realm), target, tab.form_token, policy, options, cancel=cancel, ui=ui)
    keys = [c for c in await tx.users.credentials(user.id) if c.type == kind]
    return pages.authenticate(
        display(realm),
        target,
        tab.form_token,
        policy,
        challenge=challenge,
        rp_id=rp_id,
        credentials=[_listed(c) for c in keys],
        display_labels=not passwordless,
        username=waiting.request.attempted_username or user.username,
        restart=restart_link(request, realm, client, tab),
        ui=ui,
        another=await another_way(request, tx, realm, client, waiting),
    )


def _listed(credential: Credential) -> pages.Listed:
    """A stored key as the page lists it (WebAuthnAuthenticatorsBean)."""
    transports = credential.credential_data.get("transports")
    return pages.Listed(
        webauthn.b64url(webauthn.credential_id(credential)),
        credential.user_label,
        tuple(t for t in transports if isinstance(t, str)) if isinstance(transports, list) else (),
        credential.created_date,
    )


async def passkeys_options(
    request: Request, tx: Tx, realm: Realm, client: Client, waiting: Waiting, ui: Language
) -> str | None:
    """The login form's passkeys (WebAuthnConditionalUIAuthenticator.fillContextForm), as JSON for its script:
    the challenge the page's authentication session keeps, the passwordless policy's Relying Party id, user
    verification and timeout, and for a known user (``isUserIdentified``) the ids of that user's passkeys; None
    when the page has no passkeys (the realm's switch off, or a known user without one)."""
    tab, user = waiting.auth_session, waiting.user
    challenge = tab.notes.get(WEBAUTHN_CHALLENGE_NOTE)
    offered = await login_passkeys.offered(tx, realm, client, waiting.request, user.id if user else None)
    if challenge is None or not offered:
        return None
    policy = webauthn_policy.policy(realm, webauthn_policy.PASSWORDLESS)
    keys = [c for c in await tx.users.credentials(user.id) if c.type == webauthn.PASSWORDLESS_TYPE] if user else []
    return pages.passkeys(
        challenge=challenge,
        rp_id=webauthn.rp_id(policy, host_and_origin(base_url(request))[0]),
        policy=policy,
        allow=[webauthn.b64url(webauthn.credential_id(c)) for c in keys],
        identified=user is not None,
        ui=ui,
    )


async def passkey_login_page(
    request: Request,
    tx: Tx,
    realm: Realm,
    client: Client,
    outcome: login_outcomes.NeedLogin,
    waiting: Waiting,
    ui: Language,
) -> str:
    """The sign-in page of a flow that starts with the passkey (WebAuthnPasswordlessAuthenticator, no username
    step): webauthn-authenticate.ftl with no user identified (a known user's passkeys, for a re-authentication), or
    webauthn-error.ftl with the error and "Try again"."""
    from doorkeep.web.login_pages import display, login_action, restart_link

    tab, user = waiting.auth_session, waiting.user
    target = login_action(request, realm, tab, client)
    if outcome.error is not None:
        return pages.error(display(realm), target, tab.form_token, ui.translate(outcome.error), ui=ui)
    policy = webauthn_policy.policy(realm, webauthn_policy.PASSWORDLESS)
    keys = [c for c in await tx.users.credentials(user.id) if c.type == webauthn.PASSWORDLESS_TYPE] if user else []
    return pages.authenticate(
        display(realm),
        target,
        tab.form_token,
        policy,
        challenge=tab.notes.get(WEBAUTHN_CHALLENGE_NOTE, ""),
        rp_id=webauthn.rp_id(policy, host_and_origin(base_url(request))[0]),
        credentials=[_listed(c) for c in keys],
        display_labels=False,
        username=user.username if user else "",
        restart=restart_link(request, realm, client, tab) if user else "",
        ui=ui,
    )
