"""The request-parameter limits as server options over HTTP (Keycloak's OIDCProviderConfig:
``req-params-default-max-size``, ``req-params-max-size--<name>``, ``add-req-params-fail-fast``): by default an
over-long ordinary parameter is ignored; with fail-fast the token endpoint answers ``invalid_request`` and the
authorization endpoint the parser's "Invalid Request" page."""

from __future__ import annotations

import pytest

from browser_flow import start
from support import assert_error, password_grant, update_client
from wire_env import Env

pytestmark = pytest.mark.anyio
CALLBACK = "http://127.0.0.1:9999/cb"


async def test_by_default_an_over_long_scope_is_ignored(realm: Env) -> None:
    granted = await password_grant(realm.http, "test", "app", scope="openid " + "x" * 4000)
    assert granted.status_code == 200, granted.text


@pytest.mark.server_options(oidc_add_req_params_fail_fast=True, oidc_req_params_max_sizes=("state=8",))
async def test_fail_fast_refuses_an_over_long_parameter_at_both_endpoints(realm: Env) -> None:
    refused = await password_grant(realm.http, "test", "app", scope="openid " + "x" * 4000)
    assert_error(refused, 400, "invalid_request", "The size of OIDC parameter 'scope' is longer than allowed.")
    await update_client(realm.db, "test", "app", redirect_uris=(CALLBACK,))
    page = await start(realm.http, "test", "app", state="s" * 9, redirect_uri=CALLBACK)
    assert page.status_code == 400 and "location" not in page.headers
    assert "Invalid Request" in page.text
    fine = await start(realm.http, "test", "app", state="s" * 8, redirect_uri=CALLBACK)
    assert fine.status_code == 200, fine.text[:600]
