"""An organization invitation whose mail the SMTP server refuses (the login is turned down with 535): Keycloak's
OrganizationInvitationResource.sendInvitation catches the EmailException and throws
``ErrorResponse.error("Failed to send invite email", INTERNAL_SERVER_ERROR)``, whose response is the body itself
(a WebApplicationException with an entity), and KeycloakErrorHandler / the request's transaction roll the
invitation back: 500 ``{"errorMessage": "Failed to send invite email"}``, no invitation kept, no admin event, and
the SMTP password in no log line."""

from __future__ import annotations

import logging

import pytest

from mail_sink import Sink
from org_invitations import create_org, enable, invite, stored
from support import seed_user, update_realm
from wire_env import Env

pytestmark = pytest.mark.anyio
PASSWORD = "smtp-pass-s66h"
FAILED = (500, {"errorMessage": "Failed to send invite email"})


@pytest.fixture
async def realm(env: Env, mail: Sink) -> Env:
    await enable(env, mail)
    await update_realm(
        env.db,
        "test",
        admin_events_enabled=True,
        smtp_server=mail.settings(auth="true", user="mailer", password=PASSWORD),
    )
    mail.credentials("mailer", "another-password")  # the server turns this login down
    return env


@pytest.mark.parametrize("path", ["invite-user", "invite-existing-user"])
async def test_a_refused_mail_is_keycloaks_500_and_keeps_nothing(
    realm: Env, mail: Sink, path: str, caplog: pytest.LogCaptureFixture
) -> None:
    org = await create_org(realm)
    user = (await seed_user(realm.db, realm.clock, "test", "u", email="u@example.org")).id
    form = {"email": "new@example.org"} if path == "invite-user" else {"id": user}
    with caplog.at_level(logging.DEBUG):
        refused = await invite(realm, org, path, **form)
    assert (refused.status_code, refused.json()) == FAILED
    assert set(mail.logins) == {"mailer"} and mail.received == []  # tried, turned down
    assert await stored(realm, org) == []
    events = (await realm.http.get("/admin/realms/test/admin-events", headers=await realm.admin_headers())).json()
    assert [e for e in events if "members/invite" in e.get("resourcePath", "")] == []
    assert PASSWORD not in caplog.text and "Traceback" not in refused.text
