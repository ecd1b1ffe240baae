"""Clients → Client registration → Anonymous / Authenticated access policies, as Keycloak's console shows them
(ClientRegistrationList, DetailProvider): the realm's ``ClientRegistrationPolicy`` components of one subType
with their provider; a policy's form built from its provider's properties; create, save and delete.

Reading needs view-realm and writing manage-realm, as ComponentResource checks. The writes are
``clientreg.policy_writes``' (the functions behind ``/components``: its merge, each provider's
validateConfiguration and its texts), sent as the ComponentRepresentation Keycloak's console sends and
recorded as ``POST``/``PUT``/``DELETE components`` calls.
"""

from __future__ import annotations

from collections.abc import Awaitable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from doorkeep.admin.serverinfo import MAPPER_TYPES
from doorkeep.clientreg import policy_components as pc
from doorkeep.clientreg import policy_writes as policies
from doorkeep.errors import AdminError
from doorkeep.model import RegistrationPolicy
from doorkeep.web.admin_console.context import Console, Missing
from doorkeep.web.admin_console.forms import FormErrors, FormState

T = TypeVar("T")
SUB_TYPES = {pc.ANONYMOUS: "Anonymous access policies", pc.AUTHENTICATED: "Authenticated access policies"}
# The English of Keycloak's admin messages for each provider and property.
PROVIDER_NAMES = {
    pc.TRUSTED_HOSTS: "Trusted Hosts",
    pc.CONSENT: "Consent Required",
    pc.FULL_SCOPE: "Full Scope Disabled",
    pc.MAX_CLIENTS: "Max Clients Limit",
    pc.MAPPERS: "Allowed Protocol Mapper Types",
    pc.SCOPES: "Allowed Client Scopes",
    pc.DISABLED: "Client Disabled",
    pc.WEB_ORIGINS: "Allowed Registration Web Origins",
}
LABELS = {
    pc.TRUSTED_HOSTS: "Trusted hosts",
    pc.HOST_MUST_MATCH: "Host sending client registration request must match",
    pc.URIS_MUST_MATCH: "Client URIs must match",
    pc.MAX_CLIENTS: "Max clients per realm",
    pc.MAPPER_TYPES: "Allowed protocol mapper types",
    pc.CONSENT_FOR_ALL_MAPPERS: "Consent required for all mappers",
    pc.ALLOWED_SCOPES: "Allowed client scopes",
    pc.ALLOW_DEFAULT_SCOPES: "Allow default scopes",
    pc.WEB_ORIGINS_KEY: "Web origins",
}


@dataclass(frozen=True)
class Field:
    """One property of the provider, as its form shows it: a switch, a line, lines, or choices."""

    name: str
    label: str
    type: str
    options: tuple[str, ...] = ()


def sub_type(value: str) -> str:
    if value not in SUB_TYPES:
        raise Missing("No such kind of client registration policy.")
    return value


async def listed(c: Console, kind: str) -> list[RegistrationPolicy]:
    """``GET components?type=…ClientRegistrationPolicy`` (view-realm), those of subType ``kind``."""
    c.require("view-realm")
    return [p for p in await c.tx.registration_policies.list(c.realm.id) if p.sub_type == kind]


async def stored(c: Console, policy_id: str) -> RegistrationPolicy:
    c.require("view-realm")
    found = await c.tx.registration_policies.get(c.realm.id, policy_id)
    if found is None:
        raise Missing("Could not find component")
    return found


async def fields_of(c: Console, provider_id: str) -> list[Field]:
    """The provider's properties; the choices of a list being the mapper types or the realm's client scopes,
    as getProviders offers them."""
    if provider_id not in pc.PROVIDERS:
        raise Missing("No such provider")
    out = []
    for prop in pc.PROVIDERS[provider_id][1]:
        options: Sequence[str] = ()
        if prop.name == pc.MAPPER_TYPES:
            options = [m[0] for m in MAPPER_TYPES]
        elif prop.name == pc.ALLOWED_SCOPES:
            options = pc.scope_options(await policies.scope_names(c.tx, c.realm))
        out.append(Field(prop.name, LABELS.get(prop.name, prop.name), prop.type, tuple(options)))
    return out


