"""Keycloak's identity brokering rows to realm-export JSON (realms.kcmigrate.brokering), without a database: what
Doorkeep can run comes over, the rest is reported."""

from __future__ import annotations

from typing import Any

from doorkeep.realms.kcmigrate.brokering import brokering, user_links
from doorkeep.realms.kcmigrate.report import Report


def _provider(internal_id: str, alias: str, provider_id: str = "oidc", **columns: Any) -> dict[str, Any]:
    return {"internal_id": internal_id, "provider_alias": alias, "provider_id": provider_id, "enabled": True, **columns}


def _tables() -> dict[str, list[dict[str, Any]]]:
    return {
        "authentication_flow": [{"id": "f1", "alias": "first broker login"}, {"id": "f2", "alias": "custom"}],
        "identity_provider": [
            _provider("p1", "corp", trust_email=True, first_broker_login_flow_id="f1", provider_display_name="Corp"),
            _provider("p2", "social", "google"),
            _provider("p3", "custom-flow", first_broker_login_flow_id="f2"),
            _provider("p4", "post-flow", post_broker_login_flow_id="f2"),
        ],
        "identity_provider_config": [
            {"identity_provider_id": "p1", "name": "clientId", "value": "shop"},
            {"identity_provider_id": "p1", "name": "unset", "value": None},
        ],
        "identity_provider_mapper": [
            {"id": "m1", "name": "role", "idp_alias": "corp", "idp_mapper_name": "oidc-hardcoded-role-idp-mapper"},
            {"id": "m2", "name": "script", "idp_alias": "corp", "idp_mapper_name": "some-script-mapper"},
            {"id": "m3", "name": "g", "idp_alias": "social", "idp_mapper_name": "oidc-hardcoded-role-idp-mapper"},
        ],
        "idp_mapper_config": [{"idp_mapper_id": "m1", "name": "role", "value": "shopper"}],
        "federated_identity": [
            {"user_id": "u1", "identity_provider": "corp", "federated_user_id": "c1", "federated_username": "a"},
            {"user_id": "u1", "identity_provider": "social", "federated_user_id": "g1", "federated_username": "a"},
            {"user_id": "u2", "identity_provider": "corp", "federated_user_id": "c2", "token": "{...}"},
        ],
    }


def test_the_openid_connect_providers_come_over_with_their_config_mappers_and_links() -> None:
    report = Report("shop")
    providers, mappers = brokering(_tables(), report)
    assert providers == [
        {
            "alias": "corp",
            "internalId": "p1",
            "providerId": "oidc",
            "displayName": "Corp",
            "enabled": True,
            "trustEmail": True,
            "firstBrokerLoginFlowAlias": "first broker login",
            "config": {"clientId": "shop"},
        }
    ]
    assert mappers == [
        {
            "id": "m1",
            "name": "role",
            "identityProviderAlias": "corp",
            "identityProviderMapper": "oidc-hardcoded-role-idp-mapper",
            "config": {"role": "shopper"},
        }
    ]
    links = user_links(_tables(), {"corp"}, report)
    assert links == {
        "u1": [{"identityProvider": "corp", "userId": "c1", "userName": "a"}],
        "u2": [{"identityProvider": "corp", "userId": "c2"}],
    }


def test_what_doorkeep_cannot_run_is_reported_not_carried() -> None:
    report = Report("shop")
    brokering(_tables(), report)
    user_links(_tables(), {"corp"}, report)
    reported = [what for what, _ in report.cannot_carry]
    assert reported == [
        "identity provider 'custom-flow'",
        "identity provider 'post-flow'",
        "identity provider 'social'",
        "identity provider mapper 'script'",
        "1 users' links to identity providers",
        "1 stored provider tokens",
    ]
    assert "not 'google'" in dict(report.cannot_carry)["identity provider 'social'"]
