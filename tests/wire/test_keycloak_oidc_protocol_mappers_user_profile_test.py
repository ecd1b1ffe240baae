"""Keycloak's OIDCProtocolMappersUserProfileTest (testsuite/.../oauth/OIDCProtocolMappersUserProfileTest.java):
OIDCProtocolMappersTest run again with the declarative user profile turned on (``userProfileEnabled``), and two
methods of its own. The realm and helpers are those of the OIDCProtocolMappersTest port (oidc_mappers_realm.py).

Not ported here, with the reason:

* The inherited OIDCProtocolMappersTest methods: Keycloak 26 always has the user profile on, so they are the
  methods test_keycloak_oidc_protocol_mappers_test.py already ports, against the same realm.
* ``testMappingFromAttribute``: it configures the user attribute mapper with ``user.profile.attribute``
  (``firstName``) beside ``user.attribute`` (``lastName``) and expects the former to win. That key was part of
  the Keycloak 13 user profile preview this class tested; Keycloak 26's UserAttributeMapper.setClaim reads
  ``user.attribute`` alone, so the Java expectation ("Tom") is no longer Keycloak's behaviour to reproduce.
"""

from __future__ import annotations

import pytest

from oidc_mappers_realm import add_mappers, browser_login, claim_mapper, import_realm
from support import claims
from wire_env import Env

pytestmark = pytest.mark.anyio


@pytest.fixture
async def kc(env: Env) -> Env:
    return await import_realm(env)


async def test_fallback_to_default_config_property(kc: Env) -> None:
    """OIDCProtocolMappersUserProfileTest.testFallbackToDefaultConfigProperty: a user attribute mapper on the
    profile's ``lastName`` (no ``user.profile.attribute``) puts test-user's last name, a string, in the ID
    token."""
    await add_mappers(
        kc,
        claim_mapper(
            "user profile default config property", "lastName", "c_fn_from_default", "String", True, True, False, False
        ),
    )
    id_token = claims((await browser_login(kc))["id_token"])
    assert id_token["c_fn_from_default"] == "Brady", id_token
