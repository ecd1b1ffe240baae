// Port of Keycloak's js/libs/keycloak-admin-client/test/organizations.spec.ts against Doorkeep.
// Every `it` of the spec is kept; one is skipped. "manages organization roles" calls organization-role
// methods (findDefaultRole, createRole, countRoles, listRoles, addRoleComposites, addRoleUsers, ...) that
// the pinned @keycloak/keycloak-admin-client 26.8.0 does not have (its Organizations resource ends at the
// invitations and groups): the spec of Keycloak's main branch runs it against that branch's own client
// and server, and Doorkeep serves no organization roles. It is kept below as written, skipped.
// The spec's `before` turns organizations on for master (realms.update organizationsEnabled: true), as
// Keycloak's does; the spec expects master to have no organization at its start (a fresh server).
import assert from "node:assert/strict";
import { before, describe, it } from "node:test";

import { connect } from "./support.mjs";

describe("Organizations", () => {
  let kc;

  before(async () => {
    kc = await connect();
    await kc.realms.update({ realm: "master" }, { organizationsEnabled: true });
  });

  it("retrieves empty organizations list", async () => {
    const organizations = await kc.organizations.find();
    assert.ok(organizations);
    assert.deepEqual(organizations, []);
  });

  it("creates, updates, and removes an organization", async () => {
    const myOrganization = { name: "orga", enabled: true, domains: [{ name: "orga.com" }] };

    const org = await kc.organizations.create(myOrganization);
    let all = await kc.organizations.find();
    assert.ok(all);
    assert.ok(all.length > 0);

    myOrganization.enabled = false;
    await kc.organizations.updateById({ id: org.id }, myOrganization);

    all = await kc.organizations.find();
    assert.ok(all);
    assert.equal(all.length, 1);
    assert.equal(all[0].enabled, false);

    await kc.organizations.delById({ id: org.id });
    all = await kc.organizations.find();
    assert.ok(all);
    assert.deepEqual(all, []);
  });

  it("crud a group for organizations", async () => {
    const org = await kc.organizations.create({ name: "orgG", enabled: true, domains: [{ name: "orgg.com" }] });
    const group = await kc.organizations.groups(org.id).create({ name: "cool-group" });
    assert.ok(group.id);
    await kc.organizations.groups(org.id).del({ id: group.id });
  });

  it("manages organization roles", { skip: "the pinned admin client 26.8.0 has no organization-role methods" }, async () => {
    const org = await kc.organizations.create({
      name: "orgRoles",
      alias: "org-roles",
      enabled: true,
      domains: [{ name: "roles.org" }],
    });
    const user = await kc.users.create({ username: "organization-role-user", enabled: true });
    await kc.organizations.addMember({ orgId: org.id, userId: user.id });

    const defaultRole = await kc.organizations.findDefaultRole({ orgId: org.id });
    assert.ok(defaultRole?.id);

    const child = await kc.organizations.createRole({ orgId: org.id, name: "child-role" });
    const created = await kc.organizations.createRole({
      orgId: org.id,
      name: "organization-role",
      description: "before update",
    });

    assert.equal(await kc.organizations.countRoles({ orgId: org.id }), 3);
    const found = await kc.organizations.listRoles({
      orgId: org.id,
      search: "organization-role",
      briefRepresentation: false,
    });
    assert.equal(found.length, 1);

    await kc.organizations.updateRole(
      { orgId: org.id, roleId: created.id },
      { name: "organization-role", description: "after update" },
    );
    const role = await kc.organizations.findRole({ orgId: org.id, roleId: created.id });
    assert.equal(role?.description, "after update");

    await kc.roles.create({ name: "organization-composite-realm-role" });
    const realmRole = await kc.roles.findOneByName({ name: "organization-composite-realm-role" });
    const client = await kc.clients.create({ clientId: "organization-composite-client" });
    await kc.clients.createRole({ id: client.id, name: "organization-composite-client-role" });
    const clientRole = await kc.clients.findRole({ id: client.id, roleName: "organization-composite-client-role" });

    const composites = [{ id: child.id }, { id: realmRole.id }, { id: clientRole.id }];
    await kc.organizations.addRoleComposites({ orgId: org.id, roleId: created.id }, composites);
    assert.equal((await kc.organizations.listRoleComposites({ orgId: org.id, roleId: created.id })).length, 3);
    assert.equal((await kc.organizations.listRealmRoleComposites({ orgId: org.id, roleId: created.id })).length, 1);
    const clientComposites = await kc.organizations.listClientRoleComposites({
      orgId: org.id,
      roleId: created.id,
      clientId: client.id,
    });
    assert.equal(clientComposites.length, 1);

    await kc.organizations.addRoleUsers({ orgId: org.id, roleId: created.id }, [{ id: user.id }]);
    const users = await kc.organizations.listRoleUsers({ orgId: org.id, roleId: created.id, briefRepresentation: true });
    assert.equal(users.length, 1);
    await kc.organizations.delRoleUsers({ orgId: org.id, roleId: created.id }, [{ id: user.id }]);

    await kc.organizations.delRoleComposites({ orgId: org.id, roleId: created.id }, composites);
    await kc.organizations.delRole({ orgId: org.id, roleId: created.id });
    assert.equal(await kc.organizations.findRole({ orgId: org.id, roleId: created.id }), null);

    await kc.organizations.delById({ id: org.id });
    await kc.users.del({ id: user.id });
    await kc.roles.delByName({ name: "organization-composite-realm-role" });
    await kc.clients.del({ id: client.id });
  });
});
