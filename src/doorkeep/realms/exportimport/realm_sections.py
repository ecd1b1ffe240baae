"""The realm-level sections of a realm file that become parts of the ``Realm`` itself: ``requiredActions``,
``localizationTexts``, ``identityProviders`` and ``identityProviderMappers``; the refresh grace period's
check; and which of Keycloak's import migrations a file's ``keycloakVersion`` calls for."""

from __future__ import annotations

import dataclasses
from typing import Any

from doorkeep import policy
from doorkeep.broker import idp_mapper_types as idp_types
from doorkeep.broker import providers as idp
from doorkeep.errors import AdminError
from doorkeep.model import Realm
from doorkeep.realms import required_actions
from doorkeep.realms.exportimport.plan import as_list, at, fail, obj, string_map


def with_required_actions(realm: Realm, listed: Any, where: str) -> Realm:
    """``requiredActions``: the realm gets the file's list as it is (RealmManager.importRealm adds each with
    RepresentationToModel.toModel); without one, Keycloak's defaults (DefaultRequiredActions.addActions)."""
    if listed is None:
        return realm
    if not isinstance(listed, list):
        fail(where, "expected a list")
    actions: list[required_actions.RequiredAction] = []
    for index, item in enumerate(listed):
        entry = obj(item, f"{where}[{index}]")
        if not isinstance(entry.get("alias"), str) or not entry["alias"]:
            fail(f"{where}[{index}].alias", "expected a non-empty string")
        if len(entry["alias"]) > 255 or "\x00" in entry["alias"]:  # REQUIRED_ACTION_PROVIDER.ALIAS: varchar(255)
            fail(f"{where}[{index}].alias", "expected at most 255 characters and no NUL")
        if any(a.alias == entry["alias"] for a in actions):
            fail(f"{where}[{index}].alias", f"'{entry['alias']}' is listed twice")
        try:
            actions.append(required_actions.from_representation(entry))
        except (TypeError, ValueError, AttributeError):
            fail(f"{where}[{index}]", "not a RequiredActionProviderRepresentation")
    return required_actions.with_actions(realm, actions)


def with_localization_texts(realm: Realm, given: Any, where: str) -> Realm:
    """``localizationTexts``: a map of texts per locale, each imported as RealmLocalizationResource's POST
    would merge it (createOrUpdateRealmLocalizationTexts)."""
    if given is None:
        return realm
    found = {locale: string_map(texts, at(where, locale)) for locale, texts in obj(given, where).items()}
    return dataclasses.replace(realm, localization_texts=found)


def with_identity_providers(realm: Realm, given: Any, where: str) -> Realm:
    """``identityProviders``: each as ``POST identity-provider/instances`` takes it (broker/providers.py), its
    ``internalId`` kept."""
    if given is None:
        return realm
    found: list[dict[str, Any]] = []
    for index, item in enumerate(as_list(given, where)):
        entry = obj(item, f"{where}[{index}]")
        internal = entry.get("internalId")
        try:
            provider = idp.model(realm, entry, internal_id=internal if isinstance(internal, str) else None)
        except AdminError as err:
            fail(f"{where}[{index}]", err.description or err.message)
        if any(p["alias"] == provider["alias"] for p in found):
            fail(f"{where}[{index}].alias", f"'{provider['alias']}' is listed twice")
        found.append(provider)
    return idp.with_providers(realm, found)


def with_idp_mappers(realm: Realm, given: Any, where: str) -> Realm:
    """``identityProviderMappers``: each as ``POST identity-provider/instances/{alias}/mappers`` takes it
    (broker/idp_mapper_types.py), its ``id`` kept, for a provider the file lists."""
    if given is None:
        return realm
    found: list[dict[str, Any]] = []
    for index, item in enumerate(as_list(given, where)):
        entry = obj(item, f"{where}[{index}]")
        alias = entry.get("identityProviderAlias")
        provider = idp.by_alias(realm, alias) if isinstance(alias, str) else None
        if provider is None:
            fail(f"{where}[{index}].identityProviderAlias", f"no identity provider '{alias}' in the realm")
        given_id = entry.get("id")
        try:
            mapper = idp_types.model(entry, provider, mapper_id=given_id if isinstance(given_id, str) else None)
        except AdminError as err:
            fail(f"{where}[{index}]", err.description or err.message)
        if any(m["id"] == mapper["id"] for m in found):
            fail(f"{where}[{index}].id", f"'{mapper['id']}' is listed twice")
        found.append(mapper)
    return dataclasses.replace(realm, identity_provider_mappers=tuple(found))


def check_grace(attributes: dict[str, str], name: str, where: str) -> None:
    """The refresh grace period (issue #13): blank (off / inherit), else 0 to 120 seconds."""
    value = attributes.get(name, "").strip()
    if value and policy.parse_grace_period(value) is None:
        fail(at(where, name), "expected a whole number of seconds from 0 to 120")


def written_before(version: object, release: tuple[int, ...]) -> bool:
    """MigrationModelManager.migrateImport: a file without ``keycloakVersion`` counts as the oldest, so every
    migration runs for it; a version that does not read as numbers (a product version, a snapshot) does not."""
    if version is None:
        return True
    if not isinstance(version, str):
        return False
    parts = version.split("-")[0].split(".")[:3]
    try:
        numbers = tuple(int(x) for x in parts)
    except ValueError:
        return False
    return numbers < release
