"""Account Console → Device activity: the user's browser and offline sessions, signing one out, every other one
out, or revoking every other offline device; each a confirm page and a CSRF-checked action."""

from __future__ import annotations

from typing import TYPE_CHECKING

from starlette.responses import Response

from doorkeep.console import account as view
from doorkeep.sessions import revocation_triggers
from doorkeep.users import account as ops
from doorkeep.users import offline_devices
from doorkeep.web.console.base import Page

if TYPE_CHECKING:
    from doorkeep.store.tx import Tx

from doorkeep.web.console.account_base import CONSOLE, DEVICES, Refused, as_user, said


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
