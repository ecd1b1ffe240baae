"""broker/providers.py's rules for an identity-provider update: when the masked client secret may keep the stored
one (Keycloak's OAuth2IdentityProviderConfigMaskedSecretTest, with Microsoft's and PayPal's own keys) and what an
update may not rename (IdentityProviderResource.updateIdpFromRep)."""

from __future__ import annotations

from typing import Any

import pytest

from doorkeep.broker import providers as idp
from doorkeep.errors import AdminError

MASK = idp.SECRET_VALUE
OIDC = {"tokenUrl": "https://idp.example.com/token", "clientId": "clientId", "clientSecret": "real-partner-secret"}


def reused(provider_id: str, stored: dict[str, str], sent: dict[str, str]) -> bool:
    """Whether the mask sent with ``sent`` keeps ``stored``'s secret (False: the update is refused)."""
    changed = {**sent, "clientSecret": MASK}
    try:
        idp.keep_masked_secret(provider_id, stored, changed)
    except AdminError as refused:
        assert (refused.status, refused.message) == (400, idp.SECRET_REENTRY)
        return False
    assert changed["clientSecret"] == stored["clientSecret"]
    return True


@pytest.mark.parametrize(
    ("provider_id", "stored", "sent", "kept"),
    [
        # rejectsWhenTokenUrlChanges, allowsWhenUnchanged
        (
            "oidc",
            {**OIDC, "clientAuthMethod": "client_secret_post"},
            {"tokenUrl": "https://attacker.example/token"},
            False,
        ),
        ("oidc", {**OIDC, "clientAuthMethod": "client_secret_post"}, {}, True),
        # rejectsWhenClientIdDiffersOnlyByWhitespace: the client id is sent as it is
        ("oidc", OIDC, {"clientId": " clientId "}, False),
        # allowsWhenClientAuthMethodAbsentOrEmptyAndSubmittedAsPost, and basic is a change from either
        ("oidc", OIDC, {"clientAuthMethod": "client_secret_post"}, True),
        ("oidc", {**OIDC, "clientAuthMethod": ""}, {"clientAuthMethod": "client_secret_post"}, True),
        ("oidc", OIDC, {"clientAuthMethod": "client_secret_basic"}, False),
        ("oidc", {**OIDC, "clientAuthMethod": ""}, {"clientAuthMethod": "client_secret_basic"}, False),
        # allowsWhenOptionalDestinationAbsentAndSubmittedAsEmpty
        ("oidc", OIDC, {"tokenIntrospectionUrl": "", "baseUrl": ""}, True),
        ("github", {**OIDC, "baseUrl": "https://github.com"}, {"baseUrl": "https://attacker.example"}, False),
        # rejectsWhenMicrosoftTenantIdChanges; allowsWhenMicrosoftTenantIdAbsentAndSubmittedAsCommonOrEmpty:
        # unset is ``common``, blank is not (trimmed, it names no tenant)
        ("microsoft", {**OIDC, "tenantId": "common"}, {"tenantId": "attacker-tenant"}, False),
        ("microsoft", OIDC, {"tenantId": ""}, True),
        ("microsoft", OIDC, {"tenantId": "common"}, True),
        ("microsoft", OIDC, {"tenantId": "  "}, False),
        ("microsoft", {**OIDC, "tenantId": "contoso"}, {"tenantId": " contoso "}, True),
        # rejectsWhenPayPalSandboxChanges, allowsWhenPayPalSandboxAbsentAndSubmittedAsFalse,
        # rejectsWhenPayPalSandboxChangesFromUnparseableToTrue (``true `` is Boolean.valueOf's false)
        ("paypal", {**OIDC, "sandbox": "false"}, {"sandbox": "true"}, False),
        ("paypal", OIDC, {"sandbox": "false"}, True),
        ("paypal", {**OIDC, "sandbox": "true "}, {"sandbox": "true"}, False),
        ("paypal", {**OIDC, "sandbox": "TRUE"}, {"sandbox": "true"}, True),
        # the tenant and the sandbox switch bind the secret only for the type that reads them
        ("oidc", {**OIDC, "tenantId": "common"}, {"tenantId": "attacker-tenant"}, True),
        ("github", {**OIDC, "sandbox": "false"}, {"sandbox": "true"}, True),
    ],
)
def test_the_mask_keeps_the_secret_only_while_its_destination_stays(
    provider_id: str, stored: dict[str, str], sent: dict[str, str], kept: bool
) -> None:
    assert reused(provider_id, stored, {**stored, **sent}) is kept


def test_a_provider_without_a_secret_keeps_none_behind_the_mask() -> None:
    changed = {"tokenUrl": "https://elsewhere.example/token", "clientSecret": MASK}
    idp.keep_masked_secret("oidc", {"tokenUrl": "https://idp.example.com/token"}, changed)
    assert "clientSecret" not in changed


STORED: dict[str, Any] = {"alias": "kc", "providerId": "oidc", "config": {}}


@pytest.mark.parametrize(
    ("rep", "message"),
    [
        ({"alias": "other", "providerId": "oidc"}, "Identity Provider alias cannot be changed"),
        ({"alias": "kc", "providerId": "saml"}, "Identity Provider providerId cannot be changed"),
        ({"providerId": "keycloak-oidc"}, "Identity Provider providerId cannot be changed"),
        ({"alias": "kc", "providerId": 7}, "Identity Provider providerId cannot be changed"),
    ],
)
def test_an_update_may_not_rename_the_provider_or_change_its_type(rep: dict[str, Any], message: str) -> None:
    with pytest.raises(AdminError) as refused:
        idp.check_same_provider(STORED, rep)
    assert (refused.value.status, refused.value.message) == (400, message)


@pytest.mark.parametrize("rep", [{"alias": "kc", "providerId": "oidc"}, {}, {"alias": None, "providerId": None}])
def test_an_update_naming_the_provider_as_stored_or_not_at_all_passes(rep: dict[str, Any]) -> None:
    idp.check_same_provider(STORED, rep)
