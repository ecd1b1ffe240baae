"""Clients: list and search, a client's settings, its Advanced tab and its secret.

Reads need query-clients and view-clients (Keycloak lists nothing it may not show in full), changes
manage-clients, as the Admin REST's ``clients`` resource. Saving goes through ``admin_ops.update_client``
(URL validation included), the function behind ``PUT clients/{id}``, after the realm's client policies (UPDATE) as that
PUT runs them.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping

from doorkeep.admin import operations as admin_ops
from doorkeep.clientpolicies import enforce as client_policies
from doorkeep.clientpolicies.context import BY_AUTHENTICATED_USER as BY_ADMIN
from doorkeep.errors import AdminError
from doorkeep.model import Client
from doorkeep.oauth import client_urls, device_codes
from doorkeep.oauth import exchange_settings as token_exchange
from doorkeep.oauth import frontchannel_logout as fc
from doorkeep.oauth.uri_syntax import parse
from doorkeep.realms.provisioning import new_secret
from doorkeep.web.admin import parse as admin_parse
from doorkeep.web.admin.clients import client_json
from doorkeep.web.admin_console import cap_field, compat_fields, request_object_fields
from doorkeep.web.admin_console.context import Console, Missing, Page, Refused, page_of
from doorkeep.web.admin_console.forms import FormErrors, FormState, TimeField, checkbox, read_time, shown
from doorkeep.web.admin_console.timefields import FieldError, grace_seconds, whole_number

ADVANCED = (
    TimeField(
        "client.session.idle.timeout",
        "Client Session Idle",
        "client.session.idle.timeout",
        "Overrides the realm's Client Session Idle for this client; empty inherits.",
    ),
    TimeField(
        "client.session.max.lifespan",
        "Client Session Max",
        "client.session.max.lifespan",
        "Overrides the realm's Client Session Max for this client; empty inherits.",
    ),
    TimeField(
        "client.offline.session.idle.timeout",
        "Client Offline Session Idle",
        "client.offline.session.idle.timeout",
        "Overrides the realm's offline idle time for this client's offline tokens; empty inherits.",
    ),
    TimeField(
        "client.offline.session.max.lifespan",
        "Client Offline Session Max",
        "client.offline.session.max.lifespan",
        "Overrides the realm's offline maximum for this client's offline tokens; empty inherits.",
    ),
)
REVOKE = "revoke.refresh.token"  # "" inherits the realm's Revoke Refresh Token, else "true"/"false"
MAX_REUSE = "refresh.token.max.reuse"  # "" inherits the realm's Refresh Token Max Reuse
GRACE = "refresh.token.grace.period"  # "" inherits the realm's Refresh Grace Period (issue #13)
LINES = ("redirectUris", "webOrigins")


async def list_clients(c: Console, search: str, first: int, size: int) -> Page[Client]:
    """Clients by clientId, filtered by a case-insensitive substring, as ``GET clients?clientId=&search=true``."""
    c.require("query-clients")
    if not c.can("view-clients"):
        return page_of([], first, size)
    found = await c.tx.clients.list(
        c.realm.id, client_id=search or None, search=True, first=first, max_results=size + 1
    )
    return page_of(found, first, size)


async def client(c: Console, uuid: str) -> Client:
    """The realm's client with this id (404 to those who may list clients, else refused, as the REST API)."""
    found = await c.tx.clients.get(uuid)
    if found is None or found.realm_id != c.realm.id:
        if c.can("query-clients"):
            raise Missing("Could not find client")
        raise Refused("You may not see this realm's clients.")
    c.require("view-clients")
    return found


DEVICE_GRANT = device_codes.GRANT_ENABLED  # a client attribute, Keycloak's "OAuth 2.0 Device Authorization Grant"
TOKEN_EXCHANGE = token_exchange.ENABLED  # a client attribute, Keycloak's "Standard Token Exchange"


