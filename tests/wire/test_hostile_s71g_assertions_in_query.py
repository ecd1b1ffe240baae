"""Review L6 for the assertions sessions 69-70 made the token endpoint read: a JWT authorization grant's
``assertion`` and a federated client's ``client_assertion`` are read from the form body only (TokenEndpoint reads
decodeFormParameters), never from the URL's query string, where proxies and access logs keep them. Sent in the
query they are not there; sent afterwards in the form, the same assertion still works (nothing spent)."""

from __future__ import annotations

import pytest

from fake_idp import fake_idp
from federated_client_support import IDP_ALIAS, JWT_BEARER, TOKEN, default_token, federated_realm, grant, signed
from jwt_grant_setup import GRANT, grant_realm
from wire_env import Env

pytestmark = pytest.mark.anyio


async def test_a_jwt_authorization_grant_s_assertion_is_not_read_from_the_query(realm: Env) -> None:
    async with grant_realm(realm) as ag:
        assertion = ag.assertion()
        form = {"grant_type": GRANT, "client_id": "app", "client_secret": "secret"}
        whole = await realm.http.post(TOKEN, params={**form, "assertion": assertion}, data={})
        assert (whole.status_code, whole.json()) == (
            400,
            {"error": "invalid_request", "error_description": "Missing form parameter: grant_type"},
        )
        split = await realm.http.post(TOKEN, params={"assertion": assertion}, data=form)
        assert (split.status_code, split.json()) == (
            400,
            {"error": "invalid_grant", "error_description": "Missing parameter:assertion"},
        )
        assert (await ag.post(assertion)).status_code == 200


async def test_a_client_assertion_is_not_read_from_the_query(realm: Env) -> None:
    async with fake_idp() as provider:
        await federated_realm(realm, provider.rep(IDP_ALIAS, supportsClientAssertions="true"))
        assertion = signed(default_token(realm, provider))
        query = {"client_assertion_type": JWT_BEARER, "client_assertion": assertion}
        refused = await realm.http.post(TOKEN, params=query, data={"grant_type": "client_credentials"})
        assert (refused.status_code, refused.json()) == (
            401,
            {"error": "invalid_client", "error_description": "Invalid client or Invalid client credentials"},
        )
        assert (await grant(realm, assertion)).status_code == 200
