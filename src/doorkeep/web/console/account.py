"""The Account Console at ``/realms/{realm}/account/`` (Keycloak's ``account-console`` client): personal
info, applications (with Remove access), signing in (credentials), devices and sessions. Thin handlers: each
calls one function of ``console.account`` or ``users.account`` with the signed-in user's token, then renders
or redirects. Updating or setting up a credential is a new sign-in with ``kc_action``, as Keycloak's account
console does it (SigningIn.tsx: ``login({action})``); the login comes back to Signing in.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, TypeVar

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from doorkeep.console import account as view
from doorkeep.console import account_language as lang
from doorkeep.errors import AdminError
from doorkeep.oauth import account_actions
from doorkeep.oauth.required_actions import DELETE_ACCOUNT, DELETE_CREDENTIAL, UPDATE_EMAIL
from doorkeep.realms import required_actions as registered
from doorkeep.sessions import revocation_triggers
from doorkeep.users import account as ops
from doorkeep.users import account_profile, locale, offline_devices
from doorkeep.web import account as rest
from doorkeep.web import handlers
from doorkeep.web.console import signin
from doorkeep.web.console.base import Console, NavItem, Page
from doorkeep.web.console.negotiate import negotiate
from doorkeep.web.console.signin import Spec
from doorkeep.web.http import base_url, browser_path, client_ip, state

if TYPE_CHECKING:
    from doorkeep.model import User
    from doorkeep.store.tx import Tx

T = TypeVar("T")
DEVICES = "/account-security/device-activity"
SIGNING_IN = "/account-security/signing-in"


async def _speak(page: Page) -> lang.Speech:
    """The page's language (``console.account_language``): the signed-in user's ``locale`` attribute, the
    ``KEYCLOAK_LOCALE`` cookie, ``Accept-Language``, as the realm allows."""

    async def user_of(tx: Tx) -> User | None:
        found = await tx.users.get(str(page.claims.get("sub") or ""))
        return found if found is not None and found.realm_id == page.realm.id else None

    user = (
        await handlers.unit_of_work(page.request, user_of, write=False)
        if page.realm.internationalization_enabled
        else None
    )
    headers = page.request.headers
    return lang.speech(page.realm, user, page.request.cookies.get(locale.COOKIE), headers.get("accept-language", ""))


CONSOLE = Console(
    Spec("account-console", "/realms/{realm}/account"),
    title="Account Console",
    title_key="accountConsole",
    speak=_speak,
    nav=[
        NavItem("Personal info", "/", "personalInfo"),
        NavItem("Applications", "/applications", "applications"),
        NavItem("Signing in", SIGNING_IN, "signingIn"),
        NavItem("Devices", DEVICES, "deviceActivity"),
    ],
    actions_done={
        "UPDATE_PASSWORD": "Your password has been updated.",
        "CONFIGURE_TOTP": "Your authenticator application has been set up.",
        "delete_credential": "The credential has been removed.",
    },
)
NOT_ALLOWED = "You are not allowed to do this: your account lacks the role it needs."


class Refused(Exception):
    """An account operation refused; ``text`` says why in words."""

    def __init__(self, err: AdminError) -> None:
        super().__init__(err.message)
        self.err = err
        self.text = NOT_ALLOWED if err.status == 403 else err.message


def said(page: Page, refused: Refused) -> str:
    """Why an operation was refused, in the page's language where the console says it in its own words."""
    return page.speech.t("notAllowed") if refused.err.status == 403 else refused.text


async def as_user(page: Page, work: Callable[[Tx, ops.Caller], Awaitable[T]], *, write: bool = False) -> T:
    """Run ``work`` as the signed-in user (the Account REST's own authentication of the console's token)."""
    services = state(page.request).services

    async def run(tx: Tx) -> T:
        caller = await ops.authenticate(
            tx, services, page.realm.name, base_url(page.request), page.access_token, client_ip(page.request)
        )
        ops.refuse_service_account(caller)
        return await work(tx, caller)

    try:
        return await handlers.unit_of_work(page.request, run, write=write)
    except AdminError as err:
        raise Refused(err) from None


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
    read_only = account_profile.read_only(caller.realm)
    editable = ops.MANAGE_ACCOUNT in caller.roles
    enabled = DELETE_ACCOUNT in registered.applicable(caller.realm)
    deletable = enabled and await account_actions.may_delete_account(tx, caller.realm, caller.user)
    profile = ops.profile(caller, with_metadata=False)
    shown = (profile.get("attributes") or {}).get(locale.ATTRIBUTE) or [""]
    update_email = account_profile.update_email_offered(caller.realm) and editable
    more = {"delete_allowed": deletable, "update_email": update_email, "locale": shown[0]}
    return {**profile, "editable": editable, "read_only": read_only, **more}


