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


def test_the_mapping_views_answer_mappings_and_only_available_is_searched_and_paged() -> None:
    doc = document(served())
    for owner in ("users/{id}/role-mappings", "clients/{id}/scope-mappings", "roles-by-id/{role_id}/composites"):
        for view in ("composite", "inherited", "available"):
            get = doc["paths"][f"/admin/realms/{{realm}}/{owner}/{view}"]["get"]
            schema = get["responses"]["2XX"]["content"]["application/json"]["schema"]
            assert set(schema["properties"]) == {"realmMappings", "clientMappings"}, (owner, view)
            query = [p["name"] for p in get["parameters"] if p["in"] == "query"]
            assert query == (["search", "first", "max"] if view == "available" else []), (owner, view, query)
    # the per-kind lists keep their own parameters
    listed = doc["paths"]["/admin/realms/{realm}/users/{id}/role-mappings/realm/composite"]["get"]
    assert [p["name"] for p in listed["parameters"] if p["in"] == "query"] == ["briefRepresentation"]
    assert listed["responses"]["2XX"]["content"]["application/json"]["schema"]["type"] == "array"


def test_the_certificate_resource_names_its_representations_and_media_types() -> None:
    """ClientAttributeCertificateResource: CertificateRepresentation answers, a multipart upload form, and keystore
    downloads that take a KeyStoreConfig and answer octets."""
    paths = document(served())["paths"]
    base = "/admin/realms/{realm}/clients/{id}/certificates/{attr}"
    cert = {"$ref": "#/components/schemas/CertificateRepresentation"}
    for path, method in ((base, "get"), (f"{base}/generate", "post"), (f"{base}/upload", "post")):
        assert paths[path][method]["responses"]["2XX"]["content"]["application/json"]["schema"] == cert, path
    for path in (f"{base}/upload", f"{base}/upload-certificate"):
        form = paths[path]["post"]["requestBody"]["content"]["multipart/form-data"]["schema"]
        assert form == {"$ref": "#/components/schemas/CertificateUploadForm"}, path
    for path in (f"{base}/download", f"{base}/generate-and-download"):
        post = paths[path]["post"]
        config = post["requestBody"]["content"]["application/json"]["schema"]
        assert config == {"$ref": "#/components/schemas/KeyStoreConfig"}, path
        octets = post["responses"]["2XX"]["content"]["application/octet-stream"]["schema"]
        assert octets == {"type": "string", "format": "binary"}, path
