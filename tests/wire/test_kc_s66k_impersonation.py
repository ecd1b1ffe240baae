"""Keycloak 26's ImpersonationTest.testImpersonateByMasterImpersonator (tests/base/.../tests/admin/
ImpersonationTest.java), which test_keycloak_impersonation_test.py had left out when Doorkeep had no per-realm
admin clients in master: a master user holding only ``view-users`` and ``impersonation`` of master's
``test-realm`` client impersonates a user of realm ``test``, with the IMPERSONATE event naming it and master, and
the session's impersonator notes (impersonation_port.successful_impersonation)."""

from __future__ import annotations

import pytest

import impersonation_port
from impersonation_port import map_role, master_user, successful_impersonation
from keycloak_port import admin_headers
from wire_env import Env

pytestmark = pytest.mark.anyio
kc = impersonation_port.kc


async def test_impersonate_by_master_impersonator(kc: Env) -> None:
    uid = await master_user(kc, "master-impersonator")
    for role in ("view-users", "impersonation"):
        await map_role(kc, "master", uid, role, "test-realm")
    await successful_impersonation(kc, "master-impersonator", "master")
    removed = await kc.http.delete(f"/admin/realms/master/users/{uid}", headers=await admin_headers(kc))
    assert removed.status_code == 204, removed.text
