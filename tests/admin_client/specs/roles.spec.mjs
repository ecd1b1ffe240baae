// Port of Keycloak's js/libs/keycloak-admin-client/test/roles.spec.ts against Doorkeep.
//
// Left out (a feature Doorkeep does not have): "Enable fine grained permissions" and "List fine
// grained permissions for this role" (roles.updatePermission/listPermissions); the spec skips both.
import assert from "node:assert/strict";
import { after, afterEach, before, beforeEach, describe, it } from "node:test";

import { assertIncludes, connect } from "./support.mjs";

describe("Roles", () => {
  let kc;
  let currentRole;

  before(async () => {
    kc = await connect();
  });

  after(async () => {
    await kc.roles.delById({ id: currentRole.id });
  });

  it("list roles", async () => {
    assert.ok(await kc.roles.find());
  });

  it("create roles and get by name", async () => {
    const created = await kc.roles.create({ name: "cool-role" });
    assert.equal(created.roleName, "cool-role");
    const role = await kc.roles.findOneByName({ name: "cool-role" });
    assert.ok(role);
    currentRole = role;
  });

  it("get single roles by id", async () => {
    assertIncludes(await kc.roles.findOneById({ id: currentRole.id }), currentRole);
  });

  it("update single role by name & by id", async () => {
    await kc.roles.updateByName({ name: currentRole.name }, { name: "cool-role", description: "cool" });
    const role = await kc.roles.findOneByName({ name: currentRole.name });
    assert.equal(role.description, "cool");

    await kc.roles.updateById({ id: currentRole.id }, { name: "cool-role", description: "another description" });
    const roleById = await kc.roles.findOneById({ id: currentRole.id });
    assert.equal(roleById.description, "another description");
  });

  it("delete single roles by id", async () => {
    await kc.roles.create({ name: "for-delete" });
    await kc.roles.delByName({ name: "for-delete" });
    assert.equal(await kc.roles.findOneByName({ name: "for-delete" }), null);
  });

  it("get users with role by name in realm", async () => {
    const users = await kc.roles.findUsersWithRole({ name: "admin" });
    assert.ok(Array.isArray(users));
  });

  describe("Composite roles", () => {
    const compositeRoleName = "compositeRole";
    let compositeRole;

    beforeEach(async () => {
      await kc.roles.create({ name: compositeRoleName });
      compositeRole = await kc.roles.findOneByName({ name: compositeRoleName });
      await kc.roles.createComposite({ roleId: currentRole.id }, [compositeRole]);
    });

    afterEach(async () => {
      await kc.roles.delByName({ name: compositeRoleName });
    });

    it("make the role a composite role by associating some child roles", async () => {
      const children = await kc.roles.getCompositeRoles({ id: currentRole.id });
      const { attributes, ...rest } = compositeRole; // a role's attributes are not in the composites list
      assert.deepEqual(attributes, {});
      assert.deepEqual(children, [rest]);
    });

    it("search for composite roles", async () => {
      const children = await kc.roles.getCompositeRoles({ id: currentRole.id, search: "not" });
      assert.deepEqual(children, []);
    });

    it("delete composite roles", async () => {
      await kc.roles.delCompositeRoles({ id: currentRole.id }, [compositeRole]);
      assert.deepEqual(await kc.roles.getCompositeRoles({ id: currentRole.id }), []);
    });

    describe("Get composite roles for client and realm", () => {
      let createdClient;
      let clientRole;

      before(async () => {
        createdClient = await kc.clients.create({ clientId: "test" });
        await kc.clients.createRole({ id: createdClient.id, name: "clientRole" });
        clientRole = await kc.clients.findRole({ id: createdClient.id, roleName: "clientRole" });
        await kc.roles.createComposite({ roleId: currentRole.id }, [clientRole]);
      });

      after(async () => {
        await kc.clients.del({ id: createdClient.id });
      });

      it("get composite role for the realm", async () => {
        const realmChildren = await kc.roles.getCompositeRolesForRealm({ id: currentRole.id });
        const children = await kc.roles.getCompositeRoles({ id: currentRole.id });
        delete compositeRole.attributes;
        assert.deepEqual(realmChildren, [compositeRole]);
        assert.equal(children.length, 2);
      });

      it("get composite for the client", async () => {
        const clientChildren = await kc.roles.getCompositeRolesForClient({
          id: currentRole.id,
          clientId: createdClient.id,
        });
        delete clientRole.attributes;
        assert.deepEqual(clientChildren, [clientRole]);
      });
    });
  });
});
