"""Realm settings → Keys: the key list (``GET keys``) and the key providers (``/components`` of type
``org.keycloak.keys.KeyProvider``), as Keycloak's console shows them (KeysListTab, KeysProvidersTab).

Reading needs view-realm, writing manage-realm, as ComponentResource checks. The forms are built from each
provider's declared properties (``keys.components.PROPERTIES``) and read into the ComponentRepresentation
Keycloak's console sends; the writes are ``admin.key_providers``', the functions behind ``/components``, and
are recorded as those calls. A refused configuration shows ComponentValidationException's message.
"""

from __future__ import annotations

from collections.abc import Awaitable, Mapping
from dataclasses import dataclass
from typing import Any

from doorkeep.admin import key_providers as providers
from doorkeep.admin.keys_metadata import keys_metadata
from doorkeep.errors import AdminError
from doorkeep.keys import components as kc
from doorkeep.model import RealmKey
from doorkeep.web.admin_console.context import Console, Missing
from doorkeep.web.admin_console.forms import FormErrors, FormState

# The providers Doorkeep implements, signing ones first, then those whose key encrypts (use ENC).
ADDABLE = (
    "rsa-generated",
    "rsa",
    "ecdsa-generated",
    "eddsa-generated",
    "hmac-generated",
    "rsa-enc-generated",
    "rsa-enc",
    "ecdh-generated",
    "aes-generated",
)
SWITCHES = frozenset({kc.ENABLED.name, kc.ACTIVE.name, kc.EC_CERTIFICATE.name})  # boolean properties
TEXTS = frozenset({kc.PRIVATE_KEY.name, kc.CERTIFICATE.name})  # PEM text areas
EDITABLE = (kc.PRIORITY, kc.ENABLED, kc.ACTIVE)  # what the edit form changes (plus the name)


@dataclass(frozen=True)
class KeyRow:
    """One row of the key list: KeyMetadataRepresentation, with the name of the provider that holds it."""

    meta: dict[str, Any]
    provider: str


async def key_list(c: Console) -> list[KeyRow]:
    """``GET keys`` as the key list shows it (view-realm)."""
    c.require("view-realm")
    stored = await providers.listed(c.tx, c.realm)
    names = {k.component_id: k.name or k.provider_id for k in stored}
    listed = keys_metadata(stored, c.realm.name, c.now)["keys"]
    return [KeyRow(meta, names.get(str(meta["providerId"]), "")) for meta in listed]


async def provider_list(c: Console) -> list[RealmKey]:
    """``GET components?type=org.keycloak.keys.KeyProvider`` (view-realm)."""
    c.require("view-realm")
    return await providers.listed(c.tx, c.realm)


async def provider(c: Console, component_id: str) -> RealmKey:
    c.require("view-realm")
    try:
        return await providers.stored(c.tx, c.realm, component_id)
    except AdminError as err:
        raise Missing(err.message) from None


def props(provider_id: str) -> tuple[kc.Prop, ...]:
    """The provider's declared properties; an unknown provider is a missing page."""
    if provider_id not in ADDABLE:
        raise Missing(kc.NO_SUCH_PROVIDER)
    return kc.PROPERTIES[provider_id]


def new_form(provider_id: str) -> FormState:
    """A new provider's form: named after its provider and enabled and active, as Keycloak's console starts it."""
    return FormState({"name": provider_id, kc.PRIORITY.name: "0", kc.ENABLED.name: True, kc.ACTIVE.name: True})


def edit_form(key: RealmKey) -> FormState:
    config = kc.representation(key)["config"]
    values: dict[str, object] = {"name": key.name}
    for prop in EDITABLE:
        value = kc.first(config, prop.name)
        values[prop.name] = value != "false" if prop.name in SWITCHES else (value or "")
    return FormState(values)


def _read(form: Mapping[str, str], declared: tuple[kc.Prop, ...]) -> tuple[FormState, dict[str, list[str]]]:
    """What was typed, and the component config it makes (switches as "true"/"false", blanks left out)."""
    typed, config = FormState({"name": form.get("name", "").strip()}), dict[str, list[str]]()
    for prop in declared:
        if prop.name in SWITCHES:
            on = prop.name in form
            typed.values[prop.name] = on
            config[prop.name] = ["true" if on else "false"]
            continue
        value = form.get(prop.name, "").strip()
        typed.values[prop.name] = value
        if value:
            config[prop.name] = [value]
    return typed, config


async def create(c: Console, provider_id: str, form: Mapping[str, str]) -> RealmKey:
    """Add a provider as ``POST components`` does (manage-realm), recorded as that call."""
    c.require("manage-realm")
    typed, config = _read(form, props(provider_id))
    rep = {"name": typed.values["name"], "providerId": provider_id, "providerType": kc.KEY_PROVIDER}
    rep |= {"parentId": c.realm.id, "config": config}
    key = await _refusing(typed, providers.create(c.tx, c.realm, rep, c.now))
    c.changed("POST", "components", key.component_id, body=rep)
    return key


async def update(c: Console, old: RealmKey, form: Mapping[str, str]) -> RealmKey:
    """Change a provider's name, priority, enabled and active as ``PUT components/{id}`` does (manage-realm),
    sending the whole component as Keycloak's console does (its secrets still masked, so kept)."""
    c.require("manage-realm")
    typed, config = _read(form, EDITABLE)
    rep = kc.representation(old)
    rep |= {"name": typed.values["name"], "config": {**rep["config"], **config}}
    if kc.PRIORITY.name not in config:  # a priority left blank is removed, as a blank value in the PUT
        rep["config"][kc.PRIORITY.name] = [""]
    key = await _refusing(typed, providers.update(c.tx, c.realm, old, rep, c.now))
    c.changed("PUT", "components", old.component_id, body=rep)
    return key


async def delete(c: Console, old: RealmKey) -> None:
    """``DELETE components/{id}`` (manage-realm)."""
    c.require("manage-realm")
    await providers.delete(c.tx, c.realm, old)
    c.changed("DELETE", "components", old.component_id)


async def _refusing(typed: FormState, write: Awaitable[RealmKey]) -> RealmKey:
    """The write's result; its refusal (ComponentValidationException, no such provider) as the form's error."""
    try:
        key = await write
    except AdminError as err:
        typed.errors["form"] = err.description or err.message
        raise FormErrors(typed) from None
    return key
