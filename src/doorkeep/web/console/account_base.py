"""What every page of the Account Console shares: the console itself (its client, navigation and language)
and running an Account REST operation as the signed-in user."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, TypeVar

from doorkeep import features
from doorkeep.console import account_language as lang
from doorkeep.errors import AdminError
from doorkeep.users import account as ops
from doorkeep.users import locale
from doorkeep.web import handlers
from doorkeep.web.console.base import Console, NavItem, Page
from doorkeep.web.console.signin import Spec
from doorkeep.web.http import base_url, client_ip, state

if TYPE_CHECKING:
    from doorkeep.model import Realm, User
    from doorkeep.store.tx import Tx

T = TypeVar("T")
DEVICES = "/account-security/device-activity"
SIGNING_IN = "/account-security/signing-in"
LINKED = "/account-security/linked-accounts"
ORGANIZATIONS = "/organizations"


def _federating(realm: Realm) -> bool:
    """AccountConsole's ``isLinkedAccountsEnabled``: the realm has an identity provider."""
    return bool(realm.identity_providers)


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
    feature=features.ACCOUNT,
    nav=[
        NavItem("Personal info", "/", "personalInfo"),
        NavItem("Applications", "/applications", "applications"),
        NavItem("Signing in", SIGNING_IN, "signingIn"),
        NavItem("Devices", DEVICES, "deviceActivity"),
        NavItem("Linked accounts", LINKED, "linkedAccounts", shown=_federating),
        NavItem("Organizations", ORGANIZATIONS, "organizations", shown=lambda realm: realm.organizations_enabled),
    ],
    actions_done={
        "UPDATE_PASSWORD": "passwordUpdated",
        "CONFIGURE_TOTP": "totpSetUp",
        "delete_credential": "credentialRemoved",
        "idp_link": "linkSuccess",
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
