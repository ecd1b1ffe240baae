"""broker/oidc.py's checks of an identity provider's ID token (OIDCIdentityProvider.validateToken) and the
brokered identity it makes (extractIdentity), and broker/providers.py's representation rules."""

from __future__ import annotations

from typing import Any

import jwt
import pytest

from doorkeep.broker import oidc
from doorkeep.broker import providers as idp
from doorkeep.errors import AdminError
from doorkeep.model import Realm

pytestmark = pytest.mark.anyio

NOW = 1_800_000_000
BASE_CONFIG = {"clientId": "broker-app", "issuer": "https://idp.example.com/realms/p"}
PROVIDER: dict[str, Any] = {"alias": "kc", "providerId": "oidc", "config": BASE_CONFIG}
CONFIG = oidc.Config.of(PROVIDER)


def token(**claims: Any) -> str:
    base = {"iss": "https://idp.example.com/realms/p", "aud": "broker-app", "exp": NOW + 60, "nonce": "n", "sub": "s"}
    return jwt.encode({**base, **claims}, "k" * 32, algorithm="HS256")


async def test_a_good_token_passes_without_signature_checks() -> None:
    claims = await oidc.id_token_claims(CONFIG, token(), "n", NOW)
    assert claims["sub"] == "s"


@pytest.mark.parametrize(
    ("claims", "reason"),
    [
        ({"iss": "https://evil.example.com"}, "Wrong issuer from token."),
        ({"aud": "someone-else"}, "Wrong audience from token."),
        ({"azp": "someone-else"}, "Token issued for does not match client id"),
        ({"nonce": "other"}, "Nonce does not match."),
        ({"exp": NOW - 1}, "Token is no longer valid"),
        ({"nbf": NOW + 10}, "Token is not yet valid"),
    ],
)
async def test_a_bad_token_is_refused_with_keycloaks_reason(claims: dict[str, Any], reason: str) -> None:
    with pytest.raises(oidc.BrokerError, match=reason):
        await oidc.id_token_claims(CONFIG, token(**claims), "n", NOW)


async def test_a_signed_token_without_a_jwks_url_or_with_an_hmac_alg_is_refused() -> None:
    checking = oidc.Config.of({**PROVIDER, "config": {**BASE_CONFIG, "validateSignature": "true"}})
    with pytest.raises(oidc.BrokerError, match="unexpected signature algorithm"):
        await oidc.id_token_claims(checking, token(), "n", NOW)


def test_the_username_is_preferred_username_then_email_then_subject() -> None:
    assert oidc.identity({"sub": "s", "preferred_username": "u", "email": "e@x"}, None, {}).username == "u"
    assert oidc.identity({"sub": "s", "email": "e@x"}, None, {}).username == "e@x"
    assert oidc.identity({"sub": "s"}, None, {}).username == "s"
    with pytest.raises(oidc.BrokerError, match="Mismatch between the subject"):
        oidc.identity({"sub": "s"}, {"sub": "other"}, {})


def test_a_name_alone_is_split_at_its_last_space() -> None:
    """OIDCIdentityProvider.extractIdentity calls setName when neither given_name nor family_name came."""
    named = oidc.identity({"sub": "s", "name": "Mary Ann Smith"}, None, {})
    assert (named.first_name, named.last_name) == ("Mary Ann", "Smith")
    assert (oidc.identity({"sub": "s", "name": "Cher"}, None, {}).first_name, "Cher") == ("Cher", "Cher")
    assert oidc.identity({"sub": "s", "name": "Cher"}, None, {}).last_name is None
    kept = oidc.identity({"sub": "s", "name": "A B", "family_name": "F"}, None, {})
    assert (kept.first_name, kept.last_name) == (None, "F")


def test_a_userinfo_read_replaces_the_id_tokens_user_and_must_name_its_subject() -> None:
    """OIDCIdentityProvider.extractIdentity: once userinfo is read, the user's id, username, e-mail and names are
    its own (the ID token's left out), while the mappers see both; a userinfo without ``sub`` ends the login."""
    claims = {"sub": "s", "preferred_username": "u", "email": "e@x", "given_name": "G", "custom": "c"}
    found = oidc.identity(claims, {"sub": "s", "email": "other@x"}, {})
    assert (found.id, found.username, found.email, found.first_name) == ("s", "other@x", "other@x", None)
    assert found.claims["custom"] == "c" and found.claims["email"] == "other@x"
    with pytest.raises(oidc.BrokerError, match="Mismatch between the subject"):
        oidc.identity(claims, {"preferred_username": "u"}, {})


def test_the_authorization_url_carries_state_nonce_and_pkce() -> None:
    config = oidc.Config.of(
        {
            **PROVIDER,
            "config": {
                **BASE_CONFIG,
                "authorizationUrl": "https://idp.example.com/auth?x=1",
                "pkceEnabled": "true",
                "pkceMethod": "S256",
                "defaultScope": "email openid profile",
            },
        }
    )
    started = oidc.start(config, "https://sp.example.com/endpoint", "st", None)
    assert started.url.startswith("https://idp.example.com/auth?x=1&scope=openid+email+profile&state=st")
    assert "code_challenge_method=S256" in started.url and started.verifier is not None


def test_the_stored_representation_has_keycloaks_defaults_and_masks_the_secret() -> None:
    realm = Realm(id="r", name="test")
    stored = idp.model(realm, {"alias": "a", "providerId": "oidc", "config": {"clientSecret": "s", "x": ""}})
    assert stored["enabled"] is True and stored["trustEmail"] is False and stored["config"] == {"clientSecret": "s"}
    assert idp.masked(stored)["config"]["clientSecret"] == "**********"
    vault = idp.model(realm, {"alias": "b", "providerId": "oidc", "config": {"clientSecret": "${vault.x}"}})
    assert idp.masked(vault)["config"]["clientSecret"] == "${vault.x}"
    with pytest.raises(AdminError, match="Empty Space"):
        idp.model(realm, {"alias": "a b", "providerId": "oidc"})
    assert idp.search([stored, vault], "B") == [vault]
