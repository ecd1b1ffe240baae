// Port of the "Required Actions" part of Keycloak's js/libs/keycloak-admin-client/test/authenticationManagement.spec.ts
// (keycloak/keycloak @1274cb8b) to node:test, run against a Doorkeep server by
// tests/interop/test_keycloak_admin_client_specs_clients.py: a fresh realm, UPDATE_PROFILE unregistered, the first
// unregistered action registered again, then listed, read, updated and moved down and up in priority.
//
// Not ported here (outside this port's brief, which is the required actions' list, get, update and priorities):
// the required action config tests ("should fetch config description for required action", "should fetch / update /
// reset required action config for update password": Doorkeep has no required action config, 501), the
// authenticator, form and client-authenticator provider lists, and the "Flows" and "Flow executions" blocks.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { connect, uniqueName } from "./support.mjs";

describe("Authentication management", () => {
  let kc;
  let currentRealm;
  let provider;

  before(async () => {
    kc = await connect();
    currentRealm = uniqueName("auth");
    await kc.realms.create({ id: currentRealm, realm: currentRealm, enabled: true });
    kc.setConfig({ realmName: currentRealm });
  });

  after(async () => {
    await kc.realms.del({ realm: currentRealm });
    assert.equal(await kc.realms.findOne({ realm: currentRealm }), null);
  });

  describe("Required Actions", () => {
    const byAlias = () => kc.authenticationManagement.getRequiredActionForAlias({ alias: provider.providerId });

    it("should delete required action by alias", async () => {
      await kc.authenticationManagement.deleteRequiredAction({ alias: "UPDATE_PROFILE" });
    });

    it("should get unregistered required actions", async () => {
      const unregistered = await kc.authenticationManagement.getUnregisteredRequiredActions();
      assert.ok(Array.isArray(unregistered));
      assert.ok(unregistered.length >= 1);
      provider = unregistered[0];
    });

    it("should register new required action", async () => {
      const registered = await kc.authenticationManagement.registerRequiredAction({
        providerId: provider.providerId,
        name: provider.name,
      });
      assert.equal(registered, "");
    });

    it("should get required actions", async () => {
      assert.ok(Array.isArray(await kc.authenticationManagement.getRequiredActions()));
    });

    it("should get required action by alias", async () => {
      assert.ok(await byAlias());
    });

    it("should update required action by alias", async () => {
      const action = await byAlias();
      const response = await kc.authenticationManagement.updateRequiredAction(
        { alias: provider.providerId },
        { ...action, enabled: true, priority: 10 },
      );
      assert.equal(response, "");
    });

    it("should lower required action priority", async () => {
      const action = await byAlias();
      const response = await kc.authenticationManagement.lowerRequiredActionPriority({ alias: provider.providerId });
      assert.equal(response, "");
      assert.ok((await byAlias()).priority > action.priority);
    });

    it("should raise required action priority", async () => {
      const action = await byAlias();
      const response = await kc.authenticationManagement.raiseRequiredActionPriority({ alias: provider.providerId });
      assert.equal(response, "");
      assert.ok((await byAlias()).priority < action.priority);
    });
  });
});
