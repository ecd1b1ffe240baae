// Port of Keycloak's js/libs/keycloak-admin-client/test/clients.spec.ts (keycloak/keycloak @1274cb8b) to node:test,
// run against a Doorkeep server by tests/interop/test_keycloak_admin_client_specs_clients.py. Same calls, same
// expectations, on the master realm as there.
//
// Left out, features Doorkeep does not have:
//   - the whole "authorization" block (authorization services / resource servers): create authorization scopes,
//     list all authorization scopes, update authorization scope, list all resources by scope, list all permissions
//     by scope, list permission scope, import resource, export resource, create resource, get resource, get resource
//     server, list permission by resource, list scopes by resource, list resources, update resource, create policy,
//     policy list dependencies, create permission, get associated scopes/policies/resources for permission, list
//     policy providers, and the two skipped fine-grained permission tests.
import assert from "node:assert/strict";
import { after, before, describe, it, beforeEach, afterEach } from "node:test";
import { connect, uniqueName } from "./support.mjs";

/** chai's `expect(actual).to.include(expected)`: every key of expected is in actual with a deep-equal value. */
function assertIncludes(actual, expected) {
  assert.ok(actual, "expected an object, got nothing");
  for (const [key, value] of Object.entries(expected)) {
    assert.deepEqual(actual[key], value, `property ${key}`);
  }
}

const byId = (a, b) => (a.id < b.id ? -1 : 1);