def settings_form(cl: Client) -> FormState:
    return FormState(
        {
            "name": cl.name or "",
            "description": cl.description or "",
            "enabled": cl.enabled,
            "consentRequired": cl.consent_required,
            "standardFlowEnabled": cl.standard_flow_enabled,
            "directAccessGrantsEnabled": cl.direct_access_grants_enabled,
            DEVICE_GRANT: device_codes.grant_enabled(cl),
            TOKEN_EXCHANGE: token_exchange.enabled(cl),
            "redirectUris": "\n".join(cl.redirect_uris),
            "webOrigins": "\n".join(cl.web_origins),
            "frontchannelLogout": cl.frontchannel_logout,
            fc.URL: cl.attr(fc.URL),
            fc.SESSION_REQUIRED: fc.session_required(cl),
        }
    )


def read_settings(cl: Client, form: Mapping[str, str]) -> Client:
    def lines(name: str) -> tuple[str, ...]:
        return tuple(dict.fromkeys(x.strip() for x in form.get(name, "").splitlines() if x.strip()))

    return dataclasses.replace(
        cl,
        name=form.get("name", "").strip() or None,
        description=form.get("description", "").strip() or None,
        enabled=checkbox(form, "enabled"),
        consent_required=checkbox(form, "consentRequired"),
        standard_flow_enabled=checkbox(form, "standardFlowEnabled"),
        direct_access_grants_enabled=checkbox(form, "directAccessGrantsEnabled"),
        frontchannel_logout=checkbox(form, "frontchannelLogout"),
        attributes=_logout_settings(
            _switched(
                cl,
                {
                    DEVICE_GRANT: (device_codes.grant_enabled(cl), checkbox(form, DEVICE_GRANT)),
                    TOKEN_EXCHANGE: (token_exchange.enabled(cl), checkbox(form, TOKEN_EXCHANGE)),
                },
            ),
            form.get(fc.URL, ""),
            checkbox(form, fc.SESSION_REQUIRED),
        ),
        redirect_uris=lines("redirectUris"),
        web_origins=lines("webOrigins"),
    )


def _switched(cl: Client, switches: Mapping[str, tuple[bool, bool]]) -> dict[str, object]:
    """The attributes with each switch (attribute: (was, now)) as set; one that did not change is left
    untouched (absent stays absent)."""
    attributes = dict(cl.attributes)
    for name, (was, now) in switches.items():
        if now != was:
            attributes[name] = "true" if now else "false"
    return attributes


def _logout_settings(attributes: dict[str, object], url: str, session_required: bool) -> dict[str, object]:
    """Keycloak's "Logout settings": the front-channel logout URL (blank removes it) and whether it carries
    sid and iss; that switch is written only when it changes what the client does (absent means on)."""
    out = {k: v for k, v in attributes.items() if k != fc.URL}
    if url.strip():
        out[fc.URL] = url.strip()
    current = attributes.get(fc.SESSION_REQUIRED)
    if session_required != (current is None or str(current).lower() == "true"):
        out[fc.SESSION_REQUIRED] = "true" if session_required else "false"
    return out


def check_settings(cl: Client) -> None:
    """The Settings tab's own checks: a redirect URI as ``PUT clients/{id}`` checks it (its words, shown by the
    field), and a front-channel logout URL framed only as an absolute http(s) URL."""
    errors: dict[str, str] = {}
    for problem in client_urls.url_errors(cl):
        if problem.place.startswith(client_urls.REDIRECT_URIS.name):
            errors.setdefault(client_urls.REDIRECT_URIS.name, problem.message)
    url = cl.attr(fc.URL)
    uri = parse(url) if url else None
    if url and (uri is None or uri.scheme not in ("http", "https") or not uri.host):
        errors[fc.URL] = "Front-channel logout URL: give an absolute http or https URL."
    if errors:
        raise FormErrors(FormState(errors=errors))


