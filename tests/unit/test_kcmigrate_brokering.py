"""Keycloak's identity brokering rows to realm-export JSON (realms.kcmigrate.brokering), without a database: what
Doorkeep can run comes over, the rest is reported."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from doorkeep.realms.kcmigrate.brokering import brokering, user_links
from doorkeep.realms.kcmigrate.migrate import plan
from doorkeep.realms.kcmigrate.report import Report


def _provider(internal_id: str, alias: str, provider_id: str = "oidc", **columns: Any) -> dict[str, Any]:
    return {"internal_id": internal_id, "provider_alias": alias, "provider_id": provider_id, "enabled": True, **columns}


def _flow(flow_id: str, alias: str) -> dict[str, Any]:
    return {"id": flow_id, "alias": alias, "provider_id": "basic-flow", "top_level": True, "built_in": False}


def _step(flow_id: str, priority: int, authenticator: str, requirement: int) -> dict[str, Any]:
    """An AUTHENTICATION_EXECUTION row (``requirement``: 0 REQUIRED, 2 ALTERNATIVE)."""
    return {
        "id": f"{flow_id}-{priority}",
        "flow_id": flow_id,
        "authenticator": authenticator,
        "authenticator_flow": False,
        "auth_flow_id": None,
        "requirement": requirement,
        "priority": priority,
        "auth_config": None,
    }


def _tables() -> dict[str, list[dict[str, Any]]]:
    return {
        "authentication_flow": [
            _flow("f2", "custom"),
            _flow("f3", "auto link"),
            _flow("f4", "post otp"),
        ],
        "authentication_execution": [
            _step("f2", 10, "auth-username-password-form", 0),
            _step("f3", 10, "idp-create-user-if-unique", 2),
            _step("f3", 20, "idp-auto-link", 2),
            _step("f4", 10, "auth-otp-form", 0),
        ],
        "identity_provider": [
            _provider("p1", "corp", trust_email=True, provider_display_name="Corp"),
            _provider("p2", "social", "twitter"),
            _provider("p3", "custom-flow", first_broker_login_flow_id="f2"),
            _provider("p4", "post-flow", post_broker_login_flow_id="f2"),
            _provider("p5", "linked", first_broker_login_flow_id="f3", post_broker_login_flow_id="f4"),
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
    assert providers[1:] == [
        {
            "alias": "linked",
            "internalId": "p5",
            "providerId": "oidc",
            "enabled": True,
            "firstBrokerLoginFlowAlias": "auto link",
            "postBrokerLoginFlowAlias": "post otp",
            "config": {},
        }
    ]
    assert providers[:1] == [
        {
            "alias": "corp",
            "internalId": "p1",
            "providerId": "oidc",
            "displayName": "Corp",
            "enabled": True,
            "trustEmail": True,
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
    why = dict(report.cannot_carry)
    assert "does not broker 'twitter'" in why["identity provider 'social'"]
    assert "auth-username-password-form" in why["identity provider 'custom-flow'"]
    assert "as a post broker login flow" in why["identity provider 'post-flow'"]


def test_a_providers_own_flow_is_reported_when_the_import_keeps_none_of_the_realms_flows() -> None:
    """A bound flow Doorkeep cannot run (here the realm's own "first broker login", emptied) makes the import keep
    the built-in flows alone: a provider naming the realm's automatic linking flow is reported, one naming the
    default flow still comes over."""
    tables = _tables()
    tables["authentication_flow"].append(_flow("f1", "first broker login"))
    tables["identity_provider"].append(_provider("p6", "default", first_broker_login_flow_id="f1"))
    report = Report("shop")
    providers, _ = brokering(tables, report)
    assert [p["alias"] for p in providers] == ["corp", "default"]
    assert providers[1]["firstBrokerLoginFlowAlias"] == "first broker login"
    assert "'auto link' among them" in dict(report.cannot_carry)["identity provider 'linked'"]


def test_the_carried_providers_flows_pass_the_imports_checks_and_are_kept() -> None:
    """The whole migration plan (the realm representation parsed as an import parses a file): the provider keeps
    its automatic linking and post broker login flows, which the realm keeps too."""
    tables: defaultdict[str, list[dict[str, Any]]] = defaultdict(list, _tables())
    migration = plan({"id": "r", "name": "shop", "enabled": True}, tables, 1_700_000_000)
    realm = migration.plan.realm
    linked = next(p for p in realm.identity_providers if p["alias"] == "linked")
    assert (linked["firstBrokerLoginFlowAlias"], linked["postBrokerLoginFlowAlias"]) == ("auto link", "post otp")
    assert {"auto link", "post otp"} <= {f["alias"] for f in realm.authentication_flows or []}


def test_github_and_oauth2_providers_come_over_with_githubs_json_mapper() -> None:
    """GitHub and the generic OAuth v2 provider are brokered now (broker/social.py): carried with their config and
    GitHub's ``github-user-attribute-mapper``."""
    tables = _tables()
    tables["identity_provider"] = [_provider("g1", "gh", "github"), _provider("o1", "generic", "oauth2")]
    tables["identity_provider_config"] = [
        {"identity_provider_id": "g1", "name": "baseUrl", "value": "https://github.example.org"},
        {"identity_provider_id": "o1", "name": "userInfoUrl", "value": "https://idp.example.org/me"},
    ]
    tables["identity_provider_mapper"] = [
        {"id": "j1", "name": "company", "idp_alias": "gh", "idp_mapper_name": "github-user-attribute-mapper"}
    ]
    tables["idp_mapper_config"] = [{"idp_mapper_id": "j1", "name": "jsonField", "value": "company"}]
    report = Report("shop")
    providers, mappers = brokering(tables, report)
    assert [(p["alias"], p["providerId"], p["config"]) for p in providers] == [
        ("generic", "oauth2", {"userInfoUrl": "https://idp.example.org/me"}),
        ("gh", "github", {"baseUrl": "https://github.example.org"}),
    ]
    assert [(m["name"], m["identityProviderMapper"], m["config"]) for m in mappers] == [
        ("company", "github-user-attribute-mapper", {"jsonField": "company"})
    ]
    assert report.cannot_carry == []


def test_a_jwt_authorization_grant_provider_comes_over() -> None:
    """Keycloak 26.5's ``jwt-authorization-grant`` provider (the JWT authorization grant's trust, no login) is carried
    with its issuer and keys since session 69 (broker/authorization_grant.py)."""
    tables = _tables()
    tables["identity_provider"] = [_provider("j1", "partner", "jwt-authorization-grant")]
    tables["identity_provider_config"] = [
        {"identity_provider_id": "j1", "name": "issuer", "value": "https://partner.example.org"},
        {"identity_provider_id": "j1", "name": "jwksUrl", "value": "https://partner.example.org/jwks"},
    ]
    tables["identity_provider_mapper"] = []
    tables["idp_mapper_config"] = []
    report = Report("shop")
    providers, _ = brokering(tables, report)
    assert [(p["alias"], p["providerId"], p["config"]["issuer"]) for p in providers] == [
        ("partner", "jwt-authorization-grant", "https://partner.example.org")
    ]
    assert report.cannot_carry == []
