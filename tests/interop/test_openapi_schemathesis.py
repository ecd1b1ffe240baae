"""A bounded schemathesis run against ``doorkeep start-dev``: for every operation of the served OpenAPI
document, a few generated requests (path parameter ``realm`` fixed to the seeded realm so that they reach
real resources), each answered without a 5xx and in agreement with the document (status, content type,
body schema). The Swagger UI page and its vendored assets are served by Doorkeep itself."""

from __future__ import annotations

from typing import Any

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.core.result import Ok
from schemathesis.generation.modes import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from interop.python_keycloak_support import admin_of
from interop.server import DoorkeepProcess, SeedRealm

pytestmark = pytest.mark.interop

EXAMPLES = 3  # per operation: the run stays bounded (a few hundred requests)
# What "contradicts the document" means here: a 5xx, an undocumented status, a content type or a body
# the document does not allow. (positive_data_acceptance is left out: Keycloak's validation rules, such
# as a realm name being required or a username's length, are not all written into the schemas.)
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
SKIPPED = {("DELETE", "/admin/realms/{realm}")}  # deleting the seeded realm would leave nothing to reach


def long_lived_admin_token(server: DoorkeepProcess) -> str:
    admin_of(server).update_realm("master", {"accessTokenLifespan": 3600})
    return server.admin_token()


def test_generated_requests_get_no_5xx_and_answers_that_match_the_document(
    seeded_server: DoorkeepProcess,
    seed: SeedRealm,
) -> None:
    headers = {"Authorization": f"Bearer {long_lived_admin_token(seeded_server)}"}
    schema = schemathesis.openapi.from_url(f"{seeded_server.base_url}/admin/openapi.json")
    failures: list[str] = []
    checked = 0
    for result in schema.get_all_operations():
        assert isinstance(result, Ok), result  # Err: an operation schemathesis could not read
        operation = result.ok()
        if (operation.method.upper(), operation.path) in SKIPPED:
            continue
        path_parameters = {"realm": seed.name} if "{realm}" in operation.path else None

        @given(case=operation.as_strategy(GenerationMode.POSITIVE, path_parameters=path_parameters))
        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            database=None,
            phases=[Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        def check(case: Any) -> None:
            case.call_and_validate(base_url=seeded_server.base_url, headers=headers, checks=CHECKS)

        try:
            check()
            checked += 1
        except (Exception, BaseExceptionGroup) as failure:  # collect every operation's failure, report them together
            failures.append(f"{operation.method.upper()} {operation.path}: {str(failure)[:600]}")
    assert failures == []
    assert checked > 100  # every operation of both APIs was exercised


def test_the_browsable_page_and_its_assets_are_served_without_a_cdn(seeded_server: DoorkeepProcess) -> None:
    page = requests.get(f"{seeded_server.base_url}/admin/openapi", timeout=10)
    assert page.status_code == 200 and "swagger-ui" in page.text and "https://" not in page.text
    for asset in ("openapi/assets/swagger-ui-bundle.js", "openapi/assets/swagger-ui.css", "openapi/start.js"):
        response = requests.get(f"{seeded_server.base_url}/admin/{asset}", timeout=10)
        assert response.status_code == 200, asset
    doc = requests.get(f"{seeded_server.base_url}/admin/openapi.json", timeout=10).json()
    assert doc["openapi"] == "3.1.0" and "/admin/realms/{realm}/admin-events" in doc["paths"]
