"""Realm settings: the Sessions and Tokens tabs, and Revocation (not-before), as Keycloak's console shows them.

Reading needs view-realm, saving manage-realm, as ``GET``/``PUT /admin/realms/{realm}``. Saving goes
through ``admin_ops.update_realm``, the function behind that PUT.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

from doorkeep import policy
from doorkeep.admin import operations as admin_ops
from doorkeep.admin import session_limits
from doorkeep.model import Realm
from doorkeep.web.admin.realms import realm_json
from doorkeep.web.admin_console.context import Console
from doorkeep.web.admin_console.forms import FormErrors, FormState, TimeField, checkbox, read_time, shown
from doorkeep.web.admin_console.timefields import FieldError, grace_seconds, whole_number

SESSIONS = (
    TimeField(
        "ssoSessionIdleTimeout",
        "SSO Session Idle",
        "sso_session_idle_timeout",
        "How long a browser session may sit unused before the user must sign in again.",
        required=True,
        minimum=1,
    ),
    TimeField(
        "ssoSessionMaxLifespan",
        "SSO Session Max",
        "sso_session_max_lifespan",
        "The longest a browser session lasts, however active.",
        required=True,
        minimum=1,
    ),
    TimeField(
        "clientSessionIdleTimeout",
        "Client Session Idle",
        "client_session_idle_timeout",
        "Idle time of one client's session; empty uses SSO Session Idle.",
    ),
    TimeField(
        "clientSessionMaxLifespan",
        "Client Session Max",
        "client_session_max_lifespan",
        "Maximum time of one client's session; empty uses SSO Session Max.",
    ),
    TimeField(
        "offlineSessionIdleTimeout",
        "Offline Session Idle",
        "offline_session_idle_timeout",
        "An offline token unused this long stops working.",
        required=True,
        minimum=1,
    ),
    TimeField(
        "offlineSessionMaxLifespan",
        "Offline Session Max",
        "offline_session_max_lifespan",
        "With Offline Session Max Limited on: the longest an offline session lasts, however used.",
        minimum=1,
    ),
    TimeField(
        "clientOfflineSessionIdleTimeout",
        "Client Offline Session Idle",
        "client_offline_session_idle_timeout",
        "Idle time of one client's offline session; empty uses Offline Session Idle.",
    ),
    TimeField(
        "clientOfflineSessionMaxLifespan",
        "Client Offline Session Max",
        "client_offline_session_max_lifespan",
        "Maximum time of one client's offline session; empty uses Offline Session Max.",
    ),
)
MAX_LIMITED = "offlineSessionMaxLifespanEnabled"
ACCESS_TOKEN = TimeField(
    "accessTokenLifespan",
    "Access Token Lifespan",
    "access_token_lifespan",
    "How long an access token is valid.",
    required=True,
    minimum=1,
)
DEVICE_CODE = TimeField(
    "oauth2DeviceCodeLifespan",
    "OAuth 2.0 Device Code Lifespan",
    "oauth2_device_code_lifespan",
    "How long a device code and its user code may wait for the user's approval.",
    required=True,
    minimum=1,
)
POLLING = "oauth2DevicePollingInterval"
REVOKE = "revokeRefreshToken"
MAX_REUSE = "refreshTokenMaxReuse"
GRACE = "refreshTokenGracePeriod"  # a realm attribute (issue #13); absent means 0, off


def sessions_form(realm: Realm) -> FormState:
    state = FormState({spec.name: shown(getattr(realm, spec.attr)) for spec in SESSIONS})
    state.values[MAX_LIMITED] = realm.offline_session_max_lifespan_enabled
    return state


def tokens_form(realm: Realm) -> FormState:
    return FormState(
        {
            ACCESS_TOKEN.name: shown(realm.access_token_lifespan),
            DEVICE_CODE.name: shown(realm.oauth2_device_code_lifespan),
            POLLING: str(realm.oauth2_device_polling_interval),
            REVOKE: realm.revoke_refresh_token,
            MAX_REUSE: str(realm.refresh_token_max_reuse),
            GRACE: str(policy.parse_grace_period(str(realm.attributes.get(GRACE, ""))) or 0),
        }
    )


def read_sessions(realm: Realm, form: Mapping[str, str]) -> Realm:
    """The realm with the Sessions tab's values; ``FormErrors`` naming each refused field."""
    state, changes = FormState(), dict[str, Any]()
    limited = checkbox(form, MAX_LIMITED)
    state.values[MAX_LIMITED] = limited
    for spec in SESSIONS:
        if spec.name == "offlineSessionMaxLifespan" and not limited:
            state.values[spec.name] = shown(realm.offline_session_max_lifespan)  # hidden, kept as stored
            continue
        required = spec.required or spec.name == "offlineSessionMaxLifespan"
        seconds = read_time(form, dataclasses.replace(spec, required=required), state)
        if seconds is not None:
            changes[spec.attr] = seconds
    if state.errors:
        raise FormErrors(state)
    new = dataclasses.replace(realm, offline_session_max_lifespan_enabled=limited, **changes)
    if problem := session_limits.realm_problem(realm, new, None):  # the PUT would refuse it: say where
        state.errors[problem[0]] = problem[1]
        raise FormErrors(state)
    return new


