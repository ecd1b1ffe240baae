"""Keycloak's JsonParseErrorFieldTest (tests/base/.../tests/admin/, the new test framework): a number out of its
field's range in a representation is a 400 that names the field and never echoes the value sent
(KeycloakErrorHandler.getJsonProcessingErrorDescription)."""

from __future__ import annotations

import pytest

from wire_env import Env

pytestmark = pytest.mark.anyio


async def test_numeric_field_out_of_range_names_field_without_echoing_value(realm: Env) -> None:
    """JsonParseErrorFieldTest#numericFieldOutOfRangeNamesFieldWithoutEchoingValue: ``notBefore`` is an Integer."""
    headers = await realm.admin_headers() | {"Content-Type": "application/json"}
    body = '{"clientId":"out-of-range-client","notBefore":2147483648}'
    response = await realm.http.post("/admin/realms/test/clients", content=body, headers=headers)
    assert response.status_code == 400, response.text
    assert "notBefore" in response.text and "2147483648" not in response.text
