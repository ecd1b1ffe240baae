"""Keycloak's JSON for protocol mappers (ProtocolMapperRepresentation) and groups (GroupRepresentation)."""

from __future__ import annotations

import uuid
from typing import Any

from doorkeep.admin.representations import RepresentationError
from doorkeep.model import Group, ProtocolMapper


def mapper_to_json(mapper: ProtocolMapper) -> dict[str, Any]:
    return {
        "id": mapper.id,
        "name": mapper.name,
        "protocol": mapper.protocol,
        "protocolMapper": mapper.mapper,
        "consentRequired": False,
        "config": dict(mapper.config),
    }


def mapper_from_json(rep: Any, where: str = "") -> ProtocolMapper:
    """A ProtocolMapperRepresentation; ``where`` prefixes error messages (a place in a realm file)."""
    prefix = f"{where}: " if where else ""
    if not isinstance(rep, dict):
        raise RepresentationError(f"{prefix}expected an object")
    name, kind = rep.get("name"), rep.get("protocolMapper")
    if not isinstance(name, str) or not name:
        raise RepresentationError(f"{prefix}name: expected a non-empty string")
    if not isinstance(kind, str) or not kind:
        raise RepresentationError(f"{prefix}protocolMapper: expected a non-empty string")
    protocol = rep.get("protocol") or "openid-connect"
    config = rep.get("config") or {}
    if len(name) > 255 or len(kind) > 255:
        raise RepresentationError(f"{prefix}name: at most 255 characters")
    if not isinstance(protocol, str) or len(protocol) > 64:
        raise RepresentationError(f"{prefix}protocol: expected a protocol name")
    if not isinstance(config, dict):
        raise RepresentationError(f"{prefix}config: expected an object of strings")
    if any(isinstance(v, (dict, list)) for v in config.values()):
        raise RepresentationError(f"{prefix}config: expected an object of strings")
    # RepresentationToModel.toModel drops null and empty values (removeEmptyString, KEYCLOAK-5863): an
    # emptied field of the Admin Console's form is the same as an absent one.
    values = {
        str(k): (str(v).lower() if isinstance(v, bool) else str(v)) for k, v in config.items() if v not in (None, "")
    }
    mapper_id = rep.get("id")
    return ProtocolMapper(
        id=mapper_id if isinstance(mapper_id, str) and mapper_id else str(uuid.uuid4()),
        name=name,
        mapper=kind,
        protocol=protocol,
        config=values,
    )


def mappers_from_json(reps: Any, where: str) -> tuple[ProtocolMapper, ...]:
    if reps is None:
        return ()
    if not isinstance(reps, list):
        raise RepresentationError(f"{where}: expected a list of objects")
    return tuple(mapper_from_json(rep, f"{where}[{i}]") for i, rep in enumerate(reps))


def group_to_json(group: Group, *, brief: bool, sub_count: int | None = None) -> dict[str, Any]:
    """A GroupRepresentation; ``brief`` leaves out attributes, as ``briefRepresentation=true`` does."""
    out: dict[str, Any] = {"id": group.id, "name": group.name, "path": group.path}
    if group.description is not None:
        out["description"] = group.description
    if group.parent_id is not None:
        out["parentId"] = group.parent_id
    if sub_count is not None:
        out["subGroupCount"] = sub_count
    out["subGroups"] = []
    if not brief:
        out["attributes"] = {k: list(v) for k, v in group.attributes.items()}
        out["realmRoles"] = []
        out["clientRoles"] = {}
    out["access"] = {"view": True, "viewMembers": True, "manageMembers": True, "manage": True, "manageMembership": True}
    return out


def group_attributes(value: Any, where: str = "attributes") -> dict[str, list[str]]:
    """Group attributes: each a list of strings (a single string is accepted as a one-element list)."""
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise RepresentationError(f"{where}: expected an object of string lists")
    out: dict[str, list[str]] = {}
    for key, raw in value.items():
        items = raw if isinstance(raw, list) else [raw]
        if not all(isinstance(v, (str, int, float, bool)) for v in items):
            raise RepresentationError(f"{where}.{key}: expected a list of strings")
        out[str(key)] = [str(v) for v in items]
    return out
