// Port of Keycloak's js/libs/keycloak-admin-client/test/groups.spec.ts against Doorkeep.
// Every `it` of the spec is kept. One change: "list subgroups" expects one subgroup, but the spec
// never makes one, and Keycloak's GroupResource.getSubGroups (GET /groups/{id}/children) lists only
// the group's real children, so an empty group answers []. The port adds one child first, through
// groups.createChildGroup, and checks the full (briefRepresentation=false) representation of it.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";

import { assertIncludes, connect, uniqueName } from "./support.mjs";

describe("Groups", () => {
  let kc;
  let currentGroup;
  let currentClient;
  let currentRole;

  before(async () => {
    kc = await connect();
    const group = await kc.groups.create({ name: "cool-group" });
    assert.ok(group.id);
    currentGroup = await kc.groups.findOne({ id: group.id });
  });

  after(async () => {
    await kc.groups.del({ id: currentGroup.id });
    assert.equal(await kc.groups.findOne({ id: currentGroup.id }), null);
  });

  it("list groups", async () => {
    assert.ok(await kc.groups.find());
  });

  it("count groups", async () => {
    assert.equal((await kc.groups.count()).count, 1);
  });

  it("count groups with filter", async () => {
    assert.equal((await kc.groups.count({ search: "fake-group" })).count, 0);
    assert.equal((await kc.groups.count({ search: "cool-group" })).count, 1);
  });

  it("get single groups", async () => {
    assertIncludes(await kc.groups.findOne({ id: currentGroup.id }), currentGroup);
  });

  it("update single groups", async () => {
    await kc.groups.update(
      { id: currentGroup.id },
      { name: "another-group-name", description: "another-group-description" },
    );
    const group = await kc.groups.findOne({ id: currentGroup.id });
    assert.equal(group.name, "another-group-name");
  });

  it("list subgroups", async () => {
    const child = await kc.groups.createChildGroup({ id: currentGroup.id }, { name: "cool-subgroup", attributes: { a: ["b"] } });
    assert.ok(child.id);
    const groups = await kc.groups.listSubGroups({
      parentId: currentGroup.id,
      first: 0,
      max: 10,
      briefRepresentation: false,
    });
    assert.equal(groups.length, 1);
    assertIncludes(groups[0], { id: child.id, name: "cool-subgroup", parentId: currentGroup.id, attributes: { a: ["b"] } });
  });

  describe("role-mappings", () => {
    before(async () => {
      const roleName = uniqueName("role");
      const created = await kc.roles.create({ name: roleName });
      assert.equal(created.roleName, roleName);
      currentRole = await kc.roles.findOneByName({ name: roleName });
    });

    after(async () => {
      await kc.roles.delByName({ name: currentRole.name });
    });

    it("add a role to group", async () => {
      await kc.groups.addRealmRoleMappings({
        id: currentGroup.id,
        roles: [{ id: currentRole.id, name: currentRole.name }],
      });
    });

    it("list available role-mappings", async () => {
      const roles = await kc.groups.listAvailableRealmRoleMappings({ id: currentGroup.id });
      assert.ok(roles.length >= 4, JSON.stringify(roles)); // admin, create-realm, offline_access, uma_authorization
    });

    it("list role-mappings", async () => {
      const { realmMappings } = await kc.groups.listRoleMappings({ id: currentGroup.id });
      assert.ok(realmMappings);
      assertIncludes(currentRole, realmMappings[0]);
    });

    it("list realm role-mappings of group", async () => {
      const roles = await kc.groups.listRealmRoleMappings({ id: currentGroup.id });
      assertIncludes(currentRole, roles[0]);
    });

    it("list realm composite role-mappings of group", async () => {
      assert.ok(await kc.groups.listCompositeRealmRoleMappings({ id: currentGroup.id }));
    });

    it("del realm role-mappings from group", async () => {
      await kc.groups.delRealmRoleMappings({
        id: currentGroup.id,
        roles: [{ id: currentRole.id, name: currentRole.name }],
      });
      assert.deepEqual(await kc.groups.listRealmRoleMappings({ id: currentGroup.id }), []);
    });
  });

  describe("client role-mappings", () => {
    before(async () => {
      const clientId = uniqueName("client");
      await kc.clients.create({ clientId });
      const clients = await kc.clients.find({ clientId });
      assert.ok(clients[0]);
      currentClient = clients[0];
      const roleName = uniqueName("role");
      await kc.clients.createRole({ id: currentClient.id, name: roleName });
      currentRole = await kc.clients.findRole({ id: currentClient.id, roleName });
    });

    after(async () => {
      await kc.clients.delRole({ id: currentClient.id, roleName: currentRole.name });
      await kc.clients.del({ id: currentClient.id });
    });

    it("add a client role to group", async () => {
      await kc.groups.addClientRoleMappings({
        id: currentGroup.id,
        clientUniqueId: currentClient.id,
        roles: [{ id: currentRole.id, name: currentRole.name }],
      });
    });

    it("list available client role-mappings for group", async () => {
      const roles = await kc.groups.listAvailableClientRoleMappings({
        id: currentGroup.id,
        clientUniqueId: currentClient.id,
      });
      assert.deepEqual(roles, []);
    });

    it("list client role-mappings of group", async () => {
      const roles = await kc.groups.listClientRoleMappings({ id: currentGroup.id, clientUniqueId: currentClient.id });
      assertIncludes(currentRole, roles[0]);
    });

    it("list composite client role-mappings for group", async () => {
      assert.ok(
        await kc.groups.listCompositeClientRoleMappings({ id: currentGroup.id, clientUniqueId: currentClient.id }),
      );
    });

    it("del client role-mappings from group", async () => {
      const roleName = uniqueName("role");
      await kc.clients.createRole({ id: currentClient.id, name: roleName });
      const role = await kc.clients.findRole({ id: currentClient.id, roleName });
      await kc.groups.delClientRoleMappings({
        id: currentGroup.id,
        clientUniqueId: currentClient.id,
        roles: [{ id: role.id, name: role.name }],
      });
      const roles = await kc.groups.listClientRoleMappings({ id: currentGroup.id, clientUniqueId: currentClient.id });
      assert.equal(roles.length, 1); // only the one the test before added
    });
  });
});
