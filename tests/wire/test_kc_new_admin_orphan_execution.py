"""Keycloak's OrphanExecutionTest (tests/base/.../tests/admin/authentication/, the new test framework; keycloak
#15535): an execution whose authenticator has no provider (an uninstalled or renamed custom authenticator) still
lists, flagged ``providerUnavailable``, not configurable, its provider id as its display name and its current
requirement as its only choice; and it can be removed (DELETE AUTH_EXECUTION event).

``makeExecutionOrphan`` runs on the server in Java: here the copied flow's execution is rewritten in the store."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

from admin_support import admin_events, enable_admin_events
from doorkeep.realms import flow_model
from wire_env import Env

pytestmark = pytest.mark.anyio

MISSING_PROVIDER_ID = "orphan-authenticator-missing"
FLOWS = "/admin/realms/test/authentication"


async def _copy_browser_flow(realm: Env, alias: str) -> None:
    response = await realm.http.post(
        f"{FLOWS}/flows/browser/copy", json={"newName": alias}, headers=await realm.admin_headers()
    )
    assert response.status_code == 201, response.text
    (event,) = await admin_events(realm)
    assert (event["operationType"], event["resourceType"]) == ("CREATE", "AUTH_FLOW")
    assert event["resourcePath"] == "authentication/flows/browser/copy"


async def _executions(realm: Env, alias: str) -> list[dict[str, Any]]:
    response = await realm.http.get(f"{FLOWS}/flows/{alias}/executions", headers=await realm.admin_headers())
    assert response.status_code == 200, response.text
    listed: list[dict[str, Any]] = response.json()
    return listed


async def _make_execution_orphan(realm: Env, execution_id: str) -> None:
    async with realm.db.transaction() as tx:
        stored = await tx.realms.get_by_name("test")
        assert stored is not None
        flows = flow_model.of(stored)
        executions = tuple(
            dataclasses.replace(e, authenticator=MISSING_PROVIDER_ID) if e.id == execution_id else e
            for e in flows.executions
        )
        await tx.realms.update(
            flow_model.with_flows(stored, dataclasses.replace(flows, executions=executions)), flows=True
        )


async def _orphaned(realm: Env, alias: str) -> str:
    await enable_admin_events(realm, clear=True)
    await _copy_browser_flow(realm, alias)
    cookie = next(e for e in await _executions(realm, alias) if e.get("providerId") == "auth-cookie")
    await _make_execution_orphan(realm, cookie["id"])
    return str(cookie["id"])


async def test_orphan_execution_does_not_break_flow_listing(realm: Env) -> None:
    """OrphanExecutionTest#orphanExecutionDoesNotBreakFlowListing"""
    execution_id = await _orphaned(realm, "orphan-listing-flow")
    orphan = next(e for e in await _executions(realm, "orphan-listing-flow") if e["id"] == execution_id)
    assert orphan["providerUnavailable"] is True
    assert orphan["configurable"] is False
    assert orphan["providerId"] == MISSING_PROVIDER_ID
    assert orphan["displayName"] == MISSING_PROVIDER_ID
    assert orphan["requirementChoices"] == [orphan["requirement"]]


async def test_an_execution_with_its_provider_has_no_provider_unavailable_flag(realm: Env) -> None:
    """The flag is only set for an orphan (the representation leaves a null out)."""
    await _orphaned(realm, "orphan-flag-flow")
    assert all(
        "providerUnavailable" not in e
        for e in await _executions(realm, "orphan-flag-flow")
        if e.get("providerId") != MISSING_PROVIDER_ID
    )


async def test_orphan_execution_can_be_removed(realm: Env) -> None:
    """OrphanExecutionTest#orphanExecutionCanBeRemoved"""
    execution_id = await _orphaned(realm, "orphan-removal-flow")
    removed = await realm.http.delete(f"{FLOWS}/executions/{execution_id}", headers=await realm.admin_headers())
    assert removed.status_code == 204, removed.text
    event = (await admin_events(realm))[0]
    assert (event["operationType"], event["resourceType"]) == ("DELETE", "AUTH_EXECUTION")
    assert event["resourcePath"] == f"authentication/executions/{execution_id}"
    assert all(e["id"] != execution_id for e in await _executions(realm, "orphan-removal-flow"))
