"""Hostile requests against ``keycloak_user_events_total`` with every tag (realm, idp, clientId): strings a caller
chooses (a client id the realm does not have, an identity provider alias, a realm name) must not become label
values, or each request would add a series (unbounded memory, a scrape growing without end). Keycloak's listener
names a ``client_not_found`` event's client ``unknown``; Doorkeep also drops an ``identity_provider`` alias the realm
does not have. The scrape shows no token, secret or password either.

Left out, as Keycloak answers them: an introspection or a pushed authorization request by a client the realm does not
have is an ``invalid_request`` error event carrying the client id the request sent, and Keycloak's listener tags it
(only ``client_not_found`` becomes ``unknown``; EventMetricsProviderWithTagsTest asserts an unknown client's id on
an error event), so with the ``clientId`` tag each such request may add a series there."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from prometheus_client.parser import text_string_to_metric_families

from doorkeep import observe
from support import password_grant, token_url
from wire_env import Env

pytestmark = pytest.mark.anyio

COUNTER = "keycloak_user_events_total"
EVERY_TAG = pytest.mark.server_options(
    metrics_enabled=True,
    event_metrics_user_enabled=True,
    event_metrics_user_tags=("realm", "idp", "clientId"),
)
OIDC = "/realms/test/protocol/openid-connect"
MARK = "zq7hostile"


@pytest.fixture(autouse=True)
def _quiet_observer() -> Iterator[None]:
    yield
    observe.install(observe.Observer())


async def _samples(env: Env) -> tuple[str, list[dict[str, str]]]:
    response = await env.http.get("/metrics")
    assert response.status_code == 200, response.text
    found: list[dict[str, str]] = []
    for family in text_string_to_metric_families(response.text):
        found += [dict(s.labels) for s in family.samples if s.name == COUNTER]
    return response.text, found


@EVERY_TAG
async def test_caller_chosen_strings_add_no_series(realm: Env) -> None:
    http = realm.http
    for n in range(3):
        client = f"{MARK}-client-{n}"
        await http.get(f"{OIDC}/auth", params={"client_id": client, "response_type": "code", "redirect_uri": "x"})
        await http.get(
            f"{OIDC}/auth",
            params={"client_id": "app", "response_type": "code", "kc_idp_hint": f"{MARK}-idp-{n}", "scope": "openid"},
        )
        form = {"grant_type": "password", "username": "user1", "password": "password", "client_id": client}
        await http.post(token_url("test"), data=form)
        await http.post(token_url("test"), data={"grant_type": "client_credentials"}, auth=(client, "s"))
        await http.post(
            token_url("test"), data={"grant_type": "refresh_token", "refresh_token": "x", "client_id": client}
        )
        await http.post(f"{OIDC}/auth/device", data={"client_id": client})
        await http.post(f"{OIDC}/revoke", data={"token": "x", "client_id": client})
        await http.get(f"{OIDC}/logout", params={"client_id": client, "post_logout_redirect_uri": "http://x/"})
        await http.post(f"/realms/{MARK}-realm-{n}/protocol/openid-connect/token", data=form)
        wrong = await password_grant(http, "test", "app", password=f"{MARK}-password-{n}")
        assert wrong.status_code in (400, 401), wrong.text
    ok = await password_grant(http, "test", "app")
    assert ok.status_code == 200, ok.text
    text, samples = await _samples(realm)
    assert samples, "the requests above raised no counted event"
    hostile = [labels for labels in samples if any(MARK in value for value in labels.values())]
    assert hostile == [], hostile
    assert {s["client_id"] for s in samples} <= {"", "unknown", "app"}, samples
    assert {s["realm"] for s in samples} == {"test"}, samples
    assert {s["idp"] for s in samples} == {""}, samples
    for secret in (MARK, ok.json()["access_token"], ok.json()["refresh_token"], "secret"):
        assert secret not in text
