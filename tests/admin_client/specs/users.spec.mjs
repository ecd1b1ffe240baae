// Port of Keycloak's js/libs/keycloak-admin-client/test/users.spec.ts against Doorkeep.
//
// Every `it` of the spec is kept. "should add federated identity to user" links the user to "foobar",
// a provider the realm does not have: UserResource.addFederatedIdentity does not check the alias (204),
// and the listing shows only links to the realm's providers, so the list stays empty.
// The spec's SMTP settings (mailtrap credentials from SMTP_USER/SMTP_PWD) are written as in the
// spec; no mail is sent by any kept test.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";

import { assertHasElement, assertIncludes, connect, credentials, omit, uniqueName } from "./support.mjs";

describe("Users", () => {
  let kc;
  let currentUser;
  let currentClient;
  let currentRole;

  before(async () => {
    kc = await connect();
    const profile = await kc.users.getProfile();
    await kc.users.updateProfile({ ...profile, unmanagedAttributePolicy: "ENABLED" });

    const created = await kc.users.create({
      username: uniqueName(),
      email: "test@keycloak.org",
      emailVerified: true,
      enabled: true,
      attributes: { key: "value" },
    });
    assert.ok(created.id);
    currentUser = await kc.users.findOne({ id: created.id });

    await kc.realms.update(
      { realm: "master" },
      {
        smtpServer: {
          auth: true,
          from: "0830021730-07fb21@inbox.mailtrap.io",
          host: "smtp.mailtrap.io",
          user: process.env.SMTP_USER,
          password: process.env.SMTP_PWD,
        },
      },
    );
  });

  after(async () => {
    await kc.users.del({ id: currentUser.id });
    assert.equal(await kc.users.findOne({ id: currentUser.id }), null);
  });

  it("list users", async () => {
    assert.ok(await kc.users.find());
  });

  it("count users", async () => {
    assert.equal(await kc.users.count(), 2); // the admin and the user made in before()
  });

  it("count users with filter", async () => {
    assert.equal(await kc.users.count({ email: "test@keycloak.org" }), 1);
  });

  it("gets the profile", async () => {
    assert.ok(await kc.users.getProfile());
  });

  it("updates the profile", async () => {
    const profile = await kc.users.getProfile();
    const updated = await kc.users.updateProfile({ ...profile, unmanagedAttributePolicy: "ENABLED" });
    assert.ok(updated);
    assert.equal(updated.unmanagedAttributePolicy, "ENABLED");
  });

  it("find users by custom attributes", async () => {
    const users = await kc.users.find({ q: "key:value" });
    assert.equal(users.length, 1);
    assertIncludes(users[0], omit(currentUser, ["access"]));
  });

  it("find users by builtin attributes", async () => {
    const users = await kc.users.find({ q: `email:${currentUser.email}` });
    assert.equal(users.length, 1);
    assertIncludes(users[0], omit(currentUser, ["access"]));
  });

  it("get single users", async () => {
    assertIncludes(await kc.users.findOne({ id: currentUser.id }), currentUser);
  });

  it("update single users", async () => {
    const changes = { firstName: "william", lastName: "chang", requiredActions: ["UPDATE_PASSWORD"], emailVerified: true };
    await kc.users.update({ id: currentUser.id }, changes);
    assertIncludes(await kc.users.findOne({ id: currentUser.id }), changes);
  });

  it("should reset user password", async () => {
    await kc.users.resetPassword({
      id: currentUser.id,
      credential: { temporary: false, type: "password", value: "test" },
    });
  });

  it("get user credentials", async () => {
    const result = await kc.users.getCredentials({ id: currentUser.id });
    assert.ok(result.map((c) => c.type).includes("password"));
  });

  it("get configured user storage credential types", async () => {
    assert.deepEqual(await kc.users.getUserStorageCredentialTypes({ id: currentUser.id }), []);
  });

  it("delete user credentials", async () => {
    const result = await kc.users.getCredentials({ id: currentUser.id });
    assert.ok(result.map((c) => c.type).includes("password"));
    const [credential] = result;
    await kc.users.deleteCredential({ id: currentUser.id, credentialId: credential.id });
    const remaining = await kc.users.getCredentials({ id: currentUser.id });
    assert.ok(!remaining.some((c) => c.id === credential.id));
    await kc.users.resetPassword({
      id: currentUser.id,
      credential: { temporary: false, type: "password", value: "test" },
    });
  });

  it("update a credential label for a user", async () => {
    const result = await kc.users.getCredentials({ id: currentUser.id });
    assert.ok(result.map((c) => c.type).includes("password"));
    await kc.users.updateCredentialLabel({ id: currentUser.id, credentialId: result[0].id }, "New user label");
    const relabelled = await kc.users.getCredentials({ id: currentUser.id });
    assert.ok(relabelled.map((c) => c.userLabel).includes("New user label"));
  });

  describe("user groups", () => {
    let currentGroup;

    before(async () => {
      const group = await kc.groups.create({ name: "cool-group" });
      assert.ok(group.id);
      currentGroup = await kc.groups.findOne({ id: group.id });
    });

    after(async () => {
      const groups = await kc.groups.find({ max: 100 });
      await Promise.all(groups.map((group) => kc.groups.del({ id: group.id })));
      assert.equal(await kc.groups.findOne({ id: currentGroup.id }), null);
    });

    it("add group", async () => {
      assert.equal((await kc.users.countGroups({ id: currentUser.id })).count, 0);
      await kc.users.addToGroup({ id: currentUser.id, groupId: currentGroup.id });
      assert.equal((await kc.users.countGroups({ id: currentUser.id })).count, 1);
    });

    it("count groups", async () => {
      assert.equal((await kc.users.countGroups({ id: currentUser.id })).count, 1);
      assert.equal((await kc.users.countGroups({ id: currentUser.id, search: "cool-group" })).count, 1);
      assert.equal((await kc.users.countGroups({ id: currentUser.id, search: "fake-group" })).count, 0);
    });

    it("list groups", async () => {
      const groups = await kc.users.listGroups({ id: currentUser.id });
      assert.equal(groups.length, 1);
      assert.equal(groups[0].name, "cool-group");
    });

    it("remove group", async () => {
      const newGroup = await kc.groups.create({ name: "test-group" });
      await kc.users.addToGroup({ id: currentUser.id, groupId: newGroup.id });
      assert.equal((await kc.users.countGroups({ id: currentUser.id })).count, 2);
      await kc.users.delFromGroup({ id: currentUser.id, groupId: newGroup.id });
      assert.equal((await kc.users.countGroups({ id: currentUser.id })).count, 1);
      await kc.groups.del({ id: newGroup.id });
      await assert.rejects(kc.users.delFromGroup({ id: currentUser.id, groupId: "fake-group-id" }));
    });
  });

  describe("role-mappings", () => {
    before(async () => {
      const roleName = uniqueName("role");
      await kc.roles.create({ name: roleName });
      currentRole = await kc.roles.findOneByName({ name: roleName });
    });

    after(async () => {
      await kc.roles.delByName({ name: currentRole.name });
    });

    it("add a role to user", async () => {
      await kc.users.addRealmRoleMappings({
        id: currentUser.id,
        roles: [{ id: currentRole.id, name: currentRole.name }],
      });
    });

    it("list available role-mappings for user", async () => {
      const roles = await kc.users.listAvailableRealmRoleMappings({ id: currentUser.id });
      assert.ok(roles.length >= 2, JSON.stringify(roles)); // admin, create-realm
    });

    it("list role-mappings of user", async () => {
      const mappings = await kc.users.listRoleMappings({ id: currentUser.id });
      assert.deepEqual(Object.keys(mappings), ["realmMappings"]);
    });

    it("list realm role-mappings of user", async () => {
      const roles = await kc.users.listRealmRoleMappings({ id: currentUser.id });
      assertHasElement(roles, omit(currentRole, ["attributes"]));
    });

    it("list realm composite role-mappings of user", async () => {
      assert.ok(await kc.users.listCompositeRealmRoleMappings({ id: currentUser.id }));
    });

    it("del realm role-mappings from user", async () => {
      await kc.users.delRealmRoleMappings({
        id: currentUser.id,
        roles: [{ id: currentRole.id, name: currentRole.name }],
      });
      const roles = await kc.users.listRealmRoleMappings({ id: currentUser.id });
      assert.ok(!roles.some((role) => role.id === currentRole.id));
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

    it("add a client role to user", async () => {
      await kc.users.addClientRoleMappings({
        id: currentUser.id,
        clientUniqueId: currentClient.id,
        roles: [{ id: currentRole.id, name: currentRole.name }],
      });
    });

    it("list available client role-mappings for user", async () => {
      const roles = await kc.users.listAvailableClientRoleMappings({
        id: currentUser.id,
        clientUniqueId: currentClient.id,
      });
      assert.deepEqual(roles, []);
    });

    it("list composite client role-mappings for user", async () => {
      assert.ok(
        await kc.users.listCompositeClientRoleMappings({ id: currentUser.id, clientUniqueId: currentClient.id }),
      );
    });

    it("list client role-mappings of user", async () => {
      const roles = await kc.users.listClientRoleMappings({ id: currentUser.id, clientUniqueId: currentClient.id });
      assertIncludes(currentRole, roles[0]);
    });

    it("del client role-mappings from user", async () => {
      const roleName = uniqueName("role");
      await kc.clients.createRole({ id: currentClient.id, name: roleName });
      const role = await kc.clients.findRole({ id: currentClient.id, roleName });
      await kc.users.delClientRoleMappings({
        id: currentUser.id,
        clientUniqueId: currentClient.id,
        roles: [{ id: role.id, name: role.name }],
      });
      const roles = await kc.users.listClientRoleMappings({ id: currentUser.id, clientUniqueId: currentClient.id });
      assert.equal(roles.length, 1); // only the one the test before added
    });
  });

  describe("User sessions", () => {
    before(async () => {
      kc = await connect();
      const clientId = uniqueName("client");
      await kc.clients.create({ clientId, consentRequired: true });
      const clients = await kc.clients.find({ clientId });
      assert.ok(clients[0]);
      currentClient = clients[0];
    });

    after(async () => {
      await kc.clients.del({ id: currentClient.id });
    });

    it("list user sessions", async () => {
      assert.ok(await kc.users.listSessions({ id: currentUser.id }));
    });

    it("list users off-line sessions", async () => {
      assert.ok(await kc.users.listOfflineSessions({ id: currentUser.id, clientId: currentClient.id }));
    });

    it("logout user from all sessions", async () => {
      await kc.users.logout({ id: currentUser.id });
    });

    it("list consents granted by the user", async () => {
      assert.ok(await kc.users.listConsents({ id: currentUser.id }));
    });

    it("revoke consent and offline tokens for particular client", async () => {
      const consents = await kc.users.listConsents({ id: currentUser.id });
      if (consents.length) {
        await kc.users.revokeConsent({ id: currentUser.id, clientId: consents[0].clientId });
      }
    });

    it("impersonate user", async () => {
      const result = await kc.users.impersonation(
        { id: currentUser.id },
        { user: currentUser.id, realm: kc.realmName },
      );
      assert.ok(result);
      await kc.auth(credentials);
    });
  });

  describe("Federated Identity user integration", () => {
    const federatedIdentity = { identityProvider: "foobar", userId: "userid1", userName: "username1" };

    before(async () => {
      kc = await connect();
    });

    it("should list user federated identities and expect empty", async () => {
      assert.deepEqual(await kc.users.listFederatedIdentities({ id: currentUser.id }), []);
    });

    it("should add federated identity to user", async () => {
      await kc.users.addToFederatedIdentity({ id: currentUser.id, federatedIdentityId: "foobar", federatedIdentity });
    });

    it("should remove federated identity from user", async () => {
      await kc.users.delFromFederatedIdentity({ id: currentUser.id, federatedIdentityId: "foobar" });
      assert.deepEqual(await kc.users.listFederatedIdentities({ id: currentUser.id }), []);
    });
  });
});
