"""JSON Schemas of the Keycloak representations the Admin and Account REST APIs exchange.

Realm, client and user schemas are derived from the field tables the code itself reads and writes
(``doorkeep.admin.representations``'s ``*_FIELDS`` and the model dataclasses' annotations), so adding a
field there adds it here. The others are small tables of the fields Doorkeep renders. Keycloak's
representations are open: every schema allows properties it does not name.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from doorkeep.admin.representations import CLIENT_FIELDS, REALM_FIELDS, USER_FIELDS
from doorkeep.model import Client, Realm, User

STRING, INTEGER, BOOLEAN = {"type": "string"}, {"type": "integer"}, {"type": "boolean"}
OBJECT: dict[str, Any] = {"type": "object"}
STRINGS = {"type": "array", "items": STRING}
# Python annotation (as written in doorkeep.model) -> JSON Schema
ANNOTATIONS: dict[str, dict[str, Any]] = {
    "bool": BOOLEAN,
    "int": INTEGER,
    "int | None": INTEGER,
    "str": STRING,
    "str | None": STRING,
    "tuple[str, ...]": STRINGS,
    "JSON": OBJECT,
}


def ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def array_of(name: str) -> dict[str, Any]:
    return {"type": "array", "items": ref(name)}


def _obj(properties: dict[str, Any]) -> dict[str, Any]:
    return {"type": "object", "properties": properties}


def derived(model: type, fields: dict[str, str], extra: dict[str, Any]) -> dict[str, Any]:
    """A representation's schema from its field table: JSON name -> the model attribute's type."""
    types = {f.name: str(f.type) for f in dataclasses.fields(model)}
    properties = {key: ANNOTATIONS.get(types.get(attr, ""), {}) for key, attr in fields.items()}
    return _obj({**extra, **properties})


def component_schemas() -> dict[str, Any]:
    """``components.schemas`` of the document."""
    role = _obj(
        {
            "id": STRING,
            "name": STRING,
            "description": STRING,
            "composite": BOOLEAN,
            "clientRole": BOOLEAN,
            "containerId": STRING,
            "attributes": OBJECT,
        }
    )
    session = _obj(
        {
            "id": STRING,
            "username": STRING,
            "userId": STRING,
            "ipAddress": STRING,
            "start": INTEGER,
            "lastAccess": INTEGER,
            "rememberMe": BOOLEAN,
            "clients": OBJECT,
            "transientUser": BOOLEAN,
        }
    )
    auth = _obj({"realmId": STRING, "clientId": STRING, "userId": STRING, "ipAddress": STRING})
    key = _obj(
        {
            "providerId": STRING,
            "providerPriority": INTEGER,
            "kid": STRING,
            "status": STRING,
            "type": STRING,
            "algorithm": STRING,
            "use": STRING,
            "publicKey": STRING,
            "certificate": STRING,
            "validTo": INTEGER,
        }
    )
    return {
        "RealmRepresentation": derived(Realm, REALM_FIELDS, {"id": STRING, "realm": STRING}),
        "ClientRepresentation": derived(
            Client, CLIENT_FIELDS, {"id": STRING, "defaultClientScopes": STRINGS, "optionalClientScopes": STRINGS}
        ),
        "UserRepresentation": derived(User, USER_FIELDS, {"id": STRING, "credentials": {"type": "array"}}),
        "RoleRepresentation": role,
        "ClientScopeRepresentation": _obj(
            {"id": STRING, "name": STRING, "description": STRING, "protocol": STRING, "attributes": OBJECT}
        ),
        "CredentialRepresentation": _obj(
            {
                "id": STRING,
                "type": STRING,
                "value": STRING,
                "temporary": BOOLEAN,
                "userLabel": STRING,
                "createdDate": INTEGER,
                "credentialData": STRING,
            }
        ),
        "UserSessionRepresentation": session,
        "UserConsentRepresentation": _obj(
            {
                "clientId": STRING,
                "grantedClientScopes": STRINGS,
                "createdDate": INTEGER,
                "lastUpdatedDate": INTEGER,
                "additionalGrants": {"type": "array"},
            }
        ),
        "EventRepresentation": _obj(
            {
                "id": STRING,
                "time": INTEGER,
                "type": STRING,
                "realmId": STRING,
                "clientId": STRING,
                "userId": STRING,
                "sessionId": STRING,
                "ipAddress": STRING,
                "error": STRING,
                "details": OBJECT,
            }
        ),
        "AdminEventRepresentation": _obj(
            {
                "id": STRING,
                "time": INTEGER,
                "realmId": STRING,
                "authDetails": auth,
                "operationType": STRING,
                "resourceType": STRING,
                "resourcePath": STRING,
                "representation": STRING,
                "error": STRING,
            }
        ),
        "RealmEventsConfigRepresentation": _obj(
            {
                "eventsEnabled": BOOLEAN,
                "eventsExpiration": INTEGER,
                "eventsListeners": STRINGS,
                "enabledEventTypes": STRINGS,
                "adminEventsEnabled": BOOLEAN,
                "adminEventsDetailsEnabled": BOOLEAN,
            }
        ),
        "KeysMetadataRepresentation": _obj(
            {"active": {"type": "object", "additionalProperties": STRING}, "keys": {"type": "array", "items": key}}
        ),
        "ServerInfoRepresentation": _obj(
            {
                "systemInfo": _obj({"version": STRING, "serverTime": STRING, "uptime": STRING}),
                "themes": OBJECT,
                "providers": OBJECT,
                "protocolMapperTypes": OBJECT,
                "builtinProtocolMappers": OBJECT,
                "passwordPolicies": {"type": "array"},
                "enums": OBJECT,
            }
        ),
        # ClientAttributeCertificateResource: the key info, the keystore download's config and the upload form
        "CertificateRepresentation": _obj(
            {"privateKey": STRING, "certificate": STRING, "publicKey": STRING, "kid": STRING}
        ),
        "KeyStoreConfig": _obj(
            {
                "realmCertificate": BOOLEAN,
                "storePassword": STRING,
                "keyPassword": STRING,
                "keyAlias": STRING,
                "realmAlias": STRING,
                "format": {"enum": ["JKS", "PKCS12"]},
                "keySize": INTEGER,
                "validity": INTEGER,
            }
        ),
        "CertificateUploadForm": {
            **_obj(
                {
                    "keystoreFormat": {
                        "enum": ["JKS", "PKCS12", "Certificate PEM", "Public Key PEM", "JSON Web Key Set"]
                    },
                    "file": {"type": "string", "format": "binary"},
                    "keyAlias": STRING,
                    "keyPassword": STRING,
                    "storePassword": STRING,
                }
            ),
            "required": ["keystoreFormat", "file"],
        },
        "Count": _obj({"count": INTEGER}),
        "ErrorRepresentation": {
            "description": "Keycloak's error bodies: {error, error_description}, {errorMessage} or a field error",
            "type": "object",
            "properties": {
                "error": STRING,
                "error_description": STRING,
                "errorMessage": STRING,
                "field": STRING,
                "params": {"type": "array"},
            },
        },
    }
