"""organizations/scope.resolve: what the ``organization`` scope maps (OrganizationScope), with the organization a
login picked on select-organization.ftl (the client session's ``kc.org`` note)."""

from __future__ import annotations

import pytest

from doorkeep.organizations import scope
from doorkeep.organizations.model import Organization

ACME, BETA = Organization("id-a", "r", "Acme", "acme"), Organization("id-b", "r", "Beta", "beta")
OFF = Organization("id-o", "r", "Off", "off", enabled=False)


@pytest.mark.parametrize(
    ("mine", "picked", "mapped"),
    [
        ([ACME, BETA], "id-b", ["beta"]),
        ([ACME, BETA], None, []),  # several, none picked
        ([ACME, BETA], "id-o", []),  # a pick that is not the user's
        ([ACME, OFF], "id-o", []),  # a disabled pick maps nothing, not the user's other organization
        ([ACME, BETA, OFF], "id-o", []),  # a disabled pick maps nothing
        ([BETA], "id-a", []),  # a pick the user is not (or no longer) a member of maps nothing
        ([BETA], None, ["beta"]),  # no pick, a member of one: that one
        ([ACME, OFF], None, ["acme"]),  # no pick, one enabled organization: that one
        ([], "id-a", []),
    ],
)
def test_any_maps_the_user_s_pick_while_it_holds_else_without_one_the_only_enabled_organization(
    mine: list[Organization], picked: str | None, mapped: list[str]
) -> None:
    assert [o.alias for o in scope.resolve(["organization"], mine, picked)] == mapped


@pytest.mark.parametrize(("name", "mapped"), [("organization:*", ["acme", "beta"]), ("organization:acme", ["acme"])])
def test_a_pick_does_not_narrow_the_other_forms(name: str, mapped: list[str]) -> None:
    assert [o.alias for o in scope.resolve([name], [ACME, BETA], "id-b")] == mapped
