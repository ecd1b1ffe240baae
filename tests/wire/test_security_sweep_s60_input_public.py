"""Security sweep s60 (hostile input on both engines): the public endpoints.

The broker's redirect endpoint of an alias the realm has no provider for answered Keycloak's "missing state" 502
(a 5xx to a typed URL) when the query had no state, and "invalid request" otherwise. Keycloak's
IdentityBrokerService.getEndpoint asks getIdentityProvider first, whose IdentityBrokerException "Identity Provider
[alias] not found." it turns into a NotFoundException: a 404 whatever the query says."""

from __future__ import annotations

import pytest

from wire_env import Env

pytestmark = pytest.mark.anyio


@pytest.mark.parametrize("alias", ["nope", "a%00b"])
@pytest.mark.parametrize("query", ["", "?code=c1", "?state=a.b.c&code=c1", "?error=access_denied"])
async def test_the_broker_endpoint_of_no_provider_is_not_found(realm: Env, alias: str, query: str) -> None:
    answer = await realm.http.get(f"/realms/test/broker/{alias}/endpoint{query}", headers={"Accept": "text/html"})
    assert answer.status_code == 404, answer.text
    assert "Page not found" in answer.text
