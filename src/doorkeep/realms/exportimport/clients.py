"""The client scopes, clients and scope mappings of a realm file: ``clientScopes`` with their protocol
mappers, ``clients`` checked as the Admin REST API checks them (URLs, session limits, the offline cap, the
grace period), and ``scopeMappings`` / ``clientScopeMappings``."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from typing import Any

from doorkeep import policy
from doorkeep.admin import session_note_mappers
from doorkeep.admin.group_mapper_json import mappers_from_json
from doorkeep.admin.representations import CLIENT_FIELDS, REALM_CLIENT, apply, with_registered_nodes
from doorkeep.admin.session_limits import client_problems, invalid_client
from doorkeep.model import CLIENT_AUTHENTICATORS, Client, ClientScope, ProtocolMapper, Realm
from doorkeep.oauth import client_urls
from doorkeep.oauth.claims import default_web_origins
from doorkeep.oauth.mappers.defaults import builtin_mappers
from doorkeep.realms import flow_import
from doorkeep.realms.exportimport import legacy_shapes
from doorkeep.realms.exportimport.plan import (
    ClientPlan,
    ImportError_,
    ScopeMappingPlan,
    as_list,
    at,
    fail,
    get_list,
    get_obj,
    obj,
    opt_str,
    req_str,
    str_list,
    string_map,
)
from doorkeep.realms.exportimport.realm_sections import check_grace
from doorkeep.realms.exportimport.references import Collector
from doorkeep.sessions import offline_cap
from doorkeep.sessions.revocation_triggers import invalid as invalid_triggers

SCOPE_KEYS = {"id", "name", "description", "protocol", "attributes", "protocolMappers"}
CLIENT_KEYS = {
    "id",
    *CLIENT_FIELDS,
    "defaultClientScopes",
    "optionalClientScopes",
    "clientTemplate",  # Keycloak 2.x-3.x: its scope is linked as a default one (legacy_shapes.py)
    "access",
    "surrogateAuthRequired",
    "nodeReRegistrationTimeout",
    "clientAuthenticatorType",
    "protocolMappers",
    "registeredNodes",
    "defaultRoles",  # deprecated (Keycloak < 13), still imported: implied_roles
    "authenticationFlowBindingOverrides",  # kept where Doorkeep runs the flow (flow_import.client_overrides)
}
SAML = "saml"


class ClientSection(Collector):
    """``clientScopes``, ``clients``, ``scopeMappings`` and ``clientScopeMappings``."""

    def scopes(self, rep: dict[str, Any]) -> list[ClientScope]:
        out: list[ClientScope] = []
        for i, value in enumerate(get_list(rep, "clientScopes", self.base)):
            where = f"{at(self.base, 'clientScopes')}[{i}]"
            s = obj(value, where)
            self.fields(s, SCOPE_KEYS, "clientScopes[].")
            name = req_str(s, "name", where)
            if any(scope.name == name for scope in out):
                fail(at(where, "name"), f"duplicate client scope '{name}'")
            # A built-in scope written without "protocolMappers" keeps Keycloak's default mappers.
            mappers = (
                builtin_mappers(name)
                if s.get("protocolMappers") is None
                else mappers_from_json(s["protocolMappers"], at(where, "protocolMappers"))
            )
            _check_mappers(mappers, at(where, "protocolMappers"), f"client scope '{name}'")
            out.append(
                ClientScope(
                    id=opt_str(s, "id", where) or "",
                    realm_id="",
                    name=name,
                    description=opt_str(s, "description", where),
                    protocol=opt_str(s, "protocol", where) or "openid-connect",
                    attributes=string_map(s.get("attributes"), at(where, "attributes")),
                    protocol_mappers=tuple(mappers),
                )
            )
        return out

    def clients(self, rep: dict[str, Any], realm: Realm) -> list[ClientPlan]:
        out: list[ClientPlan] = []
        for i, value in enumerate(get_list(rep, "clients", self.base)):
            where = f"{at(self.base, 'clients')}[{i}]"
            c = obj(value, where)
            self.fields(c, CLIENT_KEYS, "clients[].")
            client_id = req_str(c, "clientId", where)
            if any(p.client.client_id == client_id for p in out):
                fail(at(where, "clientId"), f"duplicate clientId '{client_id}'")
            if c.get("defaultRoles") is not None:
                listed = at(where, "defaultRoles")
                names = str_list(c["defaultRoles"], listed)
                self.client_default_roles += [(client_id, n, f"{listed}[{k}]") for k, n in enumerate(names)]
            if c.get("clientAuthenticatorType") not in (None, *CLIENT_AUTHENTICATORS):
                self.unknown.add(f"clients[].clientAuthenticatorType={c['clientAuthenticatorType']}")
            client = apply(
                Client(id=opt_str(c, "id", where) or "", realm_id="", client_id=client_id),
                c,
                CLIENT_FIELDS,
                where + ".",
            )
            client = dataclasses.replace(
                client,
                attributes=_client_attributes(client, where),
                protocol_mappers=mappers_from_json(c.get("protocolMappers"), at(where, "protocolMappers")),
            )
            _check_mappers(client.protocol_mappers, at(where, "protocolMappers"), f"client '{client_id}'")
            client = with_registered_nodes(client, _registered_nodes(c.get("registeredNodes"), where))
            overrides, dropped = flow_import.client_overrides(realm, rep, c.get("authenticationFlowBindingOverrides"))
            if dropped:
                self.unknown.add("clients[].authenticationFlowBindingOverrides")
            client = dataclasses.replace(client, flow_overrides=overrides)
            client = default_web_origins(c, client)
            check_grace(client.attributes, policy.GRACE_CLIENT_ATTRIBUTE, at(where, "attributes"))
            for error in client_urls.url_errors(client)[:1]:  # the first bad URL, named by its place
                fail(at(where, error.place), f"{error.message} (client '{client_id}')")
            if limits := client_problems(realm, client):  # against the realm's SSO values above
                raise ImportError_(invalid_client(client_id, limits))
            if cap_problem := offline_cap.cap_error(client.attributes.get(offline_cap.CAP_ATTR)):
                fail(at(where, "attributes"), f"{cap_problem} (client '{client_id}')")
            template = opt_str(c, "clientTemplate", where)
            out.append(
                ClientPlan(
                    client,
                    self.scope_names(c, "defaultClientScopes", where),
                    self.scope_names(c, "optionalClientScopes", where),
                    None if template is None else legacy_shapes.scope_name(template),
                )
            )
        saml = [p.client.client_id for p in out if p.client.protocol == SAML]
        if saml:  # stored and exported as the file has them, but no SAML endpoint serves them
            self.unknown.add(f"clients[protocol=saml] (kept, not served: Doorkeep speaks no SAML: {', '.join(saml)})")
        return out

    def scope_mappings(self, rep: dict[str, Any]) -> list[ScopeMappingPlan]:
        """``scopeMappings`` (realm roles) and ``clientScopeMappings`` ({role's clientId: [...]})."""
        out: list[ScopeMappingPlan] = []
        base = at(self.base, "scopeMappings")
        for i, value in enumerate(get_list(rep, "scopeMappings", self.base)):
            out.append(self.mapping(value, f"{base}[{i}]", "scopeMappings[].", None))
        for client_id, listed in get_obj(rep, "clientScopeMappings", self.base).items():
            where = f"{at(self.base, 'clientScopeMappings')}.{client_id}"
            self.client_refs.append((client_id, where))
            for i, value in enumerate(as_list(listed, where)):
                out.append(self.mapping(value, f"{where}[{i}]", "clientScopeMappings.*[].", client_id))
        return out

    def mapping(self, value: Any, where: str, pattern: str, role_client: str | None) -> ScopeMappingPlan:
        m = obj(value, where)
        self.fields(m, {"client", "clientScope", "roles"}, pattern)
        client, scope = opt_str(m, "client", where), opt_str(m, "clientScope", where)
        if (client is None) == (scope is None):
            fail(where, 'expected exactly one of "client" and "clientScope"')
        if client is not None:
            self.client_refs.append((client, at(where, "client")))
        if scope is not None:
            self.scope_refs.append((scope, at(where, "clientScope")))
        rw = at(where, "roles")
        if role_client is None:
            refs = self.refs(m.get("roles"), rw, None, "")
        else:
            refs = [(role_client, n, f"{rw}[{i}]") for i, n in enumerate(str_list(m.get("roles"), rw))]
            self.role_refs += refs
        return ScopeMappingPlan(client, scope, refs)


def _client_attributes(client: Client, where: str) -> dict[str, str]:
    """The client's attributes; an unknown revocation trigger or value fails the import. An export's
    ``realm_client`` is computed for each representation, never kept."""
    attributes = string_map(client.attributes, at(where, "attributes"))
    attributes.pop(REALM_CLIENT, None)
    if (problem := invalid_triggers(attributes)) is not None:
        fail(at(where, "attributes"), problem)
    return attributes


def _registered_nodes(raw: Any, where: str) -> dict[str, int]:
    """A client's ``registeredNodes``: host -> registration time (seconds)."""
    if raw is None:
        return {}
    if not isinstance(raw, dict) or not all(isinstance(v, int) and not isinstance(v, bool) for v in raw.values()):
        fail(at(where, "registeredNodes"), "expected an object of host names to integers")
    return {str(k): int(v) for k, v in raw.items()}


def _check_mappers(mappers: Iterable[ProtocolMapper], where: str, owner: str) -> None:
    """A mapper whose name, type or protocol holds a NUL fails the import, naming its place (PostgreSQL refuses
    one in a text column and SQLite would store it: refused on both, before anything is written); a mapper copying
    an identity provider's credentials fails it, naming its owner (admin/session_note_mappers.py)."""
    for index, mapper in enumerate(mappers):
        for field, text in (("name", mapper.name), ("protocolMapper", mapper.mapper), ("protocol", mapper.protocol)):
            if "\x00" in text:
                fail(f"{where}[{index}].{field}", "expected no NUL character")
    for mapper in mappers:
        note = session_note_mappers.blocked_note(mapper)
        if note is not None:
            fail(where, f"{session_note_mappers.refusal(note)} ({owner})")
