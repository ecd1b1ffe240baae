"""The effective config ProtocolMappersResource shows of a mapper (oauth/mappers/effective.py)."""

from __future__ import annotations

import pytest

from doorkeep.model import ProtocolMapper
from doorkeep.oauth.mappers.effective import effective_config

ACCESS, ID = "access.token.claim", "id.token.claim"
USERINFO, INTROSPECTION = "userinfo.token.claim", "introspection.token.claim"


def mapper(kind: str, protocol: str = "openid-connect", **config: str) -> ProtocolMapper:
    return ProtocolMapper(id="m", name="m", mapper=kind, protocol=protocol, config=config)


@pytest.mark.parametrize(
    ("config", "added"),
    [
        ({}, {}),  # no token choice stored: nothing to fill in
        ({ID: "true"}, {USERINFO: "true"}),
        ({ID: "false"}, {USERINFO: "false"}),
        ({ID: "true", USERINFO: "false"}, {USERINFO: "false"}),
        ({ACCESS: "true"}, {INTROSPECTION: "true"}),
        ({ACCESS: "false"}, {INTROSPECTION: "false"}),
        ({ACCESS: "false", INTROSPECTION: "true"}, {INTROSPECTION: "true"}),
        ({USERINFO: "true"}, {}),  # userinfo alone is left as stored
    ],
)
def test_an_oidc_mapper_shows_userinfo_and_introspection_as_they_fall_back(
    config: dict[str, str], added: dict[str, str]
) -> None:
    assert effective_config(mapper("oidc-usermodel-attribute-mapper", **config)) == {**config, **added}


@pytest.mark.parametrize("kind", ["oidc-audience-resolve-mapper", "oidc-allowed-origins-mapper"])
def test_audience_resolve_and_web_origins_default_both_flags_to_true(kind: str) -> None:
    assert effective_config(mapper(kind)) == {ACCESS: "true", INTROSPECTION: "true"}
    assert effective_config(mapper(kind, **{INTROSPECTION: "false"})) == {ACCESS: "true", INTROSPECTION: "false"}


def test_a_saml_mapper_shows_its_stored_config() -> None:
    stored = {"role": "account.view-profile", ID: "true"}
    assert effective_config(mapper("saml-role-name-mapper", "saml", **stored)) == stored
