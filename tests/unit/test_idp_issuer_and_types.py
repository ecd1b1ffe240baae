"""broker/providers.py's issuer uniqueness (IssuerValidation.validateIssuer) and type filter
(IdentityProviderTypeUtil.listFactoriesByType) on their own; the wire ports are
test_keycloak_identity_provider_issuer_test.py and test_keycloak_identity_provider_type_test.py."""

from __future__ import annotations

import dataclasses

import pytest

from doorkeep.broker import providers as idp
from doorkeep.errors import AdminError
from doorkeep.model import JSON, Realm

TAKEN = "Issuer URL already used for IDP 'a', Issuer must be unique if the idp supports"


def rep(alias: str, provider_id: str = "oidc", config: dict[str, str] | None = None, enabled: bool = True) -> JSON:
    return {"alias": alias, "providerId": provider_id, "enabled": enabled, "config": config or {}}


def realm_with(*reps: JSON) -> Realm:
    realm = Realm(id="r", name="r")
    return dataclasses.replace(realm, identity_providers=tuple(idp.model(realm, r) for r in reps))


def refusal(realm: Realm, one: JSON) -> str:
    with pytest.raises(AdminError) as raised:
        idp.model(realm, one)
    assert raised.value.status == 400
    return str(raised.value.message)


GRANT = {"jwtAuthorizationGrantEnabled": "true", "issuer": "https://issuer.example", "jwksUrl": "https://j.example"}
ASSERTIONS = {"supportsClientAssertions": "true", "jwksUrl": "https://j.example"}


def test_switches_off_or_type_without_the_check_are_not_checked() -> None:
    realm = realm_with(rep("a", config=GRANT))
    idp.model(realm, rep("b", config={"issuer": "https://issuer.example"}))  # no switch
    idp.model(realm, rep("b", "github", GRANT))  # GitHub's validate checks no issuer
    idp.model(realm, rep("b", "google", {"supportsClientAssertions": "true"}))  # Google: only the grant


def test_issuer_required_and_a_url() -> None:
    realm = Realm(id="r", name="r")
    assert refusal(
        realm, rep("b", config={"jwtAuthorizationGrantEnabled": "TRUE", "jwksUrl": "https://j.example"})
    ) == ("Issuer is required")
    bad = rep("b", config={**ASSERTIONS, "issuer": "issuer"})
    assert refusal(realm, bad) == "The url [Issuer] is malformed"
    remote = rep("b", config={**ASSERTIONS, "issuer": "http://issuer.example"})
    assert refusal(realm, remote) == "The url [Issuer] requires secure connections"


def test_taken_by_an_enabled_provider_of_any_type() -> None:
    assert refusal(realm_with(rep("a", config=GRANT)), rep("b", config=GRANT)).startswith(TAKEN)
    plain = realm_with(rep("a", config={"issuer": "https://issuer.example"}))  # taken even by one without the switches
    assert refusal(plain, rep("b", config={**ASSERTIONS, **GRANT})).startswith(TAKEN)
    google = realm_with(rep("a", "google"))  # Google's issuer is its own
    accounts = {**GRANT, "issuer": "https://accounts.google.com"}
    assert refusal(google, rep("b", config=accounts)).startswith(TAKEN)


def test_disabled_providers_neither_checked_nor_counted() -> None:
    idp.model(realm_with(rep("a", config=GRANT, enabled=False)), rep("b", config=GRANT))
    idp.model(realm_with(rep("a", config=GRANT)), rep("b", config=GRANT, enabled=False))


def test_an_update_does_not_collide_with_itself() -> None:
    realm = realm_with(rep("a", config=GRANT))
    idp.model(realm, rep("a", config=GRANT), internal_id=realm.identity_providers[0]["internalId"])


@pytest.mark.parametrize(
    ("kind", "found"),
    [
        (None, {"oidc", "keycloak-oidc", "oauth2", "github", "google", "gitlab", "twitter"}),
        ("ANY", {"oidc", "keycloak-oidc", "oauth2", "github", "google", "gitlab", "twitter"}),
        ("USER_AUTHENTICATION", {"oidc", "keycloak-oidc", "oauth2", "github", "google", "gitlab", "twitter"}),
        ("CLIENT_ASSERTION", {"oidc", "keycloak-oidc"}),
        ("EXCHANGE_EXTERNAL_TOKEN", {"oidc", "keycloak-oidc", "oauth2"}),
        ("JWT_AUTHORIZATION_GRANT", {"oidc", "keycloak-oidc", "google", "gitlab"}),
    ],
)
def test_of_type(kind: str | None, found: set[str]) -> None:
    ids = ["oidc", "keycloak-oidc", "oauth2", "github", "google", "gitlab", "twitter"]
    listed = idp.of_type([{"providerId": i} for i in ids], kind, None)
    assert {p["providerId"] for p in listed} == found


def test_capability_and_unknown_names() -> None:
    everything = [{"providerId": i} for i in ("oidc", "github", "oauth2")]
    assert idp.of_type(everything, None, "USER_LINKING") == everything
    assert idp.of_type(everything, "CLIENT_ASSERTION", "USER_LINKING") == [{"providerId": "oidc"}]
    for kind, capability, message in (
        ("any", None, "No enum constant org.keycloak.models.IdentityProviderType.any"),
        (None, "user_linking", "No enum constant org.keycloak.models.IdentityProviderCapability.user_linking"),
    ):
        with pytest.raises(AdminError) as raised:
            idp.of_type(everything, kind, capability)
        assert (raised.value.status, raised.value.message) == (400, message)
