"""The admin-role rule (doorkeep.admin.permissions): who may hand out which role, composites included."""

from __future__ import annotations

import pytest

from doorkeep.admin.permissions import Grantor, RoleFacts, is_admin_role, may_hand_out, may_redefine, may_rename

DEMO, MASTER = "demo-id", "master-id"


def rm(name: str, realm: str = DEMO) -> RoleFacts:
    """A role of ``realm``'s own management client: realm-management, or master-realm in master."""
    return RoleFacts(
        f"{realm}/rm/{name}", name, realm, realm == MASTER, "master-realm" if realm == MASTER else "realm-management"
    )


def test_a_realm_management_client_in_master_is_not_masters_management_client() -> None:
    """Master's own admin roles are master-realm's; a client named realm-management there is no longer it (a
    manage-users holder in master may not hand out its view-users as master-realm's equal)."""
    stray = RoleFacts("master-id/stray/view-users", "view-users", MASTER, True, "realm-management")
    assert rm("view-users", MASTER).of_management and not stray.of_management
    assert not may_hand_out(admin("manage-users", realm=MASTER), [stray])
    assert may_hand_out(admin("manage-users", realm=MASTER), [rm("view-users", MASTER)])


def realm_role(name: str, realm: str = DEMO) -> RoleFacts:
    return RoleFacts(f"{realm}/{name}", name, realm, realm == MASTER, None)


def client_role(client: str, name: str, realm: str = DEMO) -> RoleFacts:
    return RoleFacts(f"{realm}/{client}/{name}", name, realm, realm == MASTER, client)


def admin(
    *management: str, realm: str = DEMO, extra: tuple[RoleFacts, ...] = (), master_admin: bool = False
) -> Grantor:
    """An admin of ``realm`` holding these realm-management roles (and ``extra`` roles)."""
    held = frozenset({rm(n, realm).id for n in management} | {r.id for r in extra})
    return Grantor(realm, master_admin, held, frozenset(management))


@pytest.mark.parametrize(
    "role",
    [
        rm("realm-admin"),
        rm("manage-users"),
        rm("query-users"),
        rm("custom-role-someone-added"),
        realm_role("admin", MASTER),
        realm_role("create-realm", MASTER),
        realm_role("manage-users", MASTER),
        client_role("demo-realm", "manage-users", MASTER),
        client_role("other-realm", "anything", MASTER),
        rm("realm-admin", MASTER),
    ],
)
def test_these_roles_are_admin_roles(role: RoleFacts) -> None:
    assert is_admin_role(role)


@pytest.mark.parametrize(
    "role",
    [
        realm_role("admin"),
        realm_role("create-realm"),
        realm_role("offline_access"),
        realm_role("default-roles-demo"),
        client_role("account", "manage-account"),
        client_role("demo-realm", "manage-users"),
        client_role("app", "realm-admin"),
        realm_role("offline_access", MASTER),
        client_role("app", "x", MASTER),
    ],
)
def test_these_roles_are_not_admin_roles_by_themselves(role: RoleFacts) -> None:
    assert not is_admin_role(role)


def test_manage_users_alone_cannot_hand_out_realm_admin_or_other_management_roles() -> None:
    helpdesk = admin("manage-users")
    for name in (
        "realm-admin",
        "manage-realm",
        "manage-clients",
        "view-clients",
        "view-realm",
        "impersonation",
        "create-client",
        "manage-events",
        "view-events",
        "manage-authorization",
    ):
        assert not may_hand_out(helpdesk, [rm(name)]), name


def test_manage_users_hands_out_what_it_holds_or_implies_and_the_query_roles() -> None:
    helpdesk = admin("manage-users")
    for name in ("manage-users", "view-users", "query-users", "query-groups", "query-clients", "query-realms"):
        assert may_hand_out(helpdesk, [rm(name)]), name


def test_a_manage_role_implies_handing_out_its_view_role() -> None:
    for manage, view in (
        ("manage-clients", "view-clients"),
        ("manage-clients", "create-client"),
        ("manage-realm", "view-realm"),
        ("manage-events", "view-events"),
        ("manage-identity-providers", "view-identity-providers"),
        ("manage-authorization", "view-authorization"),
    ):
        assert may_hand_out(admin("manage-users", manage), [rm(view)]), view
        assert not may_hand_out(admin("manage-users"), [rm(view)]), view


