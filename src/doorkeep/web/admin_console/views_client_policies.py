"""Realm settings → Client policies, as Keycloak 26's console shows them (ProfilesTab, PoliciesTab, ClientProfileForm,
NewClientPolicy, ExecutorForm, NewClientPolicyCondition): the realm's profiles (and the global ones, read-only) and
policies, each edited as one entry of the document that ``PUT client-policies/profiles`` or ``…/policies`` stores.

Reading needs view-realm and writing manage-realm, as ClientProfilesResource and ClientPoliciesResource check.
Every write sends the whole document through ``web.admin.client_policies.put_document`` (the REST PUT's own
validation and messages). Keycloak records no admin event for either PUT, so neither does the console.
An executor's or condition's form is built from the properties ``GET /admin/serverinfo`` lists for its type.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from doorkeep import numbers
from doorkeep.clientpolicies import catalogue, condition_metadata, executor_metadata, realm_config
from doorkeep.clientpolicies.validation import ClientPolicyError
from doorkeep.web.admin.client_policies import put_document
from doorkeep.web.admin_console.client_policy_fields import read_config
from doorkeep.web.admin_console.context import Console, Missing
from doorkeep.web.admin_console.forms import FormErrors, FormState

GLOBAL_READ_ONLY = "Global profiles cannot be updated"  # ClientPoliciesUtil's refusal of a global profile's change
BAD_JSON = "The JSON is not valid: {problem}"


@dataclass(frozen=True)
class Kind:
    """Profiles or policies: the document's key, one entry's word, its list of components and their key."""

    key: str
    one: str
    items: str
    item_key: str
    title: str

    def types(self) -> dict[str, dict[str, Any]]:
        """The component types serverinfo lists for this kind, by id."""
        if self.key == "profiles":
            return {t["id"]: t for t in executor_metadata.all_executor_types()}
        return {t["id"]: t for t in condition_metadata.condition_types()}


PROFILES = Kind("profiles", "profile", "executors", "executor", "Profiles")
POLICIES = Kind("policies", "policy", "conditions", "condition", "Policies")
KINDS = {k.key: k for k in (PROFILES, POLICIES)}


def kind_of(value: str) -> Kind:
    if value not in KINDS:
        raise Missing("No such tab of client policies.")
    return KINDS[value]


def document(c: Console, kind: Kind) -> dict[str, Any]:
    """``GET client-policies/{kind}`` (view-realm): the realm's entries, without the global ones."""
    c.require("view-realm")
    return realm_config.profiles_of(c.realm) if kind is PROFILES else realm_config.policies_of(c.realm)


def global_entries(kind: Kind) -> list[dict[str, Any]]:
    return catalogue.global_profiles() if kind is PROFILES else catalogue.global_policies()


def json_text(c: Console, kind: Kind) -> str:
    """The JSON editor's document: what Keycloak's console shows, the global profiles included."""
    doc = document(c, kind)
    if kind is PROFILES:
        doc["globalProfiles"] = global_entries(kind)
    return json.dumps(doc, indent=2, ensure_ascii=False)


@dataclass(frozen=True)
class Found:
    entry: dict[str, Any]
    index: int  # its place among the realm's entries; -1 for a global one
    doc: dict[str, Any]

    @property
    def is_global(self) -> bool:
        return self.index < 0


def find(c: Console, kind: Kind, name: str) -> Found:
    """The realm's (or a global) profile or policy called ``name``."""
    doc = document(c, kind)
    for index, entry in enumerate(doc[kind.key]):
        if entry.get("name") == name:
            return Found(entry, index, doc)
    for entry in global_entries(kind):
        if entry.get("name") == name:
            return Found(entry, -1, doc)
    raise Missing(f"Could not find client {kind.one} {name}.")


async def _put(c: Console, kind: Kind, doc: dict[str, Any], typed: FormState) -> None:
    """The PUT of the whole document (manage-realm); its refusal as the form's error, in Keycloak's words."""
    c.require("manage-realm")
    try:
        await put_document(c.tx, c.realm, kind.key, doc)
    except ClientPolicyError as problem:
        typed.errors["form"] = str(problem)
        raise FormErrors(typed) from None