def form_of(name: str, config: Mapping[str, list[str]], shown: list[Field], provider_id: str) -> FormState:
    """The form of a policy (or of a new one, with the provider's defaults)."""
    defaults = {p.name: p.default for p in pc.PROVIDERS[provider_id][1]}
    values: dict[str, object] = {"name": name}
    for f in shown:
        given, default = config.get(f.name), defaults.get(f.name)
        if f.type == "boolean":
            values[f.name] = given[0] == "true" if given else str(default).lower() == "true"
        elif f.type == "String":
            values[f.name] = given[0] if given else str(default or "")
        else:
            values[f.name] = list(given or (default if isinstance(default, list) else []))
    return FormState(values)


def new_form(provider_id: str, shown: list[Field]) -> FormState:
    return form_of(PROVIDER_NAMES.get(provider_id, provider_id), {}, shown, provider_id)


def _read(form: Mapping[str, list[str]], shown: list[Field]) -> tuple[FormState, dict[str, list[str]]]:
    """What was typed, and the config it makes: switches "true"/"false", a line as one value (blank: none),
    lines one value each, the ticked choices."""
    first = form.get("name") or [""]
    typed, config = FormState({"name": first[0].strip()}), dict[str, list[str]]()
    for f in shown:
        given = form.get(f.name, [])
        if f.type == "boolean":
            typed.values[f.name] = "on" in given
            config[f.name] = ["true" if "on" in given else "false"]
        elif f.type == "String":
            typed.values[f.name] = value = (given or [""])[0].strip()
            config[f.name] = [value] if value else []
        else:
            lines = [v.strip() for text in given for v in text.splitlines()] if f.type == "MultivaluedString" else given
            typed.values[f.name] = kept = [v for v in lines if v.strip()]
            config[f.name] = kept
    return typed, config


async def create(c: Console, kind: str, provider_id: str, form: Mapping[str, list[str]]) -> RegistrationPolicy:
    """``POST components`` with the policy (manage-realm), recorded as that call."""
    c.require("manage-realm")
    typed, config = _read(form, await fields_of(c, provider_id))
    rep: dict[str, Any] = {"name": typed.values["name"], "providerId": provider_id, "providerType": pc.POLICY_TYPE}
    rep |= {"parentId": c.realm.id, "subType": kind, "config": {k: v for k, v in config.items() if v}}
    made = await _refusing(typed, policies.create(c.tx, c.realm, rep))
    c.changed("POST", "components", made.id, body=rep)
    return made


async def update(c: Console, old: RegistrationPolicy, form: Mapping[str, list[str]]) -> None:
    """``PUT components/{id}`` with the whole component as Keycloak's console sends it (manage-realm): a
    property emptied is sent empty, so removed."""
    c.require("manage-realm")
    typed, config = _read(form, await fields_of(c, old.provider_id))
    rep = pc.representation(old)
    rep |= {"name": typed.values["name"], "config": {**rep["config"], **config}}
    await _refusing(typed, policies.update(c.tx, c.realm, old, rep))
    c.changed("PUT", "components", old.id, body=rep)


async def delete(c: Console, old: RegistrationPolicy) -> None:
    """``DELETE components/{id}`` (manage-realm)."""
    c.require("manage-realm")
    await policies.delete(c.tx, c.realm, old)
    c.changed("DELETE", "components", old.id)


async def _refusing(typed: FormState, write: Awaitable[T]) -> T:
    """The write's result; its refusal (ComponentValidationException) as the form's error."""
    try:
        return await write
    except AdminError as err:
        typed.errors["form"] = err.description or err.message
        raise FormErrors(typed) from None