def test_an_admin_holding_view_clients_may_hand_it_out() -> None:
    assert may_hand_out(admin("manage-users", "view-clients"), [rm("view-clients")])


def test_holding_realm_admin_hands_out_every_management_role_it_contains() -> None:
    names = ("realm-admin", "manage-users", "manage-realm", "manage-clients", "impersonation")
    holder = admin(*names)  # the store expands realm-admin to all of them
    for name in names:
        assert may_hand_out(holder, [rm(name)])


def test_ordinary_roles_are_handed_out_by_anyone_who_may_map_roles() -> None:
    helpdesk = admin("manage-users")
    assert may_hand_out(helpdesk, [realm_role("editor")])
    assert may_hand_out(helpdesk, [client_role("account", "manage-account"), client_role("account", "x")])
    assert may_hand_out(helpdesk, [realm_role("default-roles-demo"), realm_role("offline_access")])


def test_a_composite_wrapping_an_admin_role_is_an_admin_role() -> None:
    wrapper = [realm_role("helpdesk-plus"), realm_role("editor"), rm("realm-admin"), rm("manage-users")]
    assert not may_hand_out(admin("manage-users"), wrapper)
    assert may_hand_out(admin("realm-admin", "manage-users"), wrapper)
    default_roles = [realm_role("default-roles-demo"), realm_role("offline_access"), rm("view-clients")]
    assert not may_hand_out(admin("manage-users"), default_roles)
    assert may_hand_out(admin("manage-users", "manage-clients"), default_roles)


def master_user(**elsewhere: tuple[str, ...]) -> Grantor:
    """A master user holding, for each realm id given, these roles of master's ``<realm>-realm`` client."""
    held = frozenset(client_role(f"{realm}-realm", n, MASTER).id for realm, names in elsewhere.items() for n in names)
    return Grantor(MASTER, False, held, frozenset(), {realm: frozenset(names) for realm, names in elsewhere.items()})


def test_a_master_user_with_demo_realm_manage_users_hands_out_in_demo_what_manage_users_allows() -> None:
    helpdesk = master_user(**{DEMO: ("manage-users",)})
    for name in ("manage-users", "view-users", "query-users", "query-groups", "query-clients"):
        assert may_hand_out(helpdesk, [rm(name)]), name
    for name in ("realm-admin", "manage-clients", "view-clients", "manage-realm", "view-realm", "impersonation"):
        assert not may_hand_out(helpdesk, [rm(name)]), name


def test_a_master_user_hands_out_nothing_in_a_realm_it_holds_no_role_of() -> None:
    helpdesk = master_user(**{DEMO: ("manage-users",)})
    for name in ("manage-users", "view-users", "query-users"):
        assert not may_hand_out(helpdesk, [rm(name, "other-id")]), name


def test_a_master_client_role_is_handed_out_only_by_who_holds_it() -> None:
    helpdesk = master_user(**{DEMO: ("manage-users",)})
    assert may_hand_out(helpdesk, [client_role("demo-id-realm", "manage-users", MASTER)])
    assert not may_hand_out(helpdesk, [client_role("demo-id-realm", "view-users", MASTER)])
    assert not may_hand_out(helpdesk, [client_role("demo-id-realm", "query-users", MASTER)])


def test_in_master_manage_users_cannot_hand_out_admin_or_create_realm() -> None:
    helpdesk = admin("manage-users", realm=MASTER)
    assert not may_hand_out(helpdesk, [realm_role("admin", MASTER), realm_role("create-realm", MASTER)])
    assert not may_hand_out(helpdesk, [realm_role("create-realm", MASTER)])
    assert not may_hand_out(helpdesk, [client_role("demo-realm", "manage-users", MASTER)])
    assert may_hand_out(helpdesk, [rm("view-users", MASTER)])


