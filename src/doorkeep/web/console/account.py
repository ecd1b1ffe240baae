"""The Account Console at ``/realms/{realm}/account/`` (Keycloak's ``account-console`` client): personal
info, applications (with Remove access), signing in (credentials); devices and sessions are
``account_sessions``. Thin handlers: each calls one function of ``console.account`` or ``users.account``
with the signed-in user's token, then renders or redirects. Updating or setting up a credential is a new
sign-in with ``kc_action``, as Keycloak's account console does it (SigningIn.tsx: ``login({action})``); the
login comes back to Signing in. Every page speaks the user's language (``console.account_language``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from doorkeep import features
from doorkeep.console import account as view
from doorkeep.console import account_language as lang
from doorkeep.oauth import account_actions
from doorkeep.oauth.required_actions import DELETE_ACCOUNT, DELETE_CREDENTIAL, UPDATE_EMAIL
from doorkeep.realms import required_actions as registered
from doorkeep.users import account as ops
from doorkeep.users import account_profile, declared, locale
from doorkeep.web import account as rest
from doorkeep.web import feature_gate, handlers
from doorkeep.web.console import account_linked, account_organizations, account_sessions, signin
from doorkeep.web.console.account_base import CONSOLE, SIGNING_IN, Refused, as_user, said
from doorkeep.web.console.base import Page
from doorkeep.web.console.negotiate import negotiate
from doorkeep.web.http import base_url, browser_path, state

if TYPE_CHECKING:
    from doorkeep.model import Realm
    from doorkeep.store.tx import Tx


@CONSOLE.page("/", json=rest.account)
async def personal_info(page: Page) -> Response:
    try:
        profile = await as_user(page, _profile)
    except Refused as refused:
        return page.error(said(page, refused), refused.err.status)
    back = await _referrer(page)
    return _personal_info(page, profile, {}, back=back)


def _personal_info(
    page: Page, profile: dict[str, object], errors: dict[str, str], *, status: int = 200, back: object = None
) -> Response:
    """Personal info, with the locale field (account-ui's "Select a locale") while internationalization is on."""
    return page.render(
        "console/account/personal_info.html",
        title=page.speech.t("personalInfo"),
        profile=profile,
        errors=errors,
        locales=lang.choices(page.realm),
        status=status,
        back=back,
    )


async def _referrer(page: Page) -> dict[str, str] | None:
    """The "Back to <application>" link of ``?referrer=…&referrer_uri=…`` (keycloak-js accountManagement())."""
    params = page.request.query_params

    async def find(tx: Tx) -> dict[str, str] | None:
        found = params.get("referrer"), params.get("referrer_uri")
        return await view.referrer(tx, page.realm.id, found[0], found[1], base_url(page.request))

    return await handlers.unit_of_work(page.request, find, write=False)


async def _profile(tx: Tx, caller: ops.Caller) -> dict[str, object]:
    """The profile, whether the user may edit it, which fields the user profile keeps read-only, and whether
    "Delete account" is offered (AccountConsole's ``deleteAccountAllowed``: the realm enables delete_account
    and the user has the account client's delete-account role)."""
    read_only = _fixed(caller.realm)
    editable = ops.MANAGE_ACCOUNT in caller.roles
    enabled = DELETE_ACCOUNT in registered.applicable(caller.realm)
    deletable = enabled and await account_actions.may_delete_account(tx, caller.realm, caller.user)
    profile = ops.profile(caller, with_metadata=False)
    shown = (profile.get("attributes") or {}).get(locale.ATTRIBUTE) or [""]
    update_email = account_profile.update_email_offered(caller.realm) and editable
    more = {"delete_allowed": deletable, "update_email": update_email, "locale": shown[0]}
    seen = account_profile.readable(caller.realm, declared.ACCOUNT)
    more |= {"heading": caller.user.username, "fields": [n for n in account_profile.ATTRIBUTES if n in seen]}
    return {**profile, "editable": editable, "read_only": read_only, **more}  # the heading keeps the username


def _fixed(realm: Realm) -> dict[str, bool]:
    """The fields the form may not change: the user profile's read-only ones, those the configured permissions
    keep the user from editing, and those the user may not view (not on the form, so not sent)."""
    seen, locked = account_profile.readable(realm, declared.ACCOUNT), account_profile.locked(realm)
    return {k: v or k in locked or k not in seen for k, v in account_profile.read_only(realm).items()}


@CONSOLE.action("/", json=rest.account)
async def save_personal_info(page: Page) -> Response:
    """The form's editable fields (a read-only one is not sent, so it keeps its value), as the REST POST. The
    locale field, when sent, must be one of its options (the realm's supported locales); the update then
    carries the profile's attributes with ``locale`` set, as the account UI sends its representation."""
    read_only = _fixed(page.realm)
    body: dict[str, object] = {
        k: (page.form.get(k) or "").strip() for k in account_profile.ATTRIBUTES if not read_only[k]
    }
    chosen = page.form.get("locale") if lang.choices(page.realm) else None
    if chosen is not None and not lang.offered(page.realm, chosen.strip()):
        profile = await as_user(page, _profile)
        errors = {"locale": page.speech.t("unsupportedLocale")}
        return _personal_info(page, {**profile, **body}, errors, status=400)
    fixed = state(page.request).services.read_only.user

    async def save(tx: Tx, caller: ops.Caller) -> None:
        sent = dict(body)
        if chosen is not None:
            shown = ops.profile(caller, with_metadata=False).get("attributes") or {}
            sent["attributes"] = lang.with_locale(shown, chosen.strip())
        await ops.update_profile(tx, caller, sent, fixed)

    try:
        await as_user(page, save, write=True)
    except Refused as refused:
        profile = await as_user(page, _profile)
        errors = view.field_errors(refused.err, page.speech) if refused.err.status != 403 else {"": said(page, refused)}
        return _personal_info(page, {**profile, **body}, errors, status=400)
    speech = page.speech
    if chosen is not None:  # the message in the language the console speaks from now on
        headers = page.request.headers
        cookie = page.request.cookies.get(locale.COOKIE)
        speech = lang.speech_of(page.realm, chosen.strip() or None, cookie, headers.get("accept-language", ""))
    return page.redirect("/", flash=speech.t("accountUpdatedMessage"))


@CONSOLE.action("/delete-account")
async def delete_account(page: Page) -> Response:
    """ "Delete account": a sign-in with ``kc_action=delete_account`` (PersonalInfo.tsx's DeleteAccount); the
    login asks for the password again and ends on its own page once the user is gone."""
    return await signin.start(page.request, page.realm, CONSOLE.spec, page.url("/"), kc_action=DELETE_ACCOUNT)


@CONSOLE.action("/update-email")
async def update_email(page: Page) -> Response:
    """ "Update email": a sign-in with ``kc_action=UPDATE_EMAIL`` (PersonalInfo.tsx's ``login({action})``), the
    e-mail being read-only here while the realm enables the action."""
    return await signin.start(page.request, page.realm, CONSOLE.spec, page.url("/"), kc_action=UPDATE_EMAIL)


@CONSOLE.page("/applications", json=rest.applications)
async def applications(page: Page) -> Response:
    try:
        apps = await as_user(page, view.applications)
    except Refused as refused:
        return page.error(said(page, refused), refused.err.status)
    return page.render("console/account/applications.html", title=page.speech.t("applications"), apps=apps)


@CONSOLE.page("/applications/{client_id}/remove")
async def confirm_remove(page: Page) -> Response:
    client_id = page.request.path_params["client_id"]
    t = page.speech.t
    return page.confirm(
        title=t("removeAccess"),
        button=t("removeAccess"),
        cancel="/applications",
        action=f"/applications/{client_id}/remove",
        question=t("removeAccessQuestion", client_id),
    )


@CONSOLE.action("/applications/{client_id}/remove")
async def remove(page: Page) -> Response:
    client_id = page.request.path_params["client_id"]
    try:
        await as_user(page, lambda tx, caller: ops.revoke_consent(tx, caller, client_id), write=True)
    except Refused as refused:
        return page.redirect("/applications", flash=said(page, refused), kind="error")
    return page.redirect("/applications", flash=page.speech.t("accessRemoved", client_id))


@CONSOLE.page(SIGNING_IN)
async def signing_in(page: Page) -> Response:
    try:
        categories = await as_user(page, lambda tx, caller: view.signing_in(tx, caller, page.speech))
    except Refused as refused:
        return page.error(said(page, refused), refused.err.status)
    title = page.speech.t("signingIn")
    return page.render("console/account/signing_in.html", title=title, path=SIGNING_IN, categories=categories)


@CONSOLE.action(SIGNING_IN + "/action")
async def start_action(page: Page) -> Response:
    """ "Update", "Set up" or "Delete": a sign-in to this console with the ``kc_action`` (SigningIn.tsx's
    ``login({action})``; Delete asks for ``delete_credential:{id}``, whose page the user confirms). The POST
    carries the console's CSRF token, so no other site can start an action in the user's name."""
    action = page.form.get("action") or ""
    if action not in view.CREDENTIAL_ACTIONS and not await _removable(page, action):
        return page.redirect(SIGNING_IN, flash=page.speech.t("noSuchAction"), kind="error")
    return await signin.start(page.request, page.realm, CONSOLE.spec, page.url(SIGNING_IN), kc_action=action)


async def _removable(page: Page, action: str) -> bool:
    """``delete_credential:{id}`` for one of the credentials Signing in offers to delete."""
    name, _, credential_id = action.partition(":")
    if name != DELETE_CREDENTIAL or not credential_id:
        return False
    try:
        categories = await as_user(page, view.signing_in)
    except Refused:
        return False
    return any(c.id == credential_id for _, types in categories for t in types if t.removable for c in t.credentials)


async def _to_console(request: Request) -> Response:
    """To the console's page, keeping the query (keycloak-js ``accountManagement()`` sends ``referrer`` and
    ``referrer_uri``; ``scope`` asks the sign-in for more scopes)."""
    query = request.url.query
    target = browser_path(request, f"/realms/{request.path_params['realm']}/account/")
    return RedirectResponse(target + (f"?{query}" if query else ""), 302)


_REGISTERED = (account_sessions, account_linked, account_organizations)  # importing them registers their pages
ROUTES: list[Route] = [
    Route(
        "/realms/{realm}/account",
        negotiate(feature_gate.requires(features.ACCOUNT, _to_console), rest.account),
        methods=["GET"],
    ),
    *CONSOLE.routes(),
]
