"""python-keycloak 7.1.1 against ``doorkeep start-dev``: the revocation-trigger policy set through KeycloakAdmin
(realm and client attributes) decides what its user logout and secret regeneration end."""

from __future__ import annotations

import pytest
from keycloak import KeycloakPostError, KeycloakPutError

from interop.python_keycloak_support import admin_of, body_of, openid, raw_json
from interop.server import DoorkeepProcess, SeedRealm

pytestmark = pytest.mark.interop


def test_with_admin_logout_set_to_online_python_keycloaks_user_logout_keeps_offline_tokens(
    seeded_server: DoorkeepProcess, seed: SeedRealm
) -> None:
    admin = admin_of(seeded_server, "interop")
    admin.update_realm(seed.name, {"attributes": {"revocation.trigger.admin-logout": "online"}})
    assert admin.get_realm(seed.name)["attributes"]["revocation.trigger.admin-logout"] == "online"
    oidc = openid(seeded_server, seed.name, seed.client_id, seed.client_secret)
    user_id = admin.get_user_id(seed.username)
    assert user_id is not None
    online = oidc.token(seed.username, seed.password)
    offline = oidc.token(seed.username, seed.password, scope="openid offline_access")

    assert admin.user_logout(user_id) == {}
    assert admin.get_sessions(user_id) == []
    with pytest.raises(KeycloakPostError) as ended:
        oidc.refresh_token(online["refresh_token"])
    assert body_of(ended.value)["error"] == "invalid_grant"
    assert "access_token" in oidc.refresh_token(offline["refresh_token"])  # no not-before: still works


def test_a_client_override_makes_python_keycloaks_secret_regeneration_end_offline_sessions(
    seeded_server: DoorkeepProcess, seed: SeedRealm
) -> None:
    admin = admin_of(seeded_server, "interop")
    client_uuid = admin.get_client_id(seed.client_id)
    assert client_uuid is not None
    admin.update_client(client_uuid, {"attributes": {"revocation.trigger.client-secret-rotation": "offline"}})
    oidc = openid(seeded_server, seed.name, seed.client_id, seed.client_secret)
    oidc.token(seed.username, seed.password)
    oidc.token(seed.username, seed.password, scope="openid offline_access")
    assert raw_json(admin, f"clients/{client_uuid}/offline-session-count") == {"count": 1}

    admin.generate_client_secrets(client_uuid)
    assert raw_json(admin, f"clients/{client_uuid}/offline-session-count") == {"count": 0}
    assert raw_json(admin, f"clients/{client_uuid}/session-count") == {"count": 1}


def test_python_keycloak_gets_400_for_an_unknown_trigger_value(seeded_server: DoorkeepProcess, seed: SeedRealm) -> None:
    admin = admin_of(seeded_server, "interop")
    with pytest.raises(KeycloakPutError) as refused:
        admin.update_realm(seed.name, {"attributes": {"revocation.trigger.password-change": "all"}})
    assert refused.value.response_code == 400
    assert body_of(refused.value)["error"] == "invalid_input"