def test_a_holder_of_create_realm_may_hand_it_out_but_not_admin() -> None:
    creator = admin("manage-users", realm=MASTER, extra=(realm_role("create-realm", MASTER),))
    assert may_hand_out(creator, [realm_role("create-realm", MASTER)])
    assert not may_hand_out(creator, [realm_role("admin", MASTER), realm_role("create-realm", MASTER)])


def test_the_master_admin_hands_out_everything() -> None:
    root = admin(realm=MASTER, master_admin=True)
    assert may_hand_out(root, [realm_role("admin", MASTER), realm_role("create-realm", MASTER)])
    assert may_hand_out(root, [rm("realm-admin"), rm("impersonation")])


def test_management_roles_of_another_realm_are_never_implied() -> None:
    helpdesk = admin("manage-users")
    assert not may_hand_out(helpdesk, [rm("view-users", MASTER)])
    assert not may_hand_out(helpdesk, [rm("query-users", MASTER)])


def test_renaming_an_admin_role_is_refused_to_those_below_realm_admin() -> None:
    clientmgr = admin("manage-clients")
    assert not may_rename(clientmgr, rm("manage-clients"), "manage-users")
    assert not may_rename(clientmgr, rm("manage-users"), "retired")
    assert may_rename(clientmgr, rm("manage-users"), "manage-users")  # the name is kept: description, attributes
    assert may_rename(admin("realm-admin"), rm("manage-users"), "retired")
    assert not may_rename(admin("realm-admin", realm=MASTER), realm_role("admin", MASTER), "retired")
    assert may_rename(admin(realm=MASTER, master_admin=True), realm_role("admin", MASTER), "retired")


def test_renaming_a_role_into_an_admin_role_s_place_is_refused() -> None:
    realmmgr = admin("manage-realm", realm=MASTER)
    assert not may_rename(realmmgr, realm_role("boss", MASTER), "admin")
    assert not may_rename(realmmgr, realm_role("boss", MASTER), "create-realm")
    assert may_rename(realmmgr, realm_role("boss", MASTER), "chief")
    assert not may_rename(admin("manage-clients", realm=MASTER), client_role("demo-realm", "x", MASTER), "y")
    assert may_rename(admin("manage-clients", realm=MASTER), client_role("app", "x", MASTER), "y")
    assert may_rename(admin("manage-realm"), realm_role("boss"), "admin")  # "admin" means nothing outside master


def test_ordinary_roles_are_renamed_freely() -> None:
    assert may_rename(admin("manage-clients"), client_role("account", "manage-account"), "account-manager")
    assert may_rename(admin("manage-realm"), realm_role("default-roles-demo"), "staff")


def test_renaming_any_role_to_an_admin_role_s_name_needs_realm_admin_or_the_master_admin() -> None:
    """keycloak#49427: the name alone passes Keycloak's guards, so a delegated admin may not hand it out."""
    clientmgr = admin("manage-clients")
    assert not may_rename(clientmgr, client_role("attacker-client", "innocent-role"), "realm-admin")
    assert not may_rename(clientmgr, client_role("account", "manage-account"), "manage-users")
    assert not may_rename(admin("manage-realm"), realm_role("boss"), "query-users")
    assert not may_rename(admin("manage-clients"), client_role("app", "x"), "admin")  # master-only for realm roles
    assert may_rename(admin("realm-admin"), client_role("attacker-client", "innocent-role"), "realm-admin")
    assert not may_rename(admin("realm-admin", realm=MASTER), client_role("app", "x"), "realm-admin")
    assert may_rename(admin(realm=MASTER, master_admin=True), client_role("app", "x"), "manage-users")


def test_deleting_an_admin_role_needs_realm_admin_or_the_master_admin() -> None:
    assert not may_redefine(admin("manage-clients"), rm("manage-users"))
    assert not may_redefine(admin("manage-realm", realm=MASTER), realm_role("admin", MASTER))
    assert not may_redefine(admin("realm-admin", realm=MASTER), realm_role("create-realm", MASTER))
    assert may_redefine(admin("realm-admin"), rm("impersonation"))
    assert not may_redefine(admin("realm-admin"), rm("impersonation", MASTER))
    assert may_redefine(admin(realm=MASTER, master_admin=True), realm_role("admin", MASTER))
    assert may_redefine(admin("manage-realm"), realm_role("editor"))