def read_tokens(realm: Realm, form: Mapping[str, str]) -> Realm:
    """The realm with the Tokens tab's values; ``FormErrors`` naming each refused field. The device-grant
    fields keep their stored values when a form from before they existed leaves them out."""
    state = FormState({REVOKE: checkbox(form, REVOKE), MAX_REUSE: form.get(MAX_REUSE, "").strip()})
    state.values[GRACE] = form.get(GRACE, "").strip()
    lifespan = read_time(form, ACCESS_TOKEN, state)
    device = _read_device(realm, form, state)
    reuse: int | None = None
    grace = ""
    try:
        reuse = whole_number(MAX_REUSE, "Refresh Token Max Reuse", form.get(MAX_REUSE))
    except FieldError as err:
        state.errors[err.field] = str(err)
    try:
        grace = grace_seconds(GRACE, form.get(GRACE) or "0", allow_empty=False)
    except FieldError as err:
        state.errors[err.field] = str(err)
    if state.errors or lifespan is None or reuse is None or device is None:
        raise FormErrors(state)
    attributes = {k: v for k, v in realm.attributes.items() if k != GRACE}
    return dataclasses.replace(
        realm,
        access_token_lifespan=lifespan,
        revoke_refresh_token=bool(state.values[REVOKE]),
        refresh_token_max_reuse=reuse,
        oauth2_device_code_lifespan=device[0],
        oauth2_device_polling_interval=device[1],
        attributes=attributes | ({GRACE: grace} if grace != "0" else {}),
    )


def _read_device(realm: Realm, form: Mapping[str, str], state: FormState) -> tuple[int, int] | None:
    """OAuth 2.0 Device Code Lifespan and Polling Interval, or None with the errors in ``state``."""
    lifespan: int | None = realm.oauth2_device_code_lifespan
    if DEVICE_CODE.name in form:
        lifespan = read_time(form, DEVICE_CODE, state)
    else:
        state.values[DEVICE_CODE.name] = shown(realm.oauth2_device_code_lifespan)
    interval: int | None = realm.oauth2_device_polling_interval
    state.values[POLLING] = form.get(POLLING, str(interval)).strip()
    if POLLING in form:
        try:
            interval = whole_number(POLLING, "OAuth 2.0 Device Polling Interval", form.get(POLLING))
        except FieldError as err:
            state.errors[err.field] = str(err)
            interval = None
    return None if lifespan is None or interval is None else (lifespan, interval)


async def save(c: Console, new: Realm, recorded: dict[str, object] | None = None) -> Realm:
    """Store the changed realm as ``PUT /admin/realms/{realm}`` does (manage-realm), recorded as that PUT with
    ``recorded`` as its body, by default the whole RealmRepresentation, as Keycloak's realm settings send it."""
    c.require("manage-realm")
    saved = await admin_ops.update_realm(c.tx, c.realm, new)
    c.changed("PUT", body=await realm_json(c.tx, saved) if recorded is None else recorded)
    return saved


async def set_not_before(c: Console, value: int) -> Realm:
    """Revocation: "Set to now" (``value`` = now) or "Clear" (0): tokens issued before it are refused.
    Recorded as Keycloak's console makes it: ``PUT /admin/realms/{realm}`` with ``{realm, notBefore}``."""
    return await save(c, dataclasses.replace(c.realm, not_before=value), {"realm": c.realm.name, "notBefore": value})