@CONSOLE.action("/", json=rest.account)
async def save_personal_info(page: Page) -> Response:
    """The form's editable fields (a read-only one is not sent, so it keeps its value), as the REST POST. The
    locale field, when sent, must be one of its options (the realm's supported locales); the update then
    carries the profile's attributes with ``locale`` set, as the account UI sends its representation."""
    read_only = account_profile.read_only(page.realm)
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
        errors = view.field_errors(refused.err) if refused.err.status != 403 else {"": said(page, refused)}
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


@CONSOLE.page(DEVICES)
async def devices(page: Page) -> Response:
    async def both(tx: Tx, caller: ops.Caller) -> dict[str, object]:
        return {
            "online": await view.sessions_of(tx, caller, False),
            "offline": await view.sessions_of(tx, caller, True),
            "current": caller.session_id,
        }

    try:
        found = await as_user(page, both)
    except Refused as refused:
        return page.error(said(page, refused), refused.err.status)
    return page.render(
        "console/account/devices.html", title=page.speech.t("deviceActivity"), devices_path=DEVICES, found=found
    )


@CONSOLE.page(DEVICES + "/{kind:str}/{session_id:str}/sign-out")
async def confirm_sign_out(page: Page) -> Response:
    kind, session_id = page.request.path_params["kind"], page.request.path_params["session_id"]
    t = page.speech.t
    question = t("revokeOfflineQuestion") if kind == "offline" else t("signOutWarning")
    return page.confirm(
        title=t("signOut"),
        button=t("signOut"),
        cancel=DEVICES,
        question=question,
        action=f"{DEVICES}/{kind}/{session_id}/sign-out",
    )


@CONSOLE.action(DEVICES + "/{kind:str}/{session_id:str}/sign-out")
async def sign_out_session(page: Page) -> Response:
    kind, session_id = page.request.path_params["kind"], page.request.path_params["session_id"]
    try:
        done = await as_user(
            page, lambda tx, c: view.sign_out_session(tx, c, session_id, kind == "offline"), write=True
        )
    except Refused as refused:
        return page.redirect(DEVICES, flash=said(page, refused), kind="error")
    if not done:
        return page.redirect(DEVICES, flash=page.speech.t("sessionEnded"), kind="error")
    return page.redirect(DEVICES, flash=page.speech.t("signedOut" if kind != "offline" else "offlineRevoked"))


@CONSOLE.page(DEVICES + "/sign-out-others")
async def confirm_sign_out_others(page: Page) -> Response:
    return page.confirm(
        title=page.speech.t("signOutEverywhereElse"),
        button=page.speech.t("signOutEverywhereElse"),
        cancel=DEVICES,
        action=f"{DEVICES}/sign-out-others",
        question=_sign_out_others_question(page),
    )


def _sign_out_others_question(page: Page) -> str:
    """What "sign out everywhere else" ends: the realm's ``account-logout`` policy (by default offline access
    too, as Keycloak 26.5's account console does)."""
    ends = revocation_triggers.realm_value(revocation_triggers.ACCOUNT_LOGOUT, page.realm.attributes)
    return page.speech.t("signOutOthersOfflineQuestion" if ends.offline else "signOutOthersQuestion")


@CONSOLE.action(DEVICES + "/sign-out-others")
async def sign_out_others(page: Page) -> Response:
    try:
        await as_user(page, lambda tx, caller: ops.logout_sessions(tx, caller, include_current=False), write=True)
    except Refused as refused:
        return page.redirect(DEVICES, flash=said(page, refused), kind="error")
    return page.redirect(DEVICES, flash=page.speech.t("signedOutOthers"))


@CONSOLE.page(DEVICES + "/offline/{session_id:str}/keep-only")
async def confirm_keep_only(page: Page) -> Response:
    session_id = page.request.path_params["session_id"]
    t = page.speech.t
    return page.confirm(
        title=t("removeOtherDevices"),
        button=t("removeOtherDevices"),
        cancel=DEVICES,
        question=t("keepOnlyQuestion"),
        action=f"{DEVICES}/offline/{session_id}/keep-only",
    )


@CONSOLE.action(DEVICES + "/offline/{session_id:str}/keep-only")
async def keep_only(page: Page) -> Response:
    keep = page.request.path_params["session_id"]
    try:
        ended = await as_user(page, lambda tx, c: offline_devices.remove_other_devices(tx, c, keep), write=True)
    except Refused as refused:
        return page.redirect(DEVICES, flash=said(page, refused), kind="error")
    return page.redirect(DEVICES, flash=page.speech.t("revokedOthers", ended))


async def _to_console(request: Request) -> Response:
    """To the console's page, keeping the query (keycloak-js ``accountManagement()`` sends ``referrer`` and
    ``referrer_uri``; ``scope`` asks the sign-in for more scopes)."""
    query = request.url.query
    target = browser_path(request, f"/realms/{request.path_params['realm']}/account/")
    return RedirectResponse(target + (f"?{query}" if query else ""), 302)


ROUTES: list[Route] = [
    Route("/realms/{realm}/account", negotiate(_to_console, rest.account), methods=["GET"]),
    *CONSOLE.routes(),
]