def _writable(found: Found, typed: FormState) -> None:
    if found.is_global:
        typed.errors["form"] = GLOBAL_READ_ONLY
        raise FormErrors(typed)


async def save_json(c: Console, kind: Kind, text: str) -> None:
    """The JSON editor's Save: the document as typed, or the parser's complaint."""
    typed = FormState({"json": text})
    c.require("manage-realm")
    try:
        doc = numbers.loads(text)
    except ValueError as problem:
        typed.errors["json"] = BAD_JSON.format(problem=problem)
        raise FormErrors(typed) from None
    if not isinstance(doc, dict):
        typed.errors["json"] = BAD_JSON.format(problem=f"expected an object with {kind.key}")
        raise FormErrors(typed)
    await _put(c, kind, doc, typed)


def header_form(entry: Mapping[str, Any]) -> FormState:
    """The name, description (and a policy's profiles) of an entry, as its form shows them."""
    profiles = entry.get("profiles")
    chosen = [p for p in profiles if isinstance(p, str)] if isinstance(profiles, list) else []
    return FormState({"name": entry.get("name", ""), "description": entry.get("description", ""), "profiles": chosen})


def _read_header(form: Mapping[str, list[str]]) -> FormState:
    first = {key: (form.get(key) or [""])[0].strip() for key in ("name", "description")}
    return FormState({**first, "profiles": list(form.get("profiles", []))})


async def save_header(c: Console, kind: Kind, found: Found | None, form: Mapping[str, list[str]]) -> str:
    """Create (``found`` None) or rename/describe an entry; a policy's profiles too. Answers its name."""
    typed = _read_header(form)
    if found is not None:
        _writable(found, typed)
    doc = document(c, kind) if found is None else found.doc
    entry: dict[str, Any] = {} if found is None else dict(found.entry)
    entry |= {"name": typed.values["name"], "description": typed.values["description"]}
    if kind is POLICIES:
        entry["profiles"] = typed.values["profiles"]
        entry.setdefault("enabled", True)  # NewClientPolicy's default
    entry.setdefault(kind.items, [])
    if found is None:
        doc[kind.key].append(entry)
    else:
        doc[kind.key][found.index] = entry
    await _put(c, kind, doc, typed)
    return str(entry["name"])


async def delete(c: Console, kind: Kind, found: Found) -> None:
    typed = FormState()
    _writable(found, typed)
    del found.doc[kind.key][found.index]
    await _put(c, kind, found.doc, typed)


async def switch(c: Console, found: Found, enabled: bool) -> None:
    """A policy's Enabled switch on the list."""
    typed = FormState()
    _writable(found, typed)
    found.doc["policies"][found.index] = {**found.entry, "enabled": enabled}
    await _put(c, POLICIES, found.doc, typed)


def items_of(kind: Kind, found: Found) -> list[dict[str, Any]]:
    listed = found.entry.get(kind.items)
    return [i for i in listed if isinstance(i, dict)] if isinstance(listed, list) else []


def item_at(kind: Kind, found: Found, raw: str) -> tuple[int, dict[str, Any]]:
    listed = items_of(kind, found)
    if not (raw.isascii() and raw.isdigit()) or len(raw) > 6 or int(raw) >= len(listed):
        raise Missing(f"No such {kind.item_key}.")
    return int(raw), listed[int(raw)]


async def save_item(
    c: Console, kind: Kind, found: Found, type_id: str, index: int | None, form: Mapping[str, list[str]]
) -> None:
    """Add (``index`` None) or replace an executor of a profile or a condition of a policy."""
    typed, config = read_config(kind.types()[type_id]["properties"], form)
    _writable(found, typed)
    items = list(items_of(kind, found))
    item = {kind.item_key: type_id, "configuration": config}
    if index is None:
        items.append(item)
    else:
        items[index] = item
    found.doc[kind.key][found.index] = {**found.entry, kind.items: items}
    await _put(c, kind, found.doc, typed)


async def delete_item(c: Console, kind: Kind, found: Found, index: int) -> None:
    typed = FormState()
    _writable(found, typed)
    items = [i for n, i in enumerate(items_of(kind, found)) if n != index]
    found.doc[kind.key][found.index] = {**found.entry, kind.items: items}
    await _put(c, kind, found.doc, typed)
