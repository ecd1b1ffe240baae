"""The OpenAPI document is generated from the app's own route table and covers both REST APIs."""

from __future__ import annotations

import re

from doorkeep.admin.openapi import PREFIXES, document, rule_for
from doorkeep.web.openapi import rest_routes
from doorkeep.web.routes import routes


def served() -> list[tuple[str, frozenset[str]]]:
    return rest_routes(routes())


def test_every_admin_and_account_route_is_an_operation_of_the_document() -> None:
    doc = document(served())
    operations = {(method.upper(), path) for path, entry in doc["paths"].items() for method in entry}
    for path, methods in served():
        if path.startswith(PREFIXES) and not path.endswith("/"):
            for method in methods - {"HEAD", "OPTIONS"}:
                plain = re.sub(r"\{([^}:]+):[^}]*\}", r"{\1}", path)  # OpenAPI has no {name:converter}
                assert (method, plain) in operations, (method, path)
    assert ("GET", "/admin/realms/{realm}/admin-events") in operations
    assert ("GET", "/realms/{realm}/account/applications") in operations
    assert not any(path.startswith("/realms/{realm}/protocol") for _, path in operations)


def test_every_operation_has_a_rule_naming_its_schemas() -> None:
    uncovered = [
        (method, path)
        for path, methods in served()
        if path.startswith(PREFIXES)
        for method in methods - {"HEAD", "OPTIONS"}  # CORS preflights are not operations
        if rule_for(method, path) is None
    ]
    assert uncovered == []


def test_the_document_is_openapi_3_1_with_schemas_derived_from_the_field_tables() -> None:
    doc = document(served())
    assert doc["openapi"] == "3.1.0"
    realm = doc["components"]["schemas"]["RealmRepresentation"]["properties"]
    assert realm["offlineSessionIdleTimeout"] == {"type": "integer"}
    assert realm["revokeRefreshToken"] == {"type": "boolean"}
    user = doc["components"]["schemas"]["UserRepresentation"]["properties"]
    assert user["requiredActions"] == {"type": "array", "items": {"type": "string"}}
    count = doc["paths"]["/admin/realms/{realm}/clients/{uuid}/offline-session-count"]["get"]
    assert count["responses"]["2XX"]["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/Count"}
    assert [p["name"] for p in count["parameters"]] == ["realm", "uuid"]
