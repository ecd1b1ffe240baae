// Port of Keycloak's js/libs/keycloak-admin-client/test/clientScopes.spec.ts (keycloak/keycloak @0403a57c) to
// node:test, run against a Doorkeep server by tests/interop/test_keycloak_admin_client_specs_clients.py. Same calls,
// same expectations, on the master realm. Nothing is left out: every `it` of the original is here.
import assert from "node:assert/strict";
import { afterEach, before, beforeEach, describe, it } from "node:test";
import { isDeepStrictEqual as isDeepEqual } from "node:util";
import { connect } from "./support.mjs";

describe("Client Scopes", () => {
  let kc;
  let currentClientScope;
  let currentClient;
  const currentClientScopeName = "best-of-the-bests-scope";

  const dropScope = async () => {
    try {
      await kc.clientScopes.delByName({ name: currentClientScopeName });
    } catch {
      // ignore, as the original does
    }
  };

  before(async () => {
    kc = await connect();
  });

  beforeEach(async () => {
    await kc.clientScopes.create({ name: currentClientScopeName, protocol: "openid-connect" });
    currentClientScope = await kc.clientScopes.findOneByName({ name: currentClientScopeName });
  });

  afterEach(async () => {
    for (const cleanup of [
      () => kc.clientScopes.delDefaultClientScope({ id: currentClientScope.id }),
      () => kc.clientScopes.delDefaultOptionalClientScope({ id: currentClientScope.id }),
    ]) {
      try {
        await cleanup();
      } catch {
        // ignore
      }
    }
    await dropScope();
  });

  it("list client scopes", async () => {
    assert.ok(await kc.clientScopes.find());
  });

  it("create client scope and get by name", async () => {
    await dropScope();
    await kc.clientScopes.create({ name: currentClientScopeName, protocol: "openid-connect" });
    const scope = await kc.clientScopes.findOneByName({ name: currentClientScopeName });
    assert.ok(scope);
    assert.equal(scope.name, currentClientScopeName);
  });

  it("create client scope and return id", async () => {
    await dropScope();
    const { id } = await kc.clientScopes.create({ name: currentClientScopeName, protocol: "openid-connect" });
    const scope = await kc.clientScopes.findOne({ id });
    assert.ok(scope);
    assert.equal(scope.name, currentClientScopeName);
  });

  it("find scope by id", async () => {
    const scope = await kc.clientScopes.findOne({ id: currentClientScope.id });
    assert.ok(scope);
    assert.deepEqual(scope, currentClientScope);
  });

  it("find scope by name", async () => {
    const scope = await kc.clientScopes.findOneByName({ name: currentClientScopeName });
    assert.ok(scope);
    assert.equal(scope.name, currentClientScopeName);
  });

  it("return null if scope not found by id", async () => {
    assert.equal(await kc.clientScopes.findOne({ id: "I do not exist" }), null);
  });

  it("return null if scope not found by name", async () => {
    assert.equal(await kc.clientScopes.findOneByName({ name: "I do not exist" }), undefined);
  });

  it("update client scope", async () => {
    const { id, description: oldDescription } = currentClientScope;
    const description = "This scope is totally awesome.";
    await kc.clientScopes.update(
      { id },
      { name: currentClientScope.name, protocol: currentClientScope.protocol, description },
    );
    const updated = await kc.clientScopes.findOne({ id });
    assert.ok(updated);
    assert.notDeepEqual(updated, currentClientScope);
    assert.equal(updated.description, description);
    assert.notEqual(updated.description, oldDescription);
  });

  it("delete single client scope by id", async () => {
    await kc.clientScopes.del({ id: currentClientScope.id });
    assert.ok(!(await kc.clientScopes.findOne({ id: currentClientScope.id })));
  });

  it("delete single client scope by name", async () => {
    await kc.clientScopes.delByName({ name: currentClientScopeName });
    assert.ok(!(await kc.clientScopes.findOneByName({ name: currentClientScopeName })));
  });

  for (const [title, Kind] of [
    ["default client scope", "DefaultClientScope"],
    ["default optional client scopes", "DefaultOptionalClientScope"],
  ]) {
    const list = () => kc.clientScopes[`list${Kind}s`]();
    const add = (id) => kc.clientScopes[`add${Kind}`]({ id });
    const del = (id) => kc.clientScopes[`del${Kind}`]({ id });
    const what = Kind === "DefaultClientScope" ? "default client scope" : "default optional client scope";

    describe(title, () => {
      it(`list ${what}s`, async () => {
        assert.ok(await list());
      });

      it(`add ${what}`, async () => {
        await add(currentClientScope.id);
        const found = (await list()).find((scope) => scope.id === currentClientScope.id);
        assert.ok(found);
        assert.equal(found.id, currentClientScope.id);
        assert.equal(found.name, currentClientScope.name);
      });

      it(`delete ${what}`, async () => {
        await add(currentClientScope.id);
        await del(currentClientScope.id);
        assert.ok(!(await list()).find((scope) => scope.id === currentClientScope.id));
      });
    });
  }

  describe("protocol mappers", () => {
    let dummyMapper;
    const byName = () =>
      kc.clientScopes.findProtocolMapperByName({ id: currentClientScope.id, name: dummyMapper.name });

    beforeEach(() => {
      dummyMapper = { name: "mapping-maps-mapper", protocol: "openid-connect", protocolMapper: "oidc-audience-mapper" };
    });

    afterEach(async () => {
      try {
        const { id: mapperId } = await byName();
        await kc.clientScopes.delProtocolMapper({ id: currentClientScope.id, mapperId });
      } catch {
        // ignore
      }
    });

    it("list protocol mappers", async () => {
      assert.ok(await kc.clientScopes.listProtocolMappers({ id: currentClientScope.id }));
    });

    it("add multiple protocol mappers", async () => {
      await kc.clientScopes.addMultipleProtocolMappers({ id: currentClientScope.id }, [dummyMapper]);
      const mapper = await byName();
      assert.ok(mapper);
      assert.equal(mapper.protocol, dummyMapper.protocol);
      assert.equal(mapper.protocolMapper, dummyMapper.protocolMapper);
    });

    it("add single protocol mapper", async () => {
      await kc.clientScopes.addProtocolMapper({ id: currentClientScope.id }, dummyMapper);
      const mapper = await byName();
      assert.ok(mapper);
      assert.equal(mapper.protocol, dummyMapper.protocol);
      assert.equal(mapper.protocolMapper, dummyMapper.protocolMapper);
    });

    it("find protocol mapper by id", async () => {
      await kc.clientScopes.addProtocolMapper({ id: currentClientScope.id }, dummyMapper);
      const { id: mapperId } = await byName();
      const mapper = await kc.clientScopes.findProtocolMapper({ id: currentClientScope.id, mapperId });
      assert.ok(mapper);
      assert.equal(mapper.id, mapperId);
    });

    it("find protocol mapper by name", async () => {
      await kc.clientScopes.addProtocolMapper({ id: currentClientScope.id }, dummyMapper);
      const mapper = await byName();
      assert.ok(mapper);
      assert.equal(mapper.name, dummyMapper.name);
    });

    it("find protocol mappers by protocol", async () => {
      await kc.clientScopes.addProtocolMapper({ id: currentClientScope.id }, dummyMapper);
      const mappers = await kc.clientScopes.findProtocolMappersByProtocol({
        id: currentClientScope.id,
        protocol: dummyMapper.protocol,
      });
      assert.ok(mappers);
      assert.ok(mappers.length >= 1);
      assert.ok(mappers.find((item) => item.name === dummyMapper.name));
    });

    it("update protocol mapper", async () => {
      dummyMapper.config = { "access.token.claim": "true" };
      await kc.clientScopes.addProtocolMapper({ id: currentClientScope.id }, dummyMapper);
      const mapper = await byName();
      assert.equal(mapper.config["access.token.claim"], "true");
      mapper.config = { "access.token.claim": "false" };
      await kc.clientScopes.updateProtocolMapper({ id: currentClientScope.id, mapperId: mapper.id }, mapper);
      assert.equal((await byName()).config["access.token.claim"], "false");
    });

    it("delete protocol mapper", async () => {
      await kc.clientScopes.addProtocolMapper({ id: currentClientScope.id }, dummyMapper);
      const { id: mapperId } = await byName();
      await kc.clientScopes.delProtocolMapper({ id: currentClientScope.id, mapperId });
      assert.ok(!(await byName()));
    });
  });

  describe("scope mappings", () => {
    it("list client and realm scope mappings", async () => {
      assert.ok(await kc.clientScopes.listScopeMappings({ id: currentClientScope.id }));
    });

    describe("client", () => {
      const dummyClientId = "scopeMappings-dummy";
      const dummyRoleName = "scopeMappingsRole-dummy";
      const ids = () => ({ id: currentClientScope.id, client: currentClient.id });

      beforeEach(async () => {
        const { id } = await kc.clients.create({ clientId: dummyClientId });
        currentClient = await kc.clients.findOne({ id });
        await kc.clients.createRole({ id, name: dummyRoleName });
      });

      afterEach(async () => {
        await kc.clients.delRole({ id: currentClient.id, roleName: dummyRoleName });
        await kc.clients.del({ id: currentClient.id });
      });

      it("add scope mappings", async () => {
        const available = await kc.clientScopes.listAvailableClientScopeMappings(ids());
        const filteredRoles = available.filter((role) => !role.composite);
        await kc.clientScopes.addClientScopeMappings(ids(), filteredRoles);
        const roles = await kc.clientScopes.listClientScopeMappings(ids());
        assert.ok(roles);
        assert.deepEqual(roles, filteredRoles);
      });

      it("list scope mappings", async () => {
        assert.ok(await kc.clientScopes.listClientScopeMappings(ids()));
      });

      it("list available scope mappings", async () => {
        assert.ok(await kc.clientScopes.listAvailableClientScopeMappings(ids()));
      });

      it("list composite scope mappings", async () => {
        assert.ok(await kc.clientScopes.listCompositeClientScopeMappings(ids()));
      });

      it("delete scope mappings", async () => {
        const rolesBefore = await kc.clientScopes.listClientScopeMappings(ids());
        await kc.clientScopes.delClientScopeMappings(ids(), rolesBefore);
        const rolesAfter = await kc.clientScopes.listClientScopeMappings(ids());
        assert.ok(rolesAfter);
        assert.deepEqual(rolesAfter, []);
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
        const available = await kc.clientScopes.listAvailableRealmScopeMappings({ id: currentClientScope.id });
        const filteredRoles = available.filter((role) => !role.composite);
        await kc.clientScopes.addRealmScopeMappings({ id: currentClientScope.id }, filteredRoles);
        const roles = await kc.clientScopes.listRealmScopeMappings({ id: currentClientScope.id });
        assert.ok(roles);
        for (const role of filteredRoles) {
          assert.ok(roles.some((mapped) => isDeepEqual(mapped, role)), `${role.name} is not among the mappings`);
        }
      });

      it("list scope mappings", async () => {
        assert.ok(await kc.clientScopes.listRealmScopeMappings({ id: currentClientScope.id }));
      });

      it("list available scope mappings", async () => {
        assert.ok(await kc.clientScopes.listAvailableRealmScopeMappings({ id: currentClientScope.id }));
      });

      it("list composite scope mappings", async () => {
        assert.ok(await kc.clientScopes.listCompositeRealmScopeMappings({ id: currentClientScope.id }));
      });

      it("delete scope mappings", async () => {
        const rolesBefore = await kc.clientScopes.listRealmScopeMappings({ id: currentClientScope.id });
        await kc.clientScopes.delRealmScopeMappings({ id: currentClientScope.id }, rolesBefore);
        const rolesAfter = await kc.clientScopes.listRealmScopeMappings({ id: currentClientScope.id });
        assert.ok(rolesAfter);
        assert.deepEqual(rolesAfter, []);
      });
    });
  });
});