describe("Clients", () => {
  let kc;
  let currentClient;
  let currentClientScope;
  let currentRoleName;

  before(async () => {
    kc = await connect();
    const created = await kc.clients.create({ clientId: uniqueName("client") });
    assert.ok(created.id);
    currentClient = await kc.clients.findOne({ id: created.id });
    assert.ok(currentClient);
  });

  after(async () => {
    await kc.clients.del({ id: currentClient.id });
  });

  it("list clients", async () => {
    assert.ok(await kc.clients.find());
  });

  it("get single client", async () => {
    assertIncludes(await kc.clients.findOne({ id: currentClient.id }), currentClient);
  });

  it("update single client", async () => {
    const { clientId, id } = currentClient;
    await kc.clients.update({ id }, { clientId, description: "test" });
    assertIncludes(await kc.clients.findOne({ id }), { description: "test" });
  });

  it("delete single client", async () => {
    const { id } = await kc.clients.create({ clientId: uniqueName("client") });
    await kc.clients.del({ id });
    assert.equal(await kc.clients.findOne({ id }), null);
  });

  describe("client roles", () => {
    before(async () => {
      const roleName = uniqueName("role");
      const { roleName: createdRoleName } = await kc.clients.createRole({ id: currentClient.id, name: roleName });
      assert.equal(createdRoleName, roleName);
      currentRoleName = roleName;
    });

    after(async () => {
      await kc.clients.delRole({ id: currentClient.id, roleName: currentRoleName });
    });

    it("list the client roles", async () => {
      const roles = await kc.clients.listRoles({ id: currentClient.id });
      assertIncludes(roles[0], { name: currentRoleName });
    });

    it("find the client role", async () => {
      const role = await kc.clients.findRole({ id: currentClient.id, roleName: currentRoleName });
      assertIncludes(role, { name: currentRoleName, clientRole: true, containerId: currentClient.id });
    });

    it("update the client role", async () => {
      const delta = { name: currentRoleName, description: "test" };
      await kc.clients.updateRole({ id: currentClient.id, roleName: currentRoleName }, delta);
      assertIncludes(await kc.clients.findRole({ id: currentClient.id, roleName: currentRoleName }), delta);
    });

    it("delete a client role", async () => {
      const roleName = uniqueName("role");
      await kc.clients.createRole({ id: currentClient.id, name: roleName });
      await kc.clients.delRole({ id: currentClient.id, roleName });
      assert.equal(await kc.clients.findRole({ id: currentClient.id, roleName }), null);
    });
  });

  describe("client secret", () => {
    before(async () => {
      const { clientId, id } = currentClient;
      await kc.clients.update({ id }, { clientId, serviceAccountsEnabled: true });
    });

    it("get client secret", async () => {
      const credential = await kc.clients.getClientSecret({ id: currentClient.id });
      assert.deepEqual(Object.keys(credential).sort(), ["type", "value"]);
    });

    it("generate new client secret", async () => {
      const newCredential = await kc.clients.generateNewClientSecret({ id: currentClient.id });
      const credential = await kc.clients.getClientSecret({ id: currentClient.id });
      assert.deepEqual(newCredential, credential);
    });

    it("generate new registration access token", async () => {
      assert.ok(await kc.clients.generateRegistrationAccessToken({ id: currentClient.id }));
    });

    it("invalidate rotation token", async () => {
      await kc.clients.invalidateSecret({ id: currentClient.id });
    });

    it("get installation providers", async () => {
      const installation = await kc.clients.getInstallationProviders({
        id: currentClient.id,
        providerId: "keycloak-oidc-jboss-subsystem",
      });
      assert.ok(installation);
      assert.equal(typeof installation, "string");
    });

    it("get service account user", async () => {
      assert.ok(await kc.clients.getServiceAccountUser({ id: currentClient.id }));
    });
  });

  for (const kind of ["default", "optional"]) {
    const Kind = kind === "default" ? "Default" : "Optional";
    const list = (id) => kc.clients[`list${Kind}ClientScopes`]({ id });
    const add = (id, clientScopeId) => kc.clients[`add${Kind}ClientScope`]({ id, clientScopeId });
    const del = (id, clientScopeId) => kc.clients[`del${Kind}ClientScope`]({ id, clientScopeId });

    describe(`${kind} client scopes`, () => {
      const dummyClientScope = {
        name: kind === "default" ? "does-anyone-read-this" : "i-hope-your-well",
        description: "a scope of the clients spec",
        protocol: "openid-connect",
      };

      beforeEach(async () => {
        await kc.clientScopes.create(dummyClientScope);
        currentClientScope = await kc.clientScopes.findOneByName({ name: dummyClientScope.name });
      });

      afterEach(async () => {
        try {
          await del(currentClient.id, currentClientScope.id);
        } catch {
          // ignore, as the original does
        }
        try {
          await kc.clientScopes.delByName({ name: dummyClientScope.name });
        } catch {
          // ignore
        }
      });

      it(`list ${kind} client scopes`, async () => {
        assert.ok(await list(currentClient.id));
      });

      it(`add ${kind} client scope`, async () => {
        await add(currentClient.id, currentClientScope.id);
        const scopes = await list(currentClient.id);
        assert.ok(scopes);
        assert.ok(scopes.find((scope) => scope.id === currentClientScope.id));
      });

      it(`delete ${kind} client scope`, async () => {
        await add(currentClient.id, currentClientScope.id);
        await del(currentClient.id, currentClientScope.id);
        const scopes = await list(currentClient.id);
        assert.ok(!scopes.find((scope) => scope.id === currentClientScope.id));
      });
    });
  }

  describe("protocol mappers", () => {
    let dummyMapper;

    beforeEach(() => {
      dummyMapper = {
        name: "become-a-farmer",
        protocol: "openid-connect",
        protocolMapper: "oidc-role-name-mapper",
        config: { role: "admin", "new.role.name": "farmer" },
      };
    });

    afterEach(async () => {
      try {
        const { id: mapperId } = await kc.clients.findProtocolMapperByName({
          id: currentClient.id,
          name: dummyMapper.name,
        });
        await kc.clients.delProtocolMapper({ id: currentClient.id, mapperId });
      } catch {
        // ignore
      }
    });

    const byName = () => kc.clients.findProtocolMapperByName({ id: currentClient.id, name: dummyMapper.name });

    it("list protocol mappers", async () => {
      assert.ok(await kc.clients.listProtocolMappers({ id: currentClient.id }));
    });

    it("add multiple protocol mappers", async () => {
      await kc.clients.addMultipleProtocolMappers({ id: currentClient.id }, [dummyMapper]);
      const mapper = await byName();
      assert.ok(mapper);
      assert.equal(mapper.protocol, dummyMapper.protocol);
      assert.equal(mapper.protocolMapper, dummyMapper.protocolMapper);
    });

    it("add single protocol mapper", async () => {
      await kc.clients.addProtocolMapper({ id: currentClient.id }, dummyMapper);
      const mapper = await byName();
      assert.ok(mapper);
      assert.equal(mapper.protocol, dummyMapper.protocol);
      assert.equal(mapper.protocolMapper, dummyMapper.protocolMapper);
    });

    it("find protocol mapper by id", async () => {
      await kc.clients.addProtocolMapper({ id: currentClient.id }, dummyMapper);
      const { id: mapperId } = await byName();
      const mapper = await kc.clients.findProtocolMapperById({ mapperId, id: currentClient.id });
      assert.ok(mapper);
      assert.equal(mapper.id, mapperId);
    });

    it("find protocol mapper by name", async () => {
      await kc.clients.addProtocolMapper({ id: currentClient.id }, dummyMapper);
      const mapper = await byName();
      assert.ok(mapper);
      assert.equal(mapper.name, dummyMapper.name);
    });

    it("find protocol mappers by protocol", async () => {
      await kc.clients.addProtocolMapper({ id: currentClient.id }, dummyMapper);
      const mappers = await kc.clients.findProtocolMappersByProtocol({
        id: currentClient.id,
        protocol: dummyMapper.protocol,
      });
      assert.ok(mappers);
      assert.ok(mappers.length >= 1);
      assert.ok(mappers.find((item) => item.name === dummyMapper.name));
    });

    it("update protocol mapper", async () => {
      dummyMapper.config = { "access.token.claim": "true" };
      await kc.clients.addProtocolMapper({ id: currentClient.id }, dummyMapper);
      const mapper = await byName();
      assert.equal(mapper.config["access.token.claim"], "true");
      mapper.config = { "access.token.claim": "false" };
      await kc.clients.updateProtocolMapper({ id: currentClient.id, mapperId: mapper.id }, mapper);
      assert.equal((await byName()).config["access.token.claim"], "false");
    });

    it("delete protocol mapper", async () => {
      await kc.clients.addProtocolMapper({ id: currentClient.id }, dummyMapper);
      const { id: mapperId } = await byName();
      await kc.clients.delProtocolMapper({ id: currentClient.id, mapperId });
      assert.ok(!(await byName()));
    });
  });

  describe("scope mappings", () => {
    it("list client and realm scope mappings", async () => {
      assert.ok(await kc.clients.listScopeMappings({ id: currentClient.id }));
    });

    describe("client", () => {
      const dummyRoleName = "clientScopeMappingsRole-dummy";
      const ids = () => ({ id: currentClient.id, client: currentClient.id });

      beforeEach(async () => {
        await kc.clients.createRole({ id: currentClient.id, name: dummyRoleName });
      });

      afterEach(async () => {
        try {
          await kc.clients.delRole({ id: currentClient.id, roleName: dummyRoleName });
        } catch {
          // ignore
        }
      });

      it("add scope mappings", async () => {
        const availableRoles = await kc.clients.listAvailableClientScopeMappings(ids());
        await kc.clients.addClientScopeMappings(ids(), availableRoles);
        const roles = await kc.clients.listClientScopeMappings(ids());
        assert.ok(roles);
        assert.deepEqual(roles, availableRoles);
      });

      it("list scope mappings", async () => {
        assert.ok(await kc.clients.listClientScopeMappings(ids()));
      });

      it("list available scope mappings", async () => {
        assert.ok(await kc.clients.listAvailableClientScopeMappings(ids()));
      });

      it("list composite scope mappings", async () => {
        assert.ok(await kc.clients.listCompositeClientScopeMappings(ids()));
      });

      it("delete scope mappings", async () => {
        const rolesBefore = await kc.clients.listClientScopeMappings(ids());
        await kc.clients.delClientScopeMappings(ids(), rolesBefore);
        const rolesAfter = await kc.clients.listClientScopeMappings(ids());
        assert.ok(rolesAfter);
        assert.deepEqual(rolesAfter, []);
      });

      it("get effective scope mapping of all roles for a specific container", async () => {
        const roles = await kc.clients.evaluatePermission({
          id: currentClient.id,
          roleContainer: "master",
          type: "granted",
          scope: "openid",
        });
        assert.ok(roles);
        assert.equal(roles.length, 5);
      });

      it("get list of all protocol mappers", async () => {
        const mappers = await kc.clients.evaluateListProtocolMapper({ id: currentClient.id, scope: "openid" });
        assert.ok(mappers);
        assert.ok(mappers.length > 10, `${mappers.length} mappers`);
      });

      it("get JSON with payload of examples", async () => {
        const user = await kc.users.create({ username: uniqueName("user") });
        const request = { id: currentClient.id, userId: user.id, scope: "openid" };
        assert.ok(await kc.clients.evaluateGenerateAccessToken(request));
        assert.ok(await kc.clients.evaluateGenerateIdToken(request));
        assert.ok(await kc.clients.evaluateGenerateUserInfo(request));
        await kc.users.del({ id: user.id });
      });
    });

    describe("realm", () => {
      const dummyRoleName = "realmScopeMappingsRole-dummy";

      beforeEach(async () => {
        await kc.roles.create({ name: dummyRoleName });
      });

      afterEach(async () => {
        try {
          await kc.roles.delByName({ name: dummyRoleName });
        } catch {
          // ignore
        }
      });

      it("add scope mappings", async () => {
        const availableRoles = await kc.clients.listAvailableRealmScopeMappings({ id: currentClient.id });
        await kc.clients.addRealmScopeMappings({ id: currentClient.id }, availableRoles);
        const roles = await kc.clients.listRealmScopeMappings({ id: currentClient.id });
        assert.ok(roles);
        assert.deepEqual([...roles].sort(byId), [...availableRoles].sort(byId));
      });

      it("list scope mappings", async () => {
        assert.ok(await kc.clients.listRealmScopeMappings({ id: currentClient.id }));
      });

      it("list available scope mappings", async () => {
        assert.ok(await kc.clients.listAvailableRealmScopeMappings({ id: currentClient.id }));
      });

      it("list composite scope mappings", async () => {
        assert.ok(await kc.clients.listCompositeRealmScopeMappings({ id: currentClient.id }));
      });

      it("delete scope mappings", async () => {
        const rolesBefore = await kc.clients.listRealmScopeMappings({ id: currentClient.id });
        await kc.clients.delRealmScopeMappings({ id: currentClient.id }, rolesBefore);
        const rolesAfter = await kc.clients.listRealmScopeMappings({ id: currentClient.id });
        assert.ok(rolesAfter);
        assert.deepEqual(rolesAfter, []);
      });
    });
  });

  describe("sessions", () => {
    it("list clients user sessions", async () => {
      assert.ok(await kc.clients.listSessions({ id: currentClient.id }));
    });

    it("list clients offline user sessions", async () => {
      assert.ok(await kc.clients.listOfflineSessions({ id: currentClient.id }));
    });

    it("list clients user session count", async () => {
      assert.ok(await kc.clients.getSessionCount({ id: currentClient.id }));
    });

    it("list clients offline user session count", async () => {
      assert.ok(await kc.clients.getOfflineSessionCount({ id: currentClient.id }));
    });
  });

  describe("nodes", () => {
    const host = "127.0.0.1";

    it("register a node manually", async () => {
      await kc.clients.addClusterNode({ id: currentClient.id, node: host });
      const client = await kc.clients.findOne({ id: currentClient.id });
      assert.deepEqual(Object.keys(client.registeredNodes), [host]);
    });

    it("remove registered host", async () => {
      await kc.clients.deleteClusterNode({ id: currentClient.id, node: host });
      const client = await kc.clients.findOne({ id: currentClient.id });
      assert.equal(client.registeredNodes, undefined);
    });
  });

  describe("client attribute certificate", () => {
    const keystoreConfig = {
      format: "JKS",
      keyAlias: "new",
      keyPassword: "password",
      realmAlias: "master",
      realmCertificate: false,
      storePassword: "password",
    };
    const attr = "jwt.credential";

    it("generate and download keys", async () => {
      assert.ok(await kc.clients.generateAndDownloadKey({ id: currentClient.id, attr }, keystoreConfig));
    });

    it("generate key and updated info", async () => {
      const certificate = await kc.clients.generateKey({ id: currentClient.id, attr });
      assert.ok(certificate);
      assert.ok(certificate.certificate);
      assert.deepEqual(await kc.clients.getKeyInfo({ id: currentClient.id, attr }), certificate);
    });

    it("download key", async () => {
      assert.ok(await kc.clients.downloadKey({ id: currentClient.id, attr }, keystoreConfig));
    });
  });
});
