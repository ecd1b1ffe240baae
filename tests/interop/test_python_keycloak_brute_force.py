"""python-keycloak 7.1.1 against Brute Force Detection: its realm settings, a lockout seen through
KeycloakOpenID, and KeycloakAdmin's attack-detection calls, on a real ``doorkeep start-dev``."""

from __future__ import annotations

import pytest
from keycloak import KeycloakPostError

from interop.python_keycloak_support import admin_of, body_of, openid
from interop.server import DoorkeepProcess, SeedRealm

pytestmark = pytest.mark.interop


def test_a_lockout_is_seen_and_cleared_through_python_keycloak(seeded_server: DoorkeepProcess, seed: SeedRealm) -> None:
    admin = admin_of(seeded_server, seed.name)
    assert (
        admin.update_realm(
            seed.name, {"bruteForceProtected": True, "failureFactor": 2, "quickLoginCheckMilliSeconds": 0}
        )
        == {}
    )
    realm = admin.get_realm(seed.name)
    assert (realm["bruteForceProtected"], realm["failureFactor"], realm["bruteForceStrategy"]) == (True, 2, "MULTIPLE")
    user_id = admin.get_user_id(seed.username)
    assert user_id is not None
    clean = {
        "disabled": False,
        "numFailures": 0,
        "numSecondaryAuthFailures": 0,
        "numTemporaryLockouts": 0,
        "lastFailure": 0,
        "lastIPFailure": "n/a",
        "failedLoginNotBefore": 0,
    }
    # Keycloak 26's newest status: the seven keys, and for a user of a protected realm its counters per
    # protected property (``id`` alone under the USER lock policy)
    assert admin.get_bruteforce_detection_status(user_id) == {**clean, "properties": {"id": clean}}

    oidc = openid(seeded_server, seed.name, seed.client_id, seed.client_secret)
    for _ in range(2):
        with pytest.raises(KeycloakPostError):  # 400 invalid_grant since Keycloak 26.6
            oidc.token(seed.username, "wrong")
    with pytest.raises(KeycloakPostError) as locked:
        oidc.token(seed.username, seed.password)
    assert body_of(locked.value) == {"error": "invalid_grant", "error_description": "Invalid user credentials"}
    status = admin.get_bruteforce_detection_status(user_id)
    assert status["disabled"] is True and status["numFailures"] == 2 and status["lastIPFailure"] == "127.0.0.1"

    assert admin.clear_bruteforce_attempts_for_user(user_id) == {}
    assert "access_token" in oidc.token(seed.username, seed.password)
    assert admin.clear_all_bruteforce_attempts() == {}