def advanced_form(cl: Client) -> FormState:
    state = FormState()
    for spec in ADVANCED:
        raw = cl.attr(spec.attr).strip()
        state.values[spec.name] = shown(int(raw) if raw.isdigit() and len(raw) <= 10 else 0)
    state.values[REVOKE] = (
        cl.attr(REVOKE).strip().lower() if cl.attr(REVOKE).strip().lower() in ("true", "false") else ""
    )
    state.values[MAX_REUSE] = cl.attr(MAX_REUSE).strip()
    state.values[GRACE] = cl.attr(GRACE).strip()
    cap_field.show(cl.attributes, state)
    request_object_fields.show(cl.attributes, state)
    compat_fields.show(cl.attributes, state)
    return state


def read_advanced(cl: Client, form: Mapping[str, str]) -> Client:
    """The client with the Advanced tab's overrides; empty fields inherit the realm's values."""
    state, attributes = FormState(), dict(cl.attributes)
    for spec in ADVANCED:
        seconds = read_time(form, spec, state)
        if seconds:
            attributes[spec.attr] = str(seconds)
        else:
            attributes.pop(spec.attr, None)
    revoke = form.get(REVOKE, "")
    state.values[REVOKE] = revoke
    if revoke not in ("", "true", "false"):
        state.errors[REVOKE] = "Revoke Refresh Token: choose Inherit, On or Off."
    state.values[MAX_REUSE] = form.get(MAX_REUSE, "").strip()
    try:
        reuse = whole_number(MAX_REUSE, "Refresh Token Max Reuse", form.get(MAX_REUSE), allow_empty=True)
    except FieldError as err:
        state.errors[err.field] = str(err)
        reuse = None
    state.values[GRACE], grace = form.get(GRACE, "").strip(), ""
    try:
        grace = grace_seconds(GRACE, form.get(GRACE), allow_empty=True)
    except FieldError as err:
        state.errors[err.field] = str(err)
    cap_field.read(form, state, attributes)
    request_object_fields.read(form, state, attributes)
    compat_fields.read(form, state, attributes)
    if state.errors:
        raise FormErrors(state)
    for key, value in ((REVOKE, revoke), (MAX_REUSE, "" if reuse is None else str(reuse)), (GRACE, grace)):
        if value:
            attributes[key] = value
        else:
            attributes.pop(key, None)
    return dataclasses.replace(cl, attributes=attributes)


async def save(c: Console, old: Client, new: Client) -> Client:
    """Store the client as ``PUT clients/{id}`` does, and record it as that PUT with the whole
    ClientRepresentation (its secret masked); a refused URL becomes a form error in words."""
    c.require("manage-clients")
    try:
        new = await _under_policies(c, old, new)
        saved = await admin_ops.update_client(c.tx, c.realm, old, new, c.now)
    except AdminError as err:
        raise FormErrors(FormState(errors={"form": err.description or err.message})) from None
    c.changed("PUT", "clients", saved.id, body=await client_json(c.tx, saved))  # Keycloak's console sends it all
    return saved


async def _under_policies(c: Console, old: Client, new: Client) -> Client:
    """The realm's client policies on the change, as ``PUT clients/{id}`` runs them (UPDATE, by an admin): a
    refusal is an AdminError, and what the executors auto-configure (e.g. ``consentRequired``) is applied; then
    UPDATED (secret-rotation's expiry and rotation, or the rotation attributes dropped)."""
    rep = await client_json(c.tx, new)
    proposed = await client_policies.on_client_write(
        c.tx, c.realm, rep, old, BY_ADMIN, user=c.identity.user, remote_addr=c.remote_addr, base_url=c.base_url
    )
    changed = {k: v for k, v in proposed.items() if rep.get(k) != v}
    new = admin_parse.updated_client(new, changed) if changed else new
    return await client_policies.after_client_write(c.tx, c.realm, new, c.now, new_secret, user=c.identity.user)


async def secret(c: Console, cl: Client) -> str | None:
    """The client secret, on request only (manage-clients, as ``GET clients/{id}/client-secret``)."""
    c.require("manage-clients")
    return None if cl.public_client or cl.bearer_only else cl.secret
